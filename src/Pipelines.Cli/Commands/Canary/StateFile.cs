using System.Text.Json;
using System.Text.Json.Serialization;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// The rollout's state as a JSON file (kept as a workflow artifact between jobs), replaced atomically on every save so
/// a crash leaves either the old state or the new one, never half of one.
/// </summary>
public sealed class StateFile(string path, string displayPath) : IRolloutStore
{
    public string Path => path;

    public RolloutState? Load()
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.RolloutState)
                ?? throw new InputException($"--state: {displayPath} is empty");
        }
        catch (JsonException ex)
        {
            throw new InputException($"--state: {displayPath} is not a rollout state file (line {ex.LineNumber + 1}: {ex.Message})", ex);
        }
    }

    public void Save(RolloutState state)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, StateJsonContext.Default.RolloutState));
        File.Move(temporary, full, overwrite: true);
    }
}

/// <summary>Source-generated JSON for the state file: enums by name, indented for people reading an artifact.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(RolloutState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;

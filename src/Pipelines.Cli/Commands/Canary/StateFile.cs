using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// A rollout's state as a JSON file (kept as a workflow artifact between jobs), replaced atomically on every save so
/// a crash leaves either the old state or the new one, never half of one.
/// </summary>
public class StateFile<T>(string path, string displayPath, JsonTypeInfo<T> type)
    where T : class
{
    public string Path => path;

    public T? Load()
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), type)
                ?? throw new InputException($"--state: {displayPath} is empty");
        }
        catch (JsonException ex)
        {
            throw new InputException($"--state: {displayPath} is not this kind of rollout state file (line {ex.LineNumber + 1}: {ex.Message})", ex);
        }
    }

    public void Save(T state)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, type));
        File.Move(temporary, full, overwrite: true);
    }
}

/// <summary>The state of a fleet rollout.</summary>
public sealed class StateFile(string path, string displayPath) : StateFile<RolloutState>(path, displayPath, StateJsonContext.Default.RolloutState), IRolloutStore;

/// <summary>The state of a slot rollout.</summary>
public sealed class SlotStateFile(string path, string displayPath) : StateFile<SlotRolloutState>(path, displayPath, StateJsonContext.Default.SlotRolloutState), ISlotRolloutStore;

/// <summary>Source-generated JSON for the state files: enums by name, indented for people reading an artifact.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(RolloutState))]
[JsonSerializable(typeof(SlotRolloutState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;

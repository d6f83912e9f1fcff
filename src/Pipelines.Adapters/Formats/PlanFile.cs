using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Formats;

/// <summary>A unit in the plan file: <paramref name="Restricted"/> units run only the selection's categories.</summary>
public sealed record PlanUnitJson(string Id, double Seconds, bool Estimated, bool Restricted);

/// <summary>One shard in the plan file, with the <c>dotnet test</c> filters that run it, one invocation each.</summary>
public sealed record PlanShardJson(int Index, double PredictedSeconds, IReadOnlyList<PlanUnitJson> Units, IReadOnlyList<string> Filters);

/// <summary>
/// The plan file, which is also <c>plan-tests --json</c>: what <c>run-tests</c> reads in every matrix job.
/// </summary>
public sealed record PlanJson(
    string Format,
    string Seed,
    string SeedSource,
    string By,
    string Order,
    double LowerBoundSeconds,
    double PredictedMakespanSeconds,
    int TestCount,
    int EstimatedUnits,
    string CategoryFilter,
    IReadOnlyList<PlanShardJson> Shards,
    IReadOnlyList<string> Warnings)
{
    public const string CurrentFormat = "pipelines-plan/1";
}

/// <summary>Reads and writes the plan file.</summary>
public static class PlanFile
{
    public static void Write(string path, PlanJson plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(plan, PlanJsonContext.Relaxed.PlanJson));
    }

    public static PlanJson Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"--plan: no plan file at {path}; run 'pipelines plan-tests' first and pass its 'plan' output");
        }

        // Read through JsonDocument rather than the serializer: every matrix job pays for this at start-up, and the
        // serializer's generic code for our records is JIT-compiled on first use (about 40 ms), JsonDocument's is not.
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != PlanJson.CurrentFormat)
            {
                throw new InputException($"--plan: {path} is not a plan of this version (expected \"format\": \"{PlanJson.CurrentFormat}\")");
            }

            return new PlanJson(
                Format: PlanJson.CurrentFormat,
                Seed: root.GetProperty("seed").GetString()!,
                SeedSource: root.GetProperty("seedSource").GetString()!,
                By: root.GetProperty("by").GetString()!,
                Order: root.GetProperty("order").GetString()!,
                LowerBoundSeconds: root.GetProperty("lowerBoundSeconds").GetDouble(),
                PredictedMakespanSeconds: root.GetProperty("predictedMakespanSeconds").GetDouble(),
                TestCount: root.GetProperty("testCount").GetInt32(),
                EstimatedUnits: root.GetProperty("estimatedUnits").GetInt32(),
                CategoryFilter: root.GetProperty("categoryFilter").GetString()!,
                Shards: [.. root.GetProperty("shards").EnumerateArray().Select(shard => new PlanShardJson(
                    shard.GetProperty("index").GetInt32(),
                    shard.GetProperty("predictedSeconds").GetDouble(),
                    [.. shard.GetProperty("units").EnumerateArray().Select(unit => new PlanUnitJson(
                        unit.GetProperty("id").GetString()!,
                        unit.GetProperty("seconds").GetDouble(),
                        unit.GetProperty("estimated").GetBoolean(),
                        unit.GetProperty("restricted").GetBoolean()))],
                    [.. shard.GetProperty("filters").EnumerateArray().Select(f => f.GetString()!)]))],
                Warnings: [.. root.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!)]);
        }
        catch (JsonException ex)
        {
            throw InputException.At(path, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, "not a valid plan file: " + ex.Message);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"--plan: {path} is not a complete plan file ({ex.Message}); write it with 'pipelines plan-tests'", ex);
        }
    }
}

/// <summary>
/// Source-generated JSON for the plan file, with the options of every command's <c>--json</c> document (the plan file
/// is <c>plan-tests --json</c>): camelCase, indented, quotes and non-ASCII names kept readable.
/// </summary>
[JsonSerializable(typeof(PlanJson))]
internal sealed partial class PlanJsonContext : JsonSerializerContext
{
    public static PlanJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipelines.Adapters.Files;
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

    /// <summary>
    /// Reads a plan file; anything but a whole plan is bad input naming the file, the JSON path and what was expected
    /// (a null id or filter would otherwise reach <c>dotnet test</c>).
    /// </summary>
    /// <param name="display">The file as messages name it (the path the user gave); <paramref name="path"/> when null.</param>
    public static PlanJson Read(string path, string? display = null)
    {
        display ??= path;
        if (!File.Exists(path))
        {
            throw new InputException($"--plan: no plan file at {display}; run 'pipelines plan-tests' first and pass its 'plan' output");
        }

        // Read through JsonDocument rather than the serializer: every matrix job pays for this at start-up, and the
        // serializer's generic code for our records is JIT-compiled on first use (about 40 ms), JsonDocument's is not.
        var (file, document) = JsonInput.Load(path, display, "plan file");
        using (document)
        {
            var root = document.RootElement;
            file.Expect(root, JsonValueKind.Object, "$");
            if (!root.TryGetProperty("format", out var format) || JsonInput.TextOrNull(format) != PlanJson.CurrentFormat)
            {
                throw file.Error("$.format", $"expected \"{PlanJson.CurrentFormat}\" (a plan of this version, written by 'pipelines plan-tests')");
            }

            string Placement(string by) => by is "test" or "class" or "file" ? by : throw file.Error("$.by", "expected \"test\", \"class\" or \"file\"");
            string Text(JsonElement parent, string name, string path) => file.Text(file.Member(parent, name, path), $"{path}.{name}");
            double Seconds(JsonElement parent, string name, string path) =>
                file.Number(file.Member(parent, name, path), $"{path}.{name}", 0, MaxSeconds);
            int Count(JsonElement parent, string name, string path) =>
                (int)file.Whole(file.Member(parent, name, path), $"{path}.{name}", 0, int.MaxValue);

            var shards = new List<PlanShardJson>();
            foreach (var (shard, at) in file.Items(file.Member(root, "shards", "$"), "$.shards"))
            {
                var units = file.Items(file.Member(shard, "units", at), $"{at}.units").Select(u => new PlanUnitJson(
                    Text(u.Item, "id", u.Path),
                    Seconds(u.Item, "seconds", u.Path),
                    file.Bool(file.Member(u.Item, "estimated", u.Path), $"{u.Path}.estimated"),
                    file.Bool(file.Member(u.Item, "restricted", u.Path), $"{u.Path}.restricted"))).ToList();
                // An empty filter would make dotnet test run the whole suite on every shard.
                var filters = file.Items(file.Member(shard, "filters", at), $"{at}.filters")
                    .Select(f => file.Text(f.Item, f.Path) is { Length: > 0 } text ? text : throw file.Error(f.Path, "expected a test filter, found an empty string")).ToList();
                shards.Add(new PlanShardJson(Count(shard, "index", at), Seconds(shard, "predictedSeconds", at), units, filters));
            }

            return new PlanJson(
                Format: PlanJson.CurrentFormat,
                Seed: Text(root, "seed", "$"),
                SeedSource: Text(root, "seedSource", "$"),
                By: Placement(Text(root, "by", "$")),
                Order: Text(root, "order", "$"),
                LowerBoundSeconds: Seconds(root, "lowerBoundSeconds", "$"),
                PredictedMakespanSeconds: Seconds(root, "predictedMakespanSeconds", "$"),
                TestCount: Count(root, "testCount", "$"),
                EstimatedUnits: Count(root, "estimatedUnits", "$"),
                CategoryFilter: Text(root, "categoryFilter", "$"),
                Shards: shards,
                Warnings: [.. file.Items(file.Member(root, "warnings", "$"), "$.warnings").Select(w => file.Text(w.Item, w.Path))]);
        }
    }

    /// <summary>A plan's durations are at most a year: more is a corrupt file, not a suite.</summary>
    private const double MaxSeconds = 365 * 24 * 3600;
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

using System.Text.Json;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;

namespace Pipelines.Cli.Commands.PlanTests;

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

        File.WriteAllText(path, JsonSerializer.Serialize(plan, PipelinesJsonContext.Relaxed.PlanJson));
    }

    public static PlanJson Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"--plan: no plan file at {path}; run 'pipelines plan-tests' first and pass its 'plan' output");
        }

        try
        {
            var plan = JsonSerializer.Deserialize(File.ReadAllText(path), PipelinesJsonContext.Relaxed.PlanJson);
            if (plan?.Format != PlanJson.CurrentFormat)
            {
                throw new InputException($"--plan: {path} is not a plan of this version (expected \"format\": \"{PlanJson.CurrentFormat}\")");
            }

            return plan;
        }
        catch (JsonException ex)
        {
            throw InputException.At(path, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, "not a valid plan file: " + ex.Message);
        }
    }
}

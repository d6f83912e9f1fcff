using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipelines.Adapters.Formats;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Planning;

namespace Pipelines.Cli.Commands.PlanTests;

/// <summary>Turns a <see cref="TestPlan"/> into the plan file, outputs, a readable report and a step summary.</summary>
public static class PlanTestsReport
{
    /// <summary>Matrix filters beyond this size stay in the plan file only: job outputs are capped at 1 MB in total.</summary>
    private const int MaxMatrixChars = 256 * 1024;

    public static PlanJson Document(
        TestPlan plan, string seedSource, int testCount, PlanScope scope, IReadOnlySet<string> restricted, IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(scope);
        return new PlanJson(
            Format: PlanJson.CurrentFormat,
            Seed: plan.Seed.ToString(CultureInfo.InvariantCulture),
            SeedSource: seedSource,
            By: Name(plan.By),
            Order: Name(plan.Order),
            LowerBoundSeconds: Round(plan.LowerBoundSeconds),
            PredictedMakespanSeconds: Round(plan.PredictedMakespanSeconds),
            TestCount: testCount,
            EstimatedUnits: plan.Shards.Sum(s => s.Units.Count(u => u.Estimated)),
            CategoryFilter: scope.CategoryFilter,
            Shards: [.. plan.Shards.Select(s => new PlanShardJson(
                s.Index,
                Round(s.PredictedSeconds),
                [.. s.Units.Select(u => new PlanUnitJson(u.Id, Round(u.Seconds), u.Estimated, restricted.Contains(u.Id)))],
                plan.By == PlanBy.File ? [] : ShardFilters.Build(s.Units, plan.By, scope.CategoryFilter, restricted)))],
            Warnings: warnings);
    }

    public static CommandResult Build(PlanJson plan, string planPath, bool azureMatrix)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var result = new CommandResult(ExitCodes.Success)
            .Output("matrix", Matrix(plan, azureMatrix))
            .Output("plan", planPath)
            .Output("seed", plan.Seed)
            .Output("predicted-minutes", Minutes(plan.PredictedMakespanSeconds))
            .Output("shards", plan.Shards.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var warning in plan.Warnings)
        {
            result.Annotations.Add(new Hosting.Annotation(Hosting.AnnotationLevel.Warning, warning, Title: "plan-tests"));
        }

        result.WithJson(plan, c => c.PlanJson);
        result.Report = Readable(plan, planPath);
        result.Summary = Summary(plan);
        return result;
    }

    /// <summary>
    /// GitHub: <c>{"include":[{shard, of, filter}]}</c> for <c>strategy.matrix: ${{ fromJSON(...) }}</c>;
    /// Azure Pipelines: <c>{"shard1": {…}}</c> for <c>strategy.matrix: $[ … ]</c>. The filter is set when one
    /// <c>dotnet test</c> invocation runs the shard; otherwise <c>run-tests</c> takes it from the plan file.
    /// </summary>
    private static string Matrix(PlanJson plan, bool azure)
    {
        var of = plan.Shards.Count;
        var withFilters = plan.Shards.All(s => s.Filters.Count <= 1) && plan.Shards.Sum(s => s.Filters.Sum(f => f.Length)) <= MaxMatrixChars;
        var entries = plan.Shards.Select(s => (s.Index, Filter: withFilters && s.Filters.Count > 0 ? s.Filters[0] : string.Empty)).ToList();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (!azure)
            {
                writer.WriteStartArray("include");
            }

            foreach (var (index, filter) in entries)
            {
                if (azure)
                {
                    writer.WriteStartObject("shard" + index.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteStartObject();
                }

                writer.WriteNumber("shard", index);
                writer.WriteNumber("of", of);
                writer.WriteString("filter", filter);
                writer.WriteEndObject();
            }

            if (!azure)
            {
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Readable(PlanJson plan, string planPath)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"plan-tests: {plan.TestCount} tests by {plan.By} on {plan.Shards.Count} shard(s), predicted {Duration(plan.PredictedMakespanSeconds)} (lower bound {Duration(plan.LowerBoundSeconds)}, {Efficiency(plan)})").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  order {plan.Order}, seed {plan.Seed} ({plan.SeedSource}); replay with --seed {plan.Seed}").AppendLine();
        var widest = plan.Shards.Select(s => s.PredictedSeconds).DefaultIfEmpty(0).Max();
        foreach (var shard in plan.Shards)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  shard {shard.Index,3}  {Bar(shard.PredictedSeconds, widest, 30)}  {Duration(shard.PredictedSeconds),8}  {shard.Units.Count} unit(s)").AppendLine();
        }

        if (plan.EstimatedUnits > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {plan.EstimatedUnits} unit(s) without history were given the default time").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"  plan written to {planPath}").AppendLine();
        return text.ToString();
    }

    private static string Summary(PlanJson plan)
    {
        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture,
            $"### Test plan: {plan.Shards.Count} shard(s), predicted {Duration(plan.PredictedMakespanSeconds)}").AppendLine().AppendLine();
        summary.Append(CultureInfo.InvariantCulture,
            $"{plan.TestCount} tests by {plan.By}; lower bound {Duration(plan.LowerBoundSeconds)} ({Efficiency(plan)}). Order: {plan.Order}, seed `{plan.Seed}` ({Markdown.Cell(plan.SeedSource)}) — replay with `--seed {plan.Seed}`.")
            .AppendLine().AppendLine();
        var widest = plan.Shards.Select(s => s.PredictedSeconds).DefaultIfEmpty(0).Max();
        Markdown.Table(summary, ["shard", "units", "predicted", "load", "slowest unit"], plan.Shards.Select(s => (IReadOnlyList<string>)
        [
            s.Index.ToString(CultureInfo.InvariantCulture),
            s.Units.Count.ToString(CultureInfo.InvariantCulture),
            Duration(s.PredictedSeconds),
            Markdown.Code(Bar(s.PredictedSeconds, widest, 20)),
            s.Units.Count == 0 ? "" : Markdown.Code(s.Units.MaxBy(u => u.Seconds)!.Id),
        ]));
        foreach (var warning in plan.Warnings)
        {
            summary.AppendLine().Append("> ").Append(Markdown.Cell(warning)).AppendLine();
        }

        return summary.ToString();
    }

    private static string Efficiency(PlanJson plan) =>
        plan.LowerBoundSeconds <= 0 ? "nothing to run" : $"{plan.PredictedMakespanSeconds / plan.LowerBoundSeconds:0.000}× the bound";

    private static string Bar(double value, double max, int width)
    {
        var cells = max <= 0 || !double.IsFinite(value / max) ? 0 : (int)Math.Clamp(Math.Round(value / max * width), 0, width);
        return new string('█', cells) + new string('░', width - cells);
    }

    private static string Duration(double seconds) =>
        seconds >= 60 ? $"{(int)(seconds / 60)}m {seconds % 60:00}s" : $"{seconds:0.0}s";

    private static string Minutes(double seconds) => (seconds / 60).ToString("0.0", CultureInfo.InvariantCulture);

    private static double Round(double seconds) => Math.Round(seconds, 3);

    private static string Name<T>(T value)
        where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

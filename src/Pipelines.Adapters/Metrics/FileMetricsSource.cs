using System.Text.Json;
using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Adapters.Metrics;

/// <summary>
/// Measurements from a JSON file, for replaying a rollout and judging offline:
/// <c>{"metrics": {"latency": {"canary": [..], "baseline": [..]}, "errors": {"canary": {"events": 12, "trials": 1000},
/// "baseline": {…}}}}</c>. A metric may say <c>"complete": false</c> to stand for a partial answer.
/// </summary>
public sealed class FileMetricsSource(string path, string displayName) : IMetricsSource
{
    public string Name => "file";

    public Task<IReadOnlyList<MetricObservation>> FetchAsync(IReadOnlyList<MetricQuery> metrics, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!File.Exists(path))
        {
            throw new InputException($"--data: no such file: {displayName}");
        }

        var (file, document) = JsonInput.Load(path, displayName, "gate data file");
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("metrics", out var all) || all.ValueKind != JsonValueKind.Object)
            {
                throw new InputException($"{displayName}: expected {{\"metrics\": {{\"<name>\": {{\"canary\": …, \"baseline\": …}}}}}}");
            }

            var found = new List<MetricObservation>();
            foreach (var metric in metrics)
            {
                if (!all.TryGetProperty(metric.Name, out var entry))
                {
                    continue; // no data for it: the judge says so
                }

                var at = Path(metric.Name);
                var complete = file.Optional(entry, "complete", at) is not { } flag || file.Bool(flag, at + ".complete");
                var canary = file.Member(entry, "canary", at);
                var baseline = file.Member(entry, "baseline", at);
                found.Add(metric.Kind == MetricKind.Continuous
                    ? new MetricObservation(metric.Name, Samples(file, canary, at + ".canary"), Samples(file, baseline, at + ".baseline"), Complete: complete)
                    : Events(file, metric.Name, canary, baseline, at) with { Complete = complete });
            }

            return Task.FromResult<IReadOnlyList<MetricObservation>>(found);
        }
    }

    /// <summary>$.metrics.name, or $.metrics['odd name'] when the name is not a plain word.</summary>
    private static string Path(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? "$.metrics." + name : $"$.metrics['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static MetricObservation Events(JsonInput file, string name, JsonElement canary, JsonElement baseline, string at) =>
        MetricObservation.Events(
            name,
            file.Whole(file.Member(canary, "events", at + ".canary"), at + ".canary.events", 0),
            file.Number(file.Member(canary, "trials", at + ".canary"), at + ".canary.trials", 0),
            file.Whole(file.Member(baseline, "events", at + ".baseline"), at + ".baseline.events", 0),
            file.Number(file.Member(baseline, "trials", at + ".baseline"), at + ".baseline.trials", 0));

    /// <summary>A continuous metric's samples: an array of finite numbers (a missed measurement is left out, never sent as NaN).</summary>
    private static List<double> Samples(JsonInput file, JsonElement values, string at) =>
        values.ValueKind == JsonValueKind.Array
            ? [.. file.Items(values, at).Select(v => file.Number(v.Item, v.Path))]
            : throw file.Error(at, $"a continuous metric's samples are a list of numbers, found {JsonInput.Name(values.ValueKind)}");
}

using System.Text.Json;
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

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!document.RootElement.TryGetProperty("metrics", out var all) || all.ValueKind != JsonValueKind.Object)
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

                var complete = !entry.TryGetProperty("complete", out var flag) || flag.GetBoolean();
                var canary = entry.GetProperty("canary");
                var baseline = entry.GetProperty("baseline");
                found.Add(metric.Kind == MetricKind.Continuous
                    ? new MetricObservation(metric.Name, Samples(canary, metric.Name), Samples(baseline, metric.Name), Complete: complete)
                    : MetricObservation.Events(metric.Name, canary.GetProperty("events").GetInt64(), canary.GetProperty("trials").GetDouble(),
                        baseline.GetProperty("events").GetInt64(), baseline.GetProperty("trials").GetDouble()) with { Complete = complete });
            }

            return Task.FromResult<IReadOnlyList<MetricObservation>>(found);
        }
        catch (JsonException ex)
        {
            throw InputException.At(displayName, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, "not valid JSON: " + ex.Message);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{displayName}: a metric needs \"canary\" and \"baseline\": arrays of numbers for continuous metrics, {{\"events\", \"trials\"}} for ratio and count metrics ({ex.Message})", ex);
        }
    }

    private List<double> Samples(JsonElement values, string metric) =>
        values.ValueKind == JsonValueKind.Array
            ? [.. values.EnumerateArray().Select(v => v.GetDouble())]
            : throw new InputException($"{displayName}: metrics.{metric}: a continuous metric's samples are an array of numbers");
}

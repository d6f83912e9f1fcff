using Pipelines.Adapters.Metrics;
using Pipelines.Cli.Configuration;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// The metrics gate, in-process, for a fleet: the hosts on the new version against the hosts still on the previous
/// one, scraped from each host's /metrics for the bake; without a gate configured, every wave passes on its self-test.
/// </summary>
public sealed class FleetGate(HttpClient http, GateSpec? gate, string metricsUrl, TimeSpan bake, TimeProvider time) : IRolloutGate
{
    public async Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation)
    {
        if (gate is null)
        {
            await Task.Delay(bake, time, cancellation).ConfigureAwait(false);
            return (GateVerdict.Pass, "no gate configured: the self-test is the only check");
        }

        List<Uri> Urls(IReadOnlyList<string> hosts) => [.. hosts.Select(h => new Uri(metricsUrl.Replace("{host}", h, StringComparison.Ordinal)))];
        var source = new ScrapeMetricsSource(http, Urls(canary), Urls(baseline), gate.Interval, bake, time);
        var observations = await source.FetchAsync([.. gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))], cancellation).ConfigureAwait(false);
        var result = Judge.Evaluate([.. gate.Metrics.Select(m => m.Spec)], observations, gate.Policy);
        return (result.Verdict, $"score {result.Score:0.#}: {result.Reason}");
    }
}

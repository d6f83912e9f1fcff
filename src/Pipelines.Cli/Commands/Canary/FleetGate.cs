using Pipelines.Adapters.Metrics;
using Pipelines.Cli.Configuration;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// The gate of a fleet wave: the core's <see cref="BakeGate"/> over each host's own /metrics, scraped interval by
/// interval — the hosts on the new version against the hosts still on the previous one. Without a gate configured,
/// every wave passes on its self-test after the bake.
/// </summary>
public static class FleetGate
{
    public static IRolloutGate Create(HttpClient http, GateSpec? gate, string metricsUrl, BakePolicy bake, TimeProvider time, Action<string>? progress = null)
    {
        if (gate is null)
        {
            return new SelfTestOnlyGate(bake.MinBake, time);
        }

        List<Uri> Urls(IReadOnlyList<string> hosts) => [.. hosts.Select(h => new Uri(metricsUrl.Replace("{host}", h, StringComparison.Ordinal)))];
        return new BakeGate(
            (canary, baseline) => new ScrapeMetricsSource(http, Urls(canary), Urls(baseline), gate.Interval, gate.Interval, time),
            [.. gate.Metrics.Select(m => m.Spec)],
            [.. gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))],
            gate.Policy, bake, gate.Interval, time, progress);
    }
}

/// <summary>No gate configured: the bake runs, and the self-test is the only check.</summary>
public sealed class SelfTestOnlyGate(TimeSpan bake, TimeProvider time) : IRolloutGate
{
    public async Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation)
    {
        await Task.Delay(bake, time, cancellation).ConfigureAwait(false);
        return (GateVerdict.Pass, "no gate configured: the self-test is the only check");
    }
}

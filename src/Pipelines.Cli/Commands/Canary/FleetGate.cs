using Pipelines.Adapters.Metrics;
using Pipelines.Cli.Configuration;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// The metrics gate, in-process, for a fleet: the hosts on the new version against the hosts still on the previous
/// one, scraped from each host's /metrics interval by interval for the bake. Every interval feeds the sequential
/// tests of the watch mode, so a bad build is stopped as soon as the evidence is in, not at the end of the bake; at
/// the end the whole bake is judged as the gate judges. Without a gate configured, every wave passes on its self-test.
/// </summary>
public sealed class FleetGate(HttpClient http, GateSpec? gate, string metricsUrl, TimeSpan bake, TimeProvider time, Action<string>? progress = null) : IRolloutGate
{
    /// <summary>What the last judgement saw, metric by metric, for the report's charts.</summary>
    public IReadOnlyList<MetricObservation> LastObservations { get; private set; } = [];

    public async Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation)
    {
        if (gate is null)
        {
            await Task.Delay(bake, time, cancellation).ConfigureAwait(false);
            return (GateVerdict.Pass, "no gate configured: the self-test is the only check");
        }

        List<Uri> Urls(IReadOnlyList<string> hosts) => [.. hosts.Select(h => new Uri(metricsUrl.Replace("{host}", h, StringComparison.Ordinal)))];
        var specs = gate.Metrics.Select(m => m.Spec).ToList();
        var queries = gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query)).ToList();
        var perInterval = new ScrapeMetricsSource(http, Urls(canary), Urls(baseline), gate.Interval, gate.Interval, time);
        var watch = new Watch(specs, gate.Policy);
        var looks = new List<IReadOnlyList<MetricObservation>>();
        var end = time.GetUtcNow() + bake;
        do
        {
            var look = await perInterval.FetchAsync(queries, cancellation).ConfigureAwait(false);
            looks.Add(look);
            watch.Look(look);
            LastObservations = [.. specs.Select(s => Combine(s.Name, looks))];
            var worst = watch.Standings.MaxBy(s => s.EValue);
            var left = end - time.GetUtcNow();
            progress?.Invoke($"  look {looks.Count}, {(left > TimeSpan.Zero ? left.TotalSeconds : 0):0} s of bake left: {worst?.Name} {worst?.Summary}");
            if (watch.Verdict == WatchVerdict.Fail)
            {
                var alarm = watch.Standings.First(s => s.Alarm);
                return (GateVerdict.Fail, $"stopped early after {looks.Count} interval(s): {alarm.Name} {alarm.Summary}");
            }
        }
        while (time.GetUtcNow() < end);

        var result = Judge.Evaluate(specs, LastObservations, gate.Policy);
        return (result.Verdict, $"score {result.Score:0.#}: {result.Reason}");
    }

    /// <summary>The whole bake from its intervals: samples side by side, events and trials summed; incomplete if any interval was.</summary>
    private static MetricObservation Combine(string name, List<IReadOnlyList<MetricObservation>> looks)
    {
        var parts = looks.Select(l => l.First(o => o.Name == name)).ToList();
        return new MetricObservation(name,
            [.. parts.SelectMany(p => p.Canary)], [.. parts.SelectMany(p => p.Baseline)],
            parts.Sum(p => p.CanaryEvents), parts.Sum(p => p.CanaryTrials), parts.Sum(p => p.BaselineEvents), parts.Sum(p => p.BaselineTrials),
            parts.All(p => p.Complete));
    }
}

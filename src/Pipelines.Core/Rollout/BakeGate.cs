using Pipelines.Core.Judging;

namespace Pipelines.Core.Rollout;

/// <summary>
/// The gate for every kind of rollout target: bakes a wave (or a traffic step) interval by interval, feeding each
/// interval's measurements to the <see cref="SequentialGate"/>, and stops when <see cref="BakeRules"/> say so — at once
/// on a decided fail, after min-bake on a decided pass, at max-bake by the undecided policy. Only fetching is outside:
/// <paramref name="source"/> builds the provider for the hosts (or sides) being compared.
/// </summary>
/// <param name="interval">How often to look; a source that does not measure while it is asked (a query over history) is asked after each interval.</param>
public sealed class BakeGate(
    Func<IReadOnlyList<string>, IReadOnlyList<string>, IMetricsSource> source,
    IReadOnlyList<MetricSpec> specs,
    IReadOnlyList<MetricQuery> queries,
    GatePolicy policy,
    BakePolicy bake,
    TimeSpan interval,
    TimeProvider time,
    Action<string>? progress = null) : IRolloutGate
{
    /// <summary>Every interval of the last bake, metric by metric, summed (for the report's charts).</summary>
    public IReadOnlyList<MetricObservation> LastObservations { get; private set; } = [];

    /// <summary>The last bake's metric answers.</summary>
    public IReadOnlyList<MetricJudgement> LastJudgements { get; private set; } = [];

    public async Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(baseline);
        var perInterval = source(canary, baseline);
        var gate = new SequentialGate(specs, policy);
        var looks = new List<IReadOnlyList<MetricObservation>>();
        var started = time.GetUtcNow();
        while (true)
        {
            if (!perInterval.MeasuresWhileAsked)
            {
                await Task.Delay(interval, time, cancellation).ConfigureAwait(false);
            }

            var look = await perInterval.FetchAsync(queries, cancellation).ConfigureAwait(false);
            looks.Add(look);
            gate.Look(look);
            LastObservations = [.. specs.Select(s => Combine(s.Name, looks))];
            LastJudgements = gate.Judgements;
            var elapsed = time.GetUtcNow() - started;
            var decision = BakeRules.Decide(gate.Result, elapsed, bake);
            var undecided = LastJudgements.Where(j => j.Answer == MetricAnswer.Undecided).ToList();
            progress?.Invoke($"  look {looks.Count} at {BakeRules.Minutes(elapsed)} of bake (min {BakeRules.Minutes(bake.MinBake)}, max {BakeRules.Minutes(bake.MaxBake)}): "
                + (decision.Step == BakeStep.Stop ? decision.Reason
                    : undecided.Count > 0 ? $"baking on while {string.Join("; ", undecided.Select(j => $"{j.Name} is undecided: {j.Reason}"))}" : decision.Reason));
            if (decision.Step == BakeStep.Stop)
            {
                return (decision.Verdict, $"{looks.Count} interval(s) looked at; {decision.Reason}");
            }
        }
    }

    /// <summary>The whole bake from its intervals: samples side by side, events and trials summed; incomplete if any interval was.</summary>
    private static MetricObservation Combine(string name, List<IReadOnlyList<MetricObservation>> looks)
    {
        var parts = looks.Select(l => l.FirstOrDefault(o => o.Name == name)).Where(o => o is not null).Select(o => o!).ToList();
        return new MetricObservation(name,
            [.. parts.SelectMany(p => p.Canary)], [.. parts.SelectMany(p => p.Baseline)],
            parts.Sum(p => p.CanaryEvents), parts.Sum(p => p.CanaryTrials), parts.Sum(p => p.BaselineEvents), parts.Sum(p => p.BaselineTrials),
            parts.Count == looks.Count && parts.All(p => p.Complete));
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

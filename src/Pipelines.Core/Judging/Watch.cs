namespace Pipelines.Core.Judging;

/// <summary>One metric's standing in a watch: its evidence so far and whether it raised the alarm.</summary>
/// <param name="EValue">The evidence that the release is worse (1 is none; 1/α raises the alarm).</param>
/// <param name="Looks">Intervals looked at; <paramref name="Informative"/> of them had data to compare.</param>
public sealed record WatchStanding(string Name, double EValue, bool Alarm, int Looks, int Informative, string Summary);

/// <summary>How a watch ended, or stands.</summary>
public enum WatchVerdict
{
    /// <summary>No alarm: nothing says the release is worse.</summary>
    Pass,

    /// <summary>A metric raised the alarm: roll back.</summary>
    Fail,

    /// <summary>Not one interval had complete data to compare.</summary>
    Inconclusive,
}

/// <summary>
/// The gate's watch mode, after a full rollout: the release against the previous version or a holdout, interval after
/// interval, looked at after each without inflating false alarms. Rates and counts use the mixture rate test (pooled
/// counts: like with like at any traffic split), continuous metrics the sequential sign test; the family's α is split
/// evenly across the metrics (and across the two sides of a "both" metric), so the chance of any false alarm over the
/// whole watch stays at most <see cref="GatePolicy.FamilyAlpha"/>.
/// </summary>
/// <remarks>
/// Staying awake: with <c>horizon</c> looks planned, each test restarts at every look (<see cref="MixtureEvidence"/>),
/// so a regression that starts late is judged on the data since it started. A small holdout: a per-interval percentile
/// of a holdout's few requests is biased low against the release's, so continuous metrics are not watched when the
/// reference has under half the release's traffic; such a metric says so, and a latency watched against a holdout
/// belongs in a ratio metric (requests slower than a threshold, from histogram buckets: pooled counts).
/// </remarks>
public sealed class Watch
{
    /// <summary>Below this share of the release's traffic, the reference's per-interval summaries are not comparable.</summary>
    public const double ComparableShare = 0.5;

    private readonly List<(MetricSpec Spec, SequentialRateMonitor? Rate, SequentialShiftMonitor[] Shift, int Informative)> _metrics;
    private readonly bool _comparable;

    /// <param name="horizon">The looks planned (restarts are spread over them); 0 for no restarts.</param>
    /// <param name="referenceShare">The reference's traffic as a share of the release's (a 5% holdout of 100%: about 0.05).</param>
    public Watch(IReadOnlyList<MetricSpec> specs, GatePolicy policy, int horizon = 0, double referenceShare = 1)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(policy);
        var alpha = policy.FamilyAlpha / Math.Max(1, specs.Count);
        _comparable = referenceShare >= ComparableShare;
        _metrics = [.. specs.Select(s => (s,
            s.Kind == MetricKind.Continuous ? null : new SequentialRateMonitor(alpha, s.Bad, horizon),
            s.Kind != MetricKind.Continuous ? [] : s.Bad switch
            {
                BadDirection.Increase => new[] { new SequentialShiftMonitor(alpha, true, s.Tolerance, horizon) },
                BadDirection.Decrease => [new SequentialShiftMonitor(alpha, false, s.Tolerance, horizon)],
                _ => [new SequentialShiftMonitor(alpha / 2, true, s.Tolerance, horizon), new SequentialShiftMonitor(alpha / 2, false, s.Tolerance, horizon)],
            },
            0))];
    }

    public int Looks { get; private set; }

    /// <summary>Adds one interval's observations (the release as canary, the reference as baseline). Incomplete ones are skipped.</summary>
    public void Look(IReadOnlyList<MetricObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        Looks++;
        for (var i = 0; i < _metrics.Count; i++)
        {
            var (spec, rate, shift, informative) = _metrics[i];
            var observation = observations.FirstOrDefault(o => o.Name == spec.Name);
            if (observation is null || !observation.Complete)
            {
                continue;
            }

            GateChecks.Validate(spec, observation);
            if (rate is not null)
            {
                rate.Add(observation.CanaryEvents, observation.CanaryTrials, observation.BaselineEvents, observation.BaselineTrials);
                _metrics[i] = (spec, rate, shift, informative + 1);
            }
            else if (_comparable && observation.Canary.Count > 0 && observation.Baseline.Count > 0)
            {
                var release = observation.Canary.Average();
                var reference = observation.Baseline.Average();
                foreach (var monitor in shift)
                {
                    monitor.Add(release, reference);
                }

                _metrics[i] = (spec, rate, shift, informative + 1);
            }
        }
    }

    public IReadOnlyList<WatchStanding> Standings => [.. _metrics.Select(m =>
    {
        if (m.Rate is { } rate)
        {
            return new WatchStanding(m.Spec.Name, rate.EValue, rate.Alarm, Looks, m.Informative, $"rate e-value {rate.EValue:0.##} (alarm at {1 / rate.Alpha:0})");
        }

        if (!_comparable)
        {
            return new WatchStanding(m.Spec.Name, 1, false, Looks, 0,
                "not watched: the reference's per-interval values come from too little traffic to compare (watch latency as a ratio of slow requests)");
        }

        var worst = m.Shift.MaxBy(s => s.EValue)!;
        return new WatchStanding(m.Spec.Name, worst.EValue, m.Shift.Any(s => s.Alarm), Looks, m.Informative,
            $"worse in {worst.Tally.Worse} of {worst.Tally.Compared} intervals, e-value {worst.EValue:0.##} (alarm at {1 / worst.Alpha:0})");
    })];

    public WatchVerdict Verdict => Standings.Any(s => s.Alarm) ? WatchVerdict.Fail
        : Standings.All(s => s.Informative == 0) ? WatchVerdict.Inconclusive
        : WatchVerdict.Pass;
}

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
/// interval, looked at after each without inflating false alarms. Rates and counts use the mixture rate test, continuous
/// metrics the sequential sign test; the family's α is split evenly across the metrics (and across the two sides of a
/// "both" metric), so the chance of any false alarm over the whole watch stays at most <see cref="GatePolicy.FamilyAlpha"/>.
/// </summary>
public sealed class Watch
{
    private readonly List<(MetricSpec Spec, SequentialRateMonitor? Rate, SequentialShiftMonitor[] Shift, int Informative)> _metrics;

    public Watch(IReadOnlyList<MetricSpec> specs, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(policy);
        var alpha = policy.FamilyAlpha / Math.Max(1, specs.Count);
        _metrics = [.. specs.Select(s => (s,
            s.Kind == MetricKind.Continuous ? null : new SequentialRateMonitor(alpha, s.Bad),
            s.Kind != MetricKind.Continuous ? [] : s.Bad switch
            {
                BadDirection.Increase => new[] { new SequentialShiftMonitor(alpha, true, s.Tolerance) },
                BadDirection.Decrease => [new SequentialShiftMonitor(alpha, false, s.Tolerance)],
                _ => [new SequentialShiftMonitor(alpha / 2, true, s.Tolerance), new SequentialShiftMonitor(alpha / 2, false, s.Tolerance)],
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

            if (rate is not null)
            {
                rate.Add(observation.CanaryEvents, observation.CanaryTrials, observation.BaselineEvents, observation.BaselineTrials);
                _metrics[i] = (spec, rate, shift, informative + 1);
            }
            else if (observation.Canary.Count > 0 && observation.Baseline.Count > 0)
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

        var worst = m.Shift.MaxBy(s => s.EValue)!;
        return new WatchStanding(m.Spec.Name, worst.EValue, m.Shift.Any(s => s.Alarm), Looks, m.Informative,
            $"worse in {worst.Tally.Worse} of {worst.Tally.Compared} intervals, e-value {worst.EValue:0.##} (alarm at {1 / worst.Alpha:0})");
    })];

    public WatchVerdict Verdict => Standings.Any(s => s.Alarm) ? WatchVerdict.Fail
        : Standings.All(s => s.Informative == 0) ? WatchVerdict.Inconclusive
        : WatchVerdict.Pass;
}

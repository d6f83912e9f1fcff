using System.Globalization;
using Pipelines.Core.Errors;

namespace Pipelines.Core.Judging;

/// <summary>
/// Bad data is never a pass: measurements that cannot be right (NaN, more errors than requests, a fraction of a
/// request) and policies that can never judge are refused as bad input, naming the metric and side, before any verdict.
/// </summary>
public static class GateChecks
{
    /// <summary>Throws <see cref="InputException"/> when <paramref name="data"/> cannot be a measurement of <paramref name="spec"/>.</summary>
    public static void Validate(MetricSpec spec, MetricObservation data)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        if (spec.Kind == MetricKind.Continuous)
        {
            Samples(spec.Name, "canary", data.Canary);
            Samples(spec.Name, "baseline", data.Baseline);
            return;
        }

        Events(spec, "canary", data.CanaryEvents, data.CanaryTrials);
        Events(spec, "baseline", data.BaselineEvents, data.BaselineTrials);
    }

    private static void Samples(string metric, string side, IReadOnlyList<double> samples)
    {
        for (var i = 0; i < samples.Count; i++)
        {
            if (!double.IsFinite(samples[i]))
            {
                throw new InputException($"metric '{metric}', {side}: sample {i + 1} is {samples[i].ToString(CultureInfo.InvariantCulture)}; expected a finite number (a missed scrape is left out, never sent as NaN)");
            }
        }
    }

    private static void Events(MetricSpec spec, string side, long events, double trials)
    {
        var what = spec.Kind == MetricKind.Ratio ? "trials" : "exposure";
        if (events < 0)
        {
            throw new InputException($"metric '{spec.Name}', {side}: {events} events; expected a count of 0 or more");
        }

        if (!double.IsFinite(trials) || trials < 0)
        {
            throw new InputException($"metric '{spec.Name}', {side}: {what} {trials.ToString(CultureInfo.InvariantCulture)}; expected a finite number of 0 or more");
        }

        if (spec.Kind == MetricKind.Ratio)
        {
            if (trials != Math.Floor(trials))
            {
                throw new InputException($"metric '{spec.Name}', {side}: {trials.ToString(CultureInfo.InvariantCulture)} trials; a ratio metric counts whole trials (requests)");
            }

            if (events > trials)
            {
                throw new InputException($"metric '{spec.Name}', {side}: {events} events out of {trials.ToString(CultureInfo.InvariantCulture)} trials; events cannot outnumber trials (is the query's quotient upside down?)");
            }
        }
    }

    /// <summary>
    /// The fail level's one-sided alpha for one metric: the family's alpha split over the metrics (Bonferroni), and
    /// over the two sides of a metric bad both ways.
    /// </summary>
    public static double FailAlpha(MetricSpec spec, int metrics, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(policy);
        var alpha = policy.FamilyAlpha / Math.Max(1, metrics);
        return spec.Bad == BadDirection.Both ? alpha / 2 : alpha;
    }

    /// <summary>
    /// The fewest samples a side at which an exact rank interval exists at <paramref name="oneSidedAlpha"/>: with n
    /// a side the most extreme ordering has probability 1/C(2n, n), and below that no interval can reach the level.
    /// </summary>
    public static int FeasibleSamples(double oneSidedAlpha)
    {
        var logChoose = 0.0;
        for (var n = 1; n < 1000; n++)
        {
            // C(2n, n) = C(2n−2, n−1) · (2n)(2n−1)/n².
            logChoose += Math.Log(2.0 * n * ((2.0 * n) - 1) / ((double)n * n));
            if (-logChoose <= Math.Log(oneSidedAlpha))
            {
                return n;
            }
        }

        return 1000;
    }

    /// <summary>Throws <see cref="InputException"/> for a policy the gate could never honour with these metrics.</summary>
    public static void ValidatePolicy(IReadOnlyList<MetricSpec> specs, GatePolicy policy, string minSamplesKey = "gate.min-samples")
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.PassAlpha < policy.FamilyAlpha / Math.Max(1, specs.Count))
        {
            throw new InputException($"gate.pass-alpha: {policy.PassAlpha.ToString(CultureInfo.InvariantCulture)} is below the per-metric fail level (family-alpha {policy.FamilyAlpha.ToString(CultureInfo.InvariantCulture)} over {specs.Count} metrics); the pass level must be the looser one");
        }

        var continuous = specs.Where(s => s.Kind == MetricKind.Continuous).ToList();
        if (continuous.Count == 0)
        {
            return;
        }

        var needed = continuous.Max(s => FeasibleSamples(Math.Min(FailAlpha(s, specs.Count, policy), policy.PassAlpha)));
        if (policy.MinSamples < needed)
        {
            throw new InputException(
                $"{minSamplesKey}: {policy.MinSamples} is below {needed}, the fewest samples a side at which a continuous metric can be judged at family-alpha " +
                $"{policy.FamilyAlpha.ToString("0.####", CultureInfo.InvariantCulture)} over {specs.Count} metrics (with fewer, no interval reaches the level and an unchanged canary is blocked by chance); set min-samples to {needed} or more");
        }
    }
}

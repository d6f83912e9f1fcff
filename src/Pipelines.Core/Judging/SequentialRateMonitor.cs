using Pipelines.Core.Statistics;

namespace Pipelines.Core.Judging;

/// <summary>
/// Watches an event rate (errors per request) after a full rollout, interval after interval, against the previous
/// version or a holdout: it may be looked at after every interval without raising the false-alarm rate. The evidence
/// is a mixture likelihood ratio over the rate ratio θ (an e-value); under an unchanged release it is a nonnegative
/// martingale, so by Ville's inequality the chance it ever reaches 1/α, over any number of looks, is at most α.
/// </summary>
/// <remarks>
/// Each interval contributes the conditional binomial likelihood of the release's share of the events given the two
/// exposures, so traffic may shift between intervals. The prior on log θ is a discretized normal (σ = 0.5), on the bad
/// side only when one direction is bad: a discrete mixture is itself a valid prior, so the guarantee is exact.
/// </remarks>
public sealed class SequentialRateMonitor
{
    private const double PriorSigma = 0.5;
    private readonly double[] _logRatios;
    private readonly double[] _logWeights;
    private readonly double[] _logLikelihoodRatios;

    public SequentialRateMonitor(double alpha, BadDirection bad)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(alpha, 0);
        Alpha = alpha;
        Bad = bad;
        var grid = Enumerable.Range(-100, 201).Select(i => i * 0.02)
            .Where(g => bad switch { BadDirection.Increase => g > 0, BadDirection.Decrease => g < 0, _ => g != 0 })
            .ToArray();
        var weights = grid.Select(g => -0.5 * g * g / (PriorSigma * PriorSigma)).ToArray();
        var total = LogSumExp(weights);
        _logRatios = grid;
        _logWeights = [.. weights.Select(w => w - total)];
        _logLikelihoodRatios = new double[grid.Length];
    }

    public double Alpha { get; }

    public BadDirection Bad { get; }

    public int Looks { get; private set; }

    /// <summary>The evidence against "the release is no worse": reaching 1/α raises the alarm.</summary>
    public double EValue => Math.Exp(LogSumExp([.. _logWeights.Zip(_logLikelihoodRatios, (w, l) => w + l)]));

    public bool Alarm => EValue >= 1 / Alpha;

    /// <summary>Adds one interval: events and exposure (requests) of the release and of the reference.</summary>
    public void Add(long releaseEvents, double releaseExposure, long referenceEvents, double referenceExposure)
    {
        Looks++;
        var n = releaseEvents + referenceEvents;
        if (n == 0 || releaseExposure <= 0 || referenceExposure <= 0)
        {
            return; // no events: no information about the ratio
        }

        var p0 = releaseExposure / (releaseExposure + referenceExposure);
        for (var i = 0; i < _logRatios.Length; i++)
        {
            var theta = Math.Exp(_logRatios[i]);
            var p = theta * releaseExposure / ((theta * releaseExposure) + referenceExposure);
            _logLikelihoodRatios[i] += (releaseEvents * Math.Log(p / p0)) + ((n - releaseEvents) * SpecialFunctions.Log1P((p0 - p) / (1 - p0)));
        }
    }

    private static double LogSumExp(double[] values)
    {
        var max = values.Max();
        return max + Math.Log(values.Sum(v => Math.Exp(v - max)));
    }
}

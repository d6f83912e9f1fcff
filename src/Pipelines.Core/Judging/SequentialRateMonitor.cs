namespace Pipelines.Core.Judging;

/// <summary>
/// Watches an event rate (errors per request) after a full rollout, interval after interval, against the previous
/// version or a holdout: it may be looked at after every interval without raising the false-alarm rate. The evidence
/// is a mixture likelihood ratio over the rate ratio θ against θ = 1 (an e-value, <see cref="MixtureEvidence.RateRatio"/>);
/// under an unchanged release the chance it ever reaches 1/α, over any number of looks, is at most α.
/// </summary>
/// <remarks>
/// Each interval contributes the conditional likelihood of the release's share of the events given the two
/// exposures, so traffic may shift between intervals and a small holdout is compared like with like (pooled counts).
/// With a restart horizon, a change that starts late is caught about as fast as one that starts at once.
/// </remarks>
public sealed class SequentialRateMonitor
{
    private readonly MixtureEvidence[] _sides;

    public SequentialRateMonitor(double alpha, BadDirection bad, int restartHorizon = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(alpha, 0);
        Alpha = alpha;
        Bad = bad;
        _sides = bad switch
        {
            BadDirection.Increase => [MixtureEvidence.RateRatio(1, above: true, restartHorizon)],
            BadDirection.Decrease => [MixtureEvidence.RateRatio(1, above: false, restartHorizon)],
            _ => [MixtureEvidence.RateRatio(1, above: true, restartHorizon), MixtureEvidence.RateRatio(1, above: false, restartHorizon)],
        };
    }

    public double Alpha { get; }

    public BadDirection Bad { get; }

    public int Looks { get; private set; }

    /// <summary>The evidence against "the release is no worse": reaching 1/α raises the alarm (both ways: the mean of the two sides).</summary>
    public double EValue => _sides.Average(s => s.Value);

    public bool Alarm => EValue >= 1 / Alpha;

    /// <summary>Adds one interval: events and exposure (requests) of the release and of the reference.</summary>
    public void Add(long releaseEvents, double releaseExposure, long referenceEvents, double referenceExposure)
    {
        Looks++;
        foreach (var side in _sides)
        {
            side.Add(theta => MixtureEvidence.RateRatioLook(theta, 1, releaseEvents, releaseExposure, referenceEvents, referenceExposure));
        }
    }
}

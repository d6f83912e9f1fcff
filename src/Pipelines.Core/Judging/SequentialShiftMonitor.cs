namespace Pipelines.Core.Judging;

/// <summary>
/// Watches a continuous metric (latency, CPU) interval after interval: a sequential sign test on paired intervals,
/// safe to look at after every interval. Each interval scores 1 when the release is worse than the reference by more
/// than the tolerance, 0 when it is not worse at all, and is skipped in between. If the release is no worse, a score
/// of 1 has probability at most ½, and the mixture likelihood ratio against ½ (an e-value) is a nonnegative
/// supermartingale: by Ville's inequality it reaches 1/α with probability at most α, however often it is looked at.
/// </summary>
/// <remarks>
/// Nonparametric on purpose (per-interval p95s are neither normal nor independent of load), and for one direction:
/// <see cref="BadDirection.Both"/> runs two of these at α/2. It needs both sides' per-interval values to be alike in
/// noise and bias: a percentile of a holdout's few requests is biased low, so <see cref="Watch"/> does not compare
/// them against a small holdout.
/// </remarks>
public sealed class SequentialShiftMonitor
{
    private readonly MixtureEvidence _evidence;
    private readonly bool _increaseIsBad;
    private readonly double _tolerance;

    public SequentialShiftMonitor(double alpha, bool increaseIsBad, double tolerance, int restartHorizon = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(alpha, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        Alpha = alpha;
        _increaseIsBad = increaseIsBad;
        _tolerance = tolerance;
        _evidence = MixtureEvidence.Probability(0.5, above: true, restartHorizon);
    }

    public double Alpha { get; }

    public int Looks { get; private set; }

    /// <summary>Intervals where the release was worse beyond the tolerance, and intervals compared.</summary>
    public (int Worse, int Compared) Tally { get; private set; }

    public double EValue => _evidence.Looks == 0 ? 1 : _evidence.Value;

    public bool Alarm => EValue >= 1 / Alpha;

    /// <summary>Adds one interval: the release's and the reference's value for it (a mean, a percentile).</summary>
    public void Add(double release, double reference)
    {
        Looks++;
        if (!double.IsFinite(release) || !double.IsFinite(reference))
        {
            return;
        }

        var worse = _increaseIsBad ? release > reference * (1 + _tolerance) : release < reference * (1 - _tolerance);
        var better = _increaseIsBad ? release <= reference : release >= reference;
        if (!worse && !better)
        {
            return; // within the tolerance on the bad side: neither evidence for nor against
        }

        Tally = (Tally.Worse + (worse ? 1 : 0), Tally.Compared + 1);
        _evidence.Add(q => MixtureEvidence.ProbabilityLook(q, 0.5, worse ? 1 : 0, 1));
    }
}

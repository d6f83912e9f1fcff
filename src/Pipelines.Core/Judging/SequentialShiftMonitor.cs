namespace Pipelines.Core.Judging;

/// <summary>
/// Watches a continuous metric (latency, CPU) interval after interval: a sequential sign test on paired intervals,
/// safe to look at after every interval. Each interval scores 1 when the release is worse than the reference by more
/// than the tolerance, 0 when it is not, and is skipped on a tie. If the release is no worse, a score of 1 has
/// probability at most ½, and the mixture likelihood ratio against ½ (an e-value) is a nonnegative supermartingale:
/// by Ville's inequality it reaches 1/α with probability at most α, however often it is looked at.
/// </summary>
/// <remarks>
/// Nonparametric on purpose (per-interval p95s are neither normal nor independent of load), and for one direction:
/// <see cref="BadDirection.Both"/> runs two of these at α/2. The prior on the probability of "worse" is uniform on a
/// grid over (½, 1), so the guarantee is exact.
/// </remarks>
public sealed class SequentialShiftMonitor
{
    private readonly double[] _p;
    private readonly double[] _logLikelihoodRatios;
    private readonly bool _increaseIsBad;
    private readonly double _tolerance;

    public SequentialShiftMonitor(double alpha, bool increaseIsBad, double tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(alpha, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        Alpha = alpha;
        _increaseIsBad = increaseIsBad;
        _tolerance = tolerance;
        _p = [.. Enumerable.Range(1, 49).Select(i => 0.5 + (i * 0.01))];
        _logLikelihoodRatios = new double[_p.Length];
    }

    public double Alpha { get; }

    public int Looks { get; private set; }

    /// <summary>Intervals where the release was worse beyond the tolerance, and intervals compared.</summary>
    public (int Worse, int Compared) Tally { get; private set; }

    public double EValue => _logLikelihoodRatios.Average(Math.Exp);

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
        for (var i = 0; i < _p.Length; i++)
        {
            _logLikelihoodRatios[i] += Math.Log((worse ? _p[i] : 1 - _p[i]) / 0.5);
        }
    }
}

namespace Pipelines.Core.Judging;

/// <summary>
/// An e-process: the likelihood ratio of the data against a null, averaged over a grid of alternatives with prior
/// weights. Under the null it is a nonnegative (super)martingale, so by Ville's inequality the chance it ever reaches
/// 1/α, however often it is looked at, is at most α — the basis of every sequential decision in the gate.
/// </summary>
/// <remarks>
/// With <see cref="Restarting"/>, a fresh e-process starts at every look, each weighted (½ on the first look, the
/// other ½ spread over the rest of the horizon); their weighted sum is still a martingale with mean one, so the same
/// guarantee holds, and a change that starts late is judged on the data since it started instead of being diluted
/// by the quiet looks before it (a Shiryaev-Roberts-style e-detector).
/// </remarks>
public sealed class MixtureEvidence
{
    private readonly double[] _points;
    private readonly double[] _logPrior;
    private readonly int _horizon;
    private readonly List<(double LogWeight, double[] Sums)> _starts = [];

    /// <param name="points">The alternatives (a parameter value each).</param>
    /// <param name="logPrior">Their log weights; they need not be normalised.</param>
    /// <param name="restartHorizon">0 for one e-process from the first look; otherwise the looks over which to restart.</param>
    public MixtureEvidence(double[] points, double[] logPrior, int restartHorizon = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(logPrior);
        _points = points;
        var total = LogSumExp(logPrior, logPrior.Length);
        _logPrior = [.. logPrior.Select(w => w - total)];
        _horizon = restartHorizon;
        if (restartHorizon <= 0)
        {
            _starts.Add((0, new double[points.Length]));
        }
    }

    public bool Restarting => _horizon > 0;

    public int Looks { get; private set; }

    public double LogValue { get; private set; }

    public double Value => Math.Exp(LogValue);

    /// <summary>Adds one look: <paramref name="logLikelihoodRatio"/> gives each alternative's log likelihood ratio for it.</summary>
    public void Add(Func<double, double> logLikelihoodRatio)
    {
        ArgumentNullException.ThrowIfNull(logLikelihoodRatio);
        Looks++;
        if (Restarting && Looks <= _horizon)
        {
            var weight = Looks == 1 ? (_horizon == 1 ? 1 : 0.5) : 0.5 / (_horizon - 1);
            _starts.Add((Math.Log(weight), new double[_points.Length]));
        }

        var increments = new double[_points.Length];
        for (var i = 0; i < _points.Length; i++)
        {
            increments[i] = logLikelihoodRatio(_points[i]);
        }

        var terms = new double[_starts.Count];
        var buffer = new double[_points.Length];
        for (var s = 0; s < _starts.Count; s++)
        {
            var sums = _starts[s].Sums;
            for (var i = 0; i < sums.Length; i++)
            {
                sums[i] += increments[i];
                buffer[i] = sums[i] + _logPrior[i];
            }

            terms[s] = _starts[s].LogWeight + LogSumExp(buffer, buffer.Length);
        }

        LogValue = LogSumExp(terms, terms.Length);
    }

    private static double LogSumExp(double[] values, int count)
    {
        var max = double.NegativeInfinity;
        for (var i = 0; i < count; i++)
        {
            max = Math.Max(max, values[i]);
        }

        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += Math.Exp(values[i] - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>
    /// Evidence about a rate ratio θ against the null θ = <paramref name="nullRatio"/>: alternatives above it
    /// (evidence that θ is larger) or below it. Each look adds the conditional binomial likelihood of the canary's
    /// share of the events given both sides' exposure, so traffic may shift between looks. The family has monotone
    /// likelihood ratios, so evidence against θ = θ0 from alternatives above is also valid against every θ below θ0.
    /// </summary>
    public static MixtureEvidence RateRatio(double nullRatio, bool above, int restartHorizon = 0)
    {
        // log(θ/θ0) on a grid out to e², prior a half-normal with σ = 0.5.
        var logs = Enumerable.Range(1, 40).Select(i => (above ? 1 : -1) * i * 0.05).ToArray();
        return new MixtureEvidence([.. logs.Select(g => nullRatio * Math.Exp(g))], [.. logs.Select(g => -0.5 * g * g / 0.25)], restartHorizon);
    }

    /// <summary>The log likelihood ratio of one look for <see cref="RateRatio"/>: θ against θ0.</summary>
    public static double RateRatioLook(double theta, double nullRatio, long canaryEvents, double canaryExposure, long baselineEvents, double baselineExposure)
    {
        var n = canaryEvents + baselineEvents;
        if (n == 0 || canaryExposure <= 0 || baselineExposure <= 0)
        {
            return 0;
        }

        var p0 = nullRatio * canaryExposure / ((nullRatio * canaryExposure) + baselineExposure);
        var p = theta * canaryExposure / ((theta * canaryExposure) + baselineExposure);
        return (canaryEvents * Math.Log(p / p0)) + (baselineEvents * Math.Log((1 - p) / (1 - p0)));
    }

    /// <summary>
    /// Evidence about a Bernoulli probability against the null q = <paramref name="nullProbability"/>, alternatives
    /// above or below it (uniform prior on a grid): the sign test's, and a ratio's own rate against its floor.
    /// </summary>
    public static MixtureEvidence Probability(double nullProbability, bool above, int restartHorizon = 0)
    {
        var points = Enumerable.Range(1, 24)
            .Select(i => above ? nullProbability + ((1 - nullProbability) * i / 25.0) : nullProbability * i / 25.0)
            .ToArray();
        return new MixtureEvidence(points, new double[points.Length], restartHorizon);
    }

    /// <summary>The log likelihood ratio of <paramref name="hits"/> in <paramref name="trials"/> for <see cref="Probability"/>.</summary>
    public static double ProbabilityLook(double q, double nullProbability, long hits, double trials) =>
        trials <= 0 ? 0 : (hits * Math.Log(q / nullProbability)) + ((trials - hits) * Math.Log((1 - q) / (1 - nullProbability)));
}

namespace Pipelines.Core.Statistics;

/// <summary>An estimate of a difference or ratio, its confidence interval and the test's p-value.</summary>
public sealed record RateResult(double Estimate, double ConfidenceLow, double ConfidenceHigh, double PValue);

/// <summary>
/// Tests for ratio and count metrics, as R computes them: proportions (errors per request) with R's
/// <c>prop.test</c>, event counts per unit of time (sign-ups, orders) with R's exact <c>poisson.test</c>. These, not
/// rank tests, are right for series that are mostly zeros.
/// </summary>
public static class RateTests
{
    /// <summary>x1/n1 − x2/n2 with R's <c>prop.test(c(x1, x2), c(n1, n2), conf.level)</c>, continuity corrected.</summary>
    public static RateResult Proportions(long x1, long n1, long x2, long n2, double confidenceLevel)
    {
        double p1 = (double)x1 / n1, p2 = (double)x2 / n2;
        var delta = p1 - p2;
        var inverseSum = (1.0 / n1) + (1.0 / n2);
        var yates = Math.Min(0.5, Math.Abs(delta) / inverseSum);
        var width = (Normal.Quantile((1 + confidenceLevel) / 2) * Math.Sqrt((p1 * (1 - p1) / n1) + (p2 * (1 - p2) / n2))) + (yates * inverseSum);

        var pooled = (double)(x1 + x2) / (n1 + n2);
        double[] observed = [x1, n1 - x1, x2, n2 - x2];
        double[] expected = [n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)];
        var statistic = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var deviation = Math.Abs(observed[i] - expected[i]) - yates;
            statistic += deviation * deviation / expected[i];
        }

        var pValue = 2 * Normal.UpperCdf(Math.Sqrt(statistic)); // χ² with one degree of freedom
        return new RateResult(delta, Math.Max(delta - width, -1), Math.Min(delta + width, 1), pValue);
    }

    /// <summary>
    /// The rate ratio (x1/t1) / (x2/t2) with R's exact <c>poisson.test(c(x1, x2), c(t1, t2), conf.level)</c>: the
    /// conditional binomial test of x1 among x1 + x2, with a Clopper-Pearson interval.
    /// </summary>
    public static RateResult PoissonRates(int x1, double t1, int x2, double t2, double confidenceLevel)
    {
        var n = x1 + x2;
        if (n == 0)
        {
            return new RateResult(double.NaN, 0, double.PositiveInfinity, 1);
        }

        var p = t1 / (t1 + t2);
        var alpha = (1 - confidenceLevel) / 2;
        var low = x1 == 0 ? 0 : SpecialFunctions.IncompleteBetaInverse(alpha, x1, n - x1 + 1);
        var high = x1 == n ? 1 : SpecialFunctions.IncompleteBetaInverse(1 - alpha, x1 + 1, n - x1);
        return new RateResult(
            x1 / t1 / (x2 / t2),
            low / (1 - low) * t2 / t1,
            high == 1 ? double.PositiveInfinity : high / (1 - high) * t2 / t1,
            BinomialTwoSided(x1, n, p));
    }

    /// <summary>R's two-sided exact binomial p-value: the probability of outcomes no likelier than the one seen.</summary>
    private static double BinomialTwoSided(int x, int n, double p)
    {
        const double RelativeError = 1 + 1e-7;
        var d = SpecialFunctions.BinomialPmf(x, n, p);
        var m = n * p;
        if (x == m)
        {
            return 1;
        }

        if (x < m)
        {
            var y = 0;
            for (var i = (int)Math.Ceiling(m); i <= n; i++)
            {
                y += SpecialFunctions.BinomialPmf(i, n, p) <= d * RelativeError ? 1 : 0;
            }

            return Math.Min(1, SpecialFunctions.BinomialCdf(x, n, p) + SpecialFunctions.BinomialCdf(n - y, n, p, lowerTail: false));
        }
        else
        {
            var y = 0;
            for (var i = 0; i <= (int)Math.Floor(m); i++)
            {
                y += SpecialFunctions.BinomialPmf(i, n, p) <= d * RelativeError ? 1 : 0;
            }

            return Math.Min(1, SpecialFunctions.BinomialCdf(y - 1, n, p) + SpecialFunctions.BinomialCdf(x - 1, n, p, lowerTail: false));
        }
    }
}

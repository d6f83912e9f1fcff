namespace Pipelines.Core.Statistics;

/// <summary>
/// The exact null distribution of the Mann-Whitney statistic W for samples of sizes m and n (R's <c>pwilcox</c>,
/// <c>qwilcox</c>), from the coefficients of the Gaussian binomial [m+n choose m] in q.
/// </summary>
public sealed class WilcoxonDistribution
{
    private readonly double[] _counts;
    private readonly double _total;

    public WilcoxonDistribution(int m, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        M = m;
        N = n;

        // ∏_{i=1..m} (1 - q^(n+i)) / (1 - q^i): multiply, then divide exactly, one factor at a time.
        var counts = new double[(m * n) + 1];
        counts[0] = 1;
        var degree = 0;
        for (var i = 1; i <= m; i++)
        {
            var shift = n + i;
            for (var k = Math.Min(degree + shift, m * n); k >= shift; k--)
            {
                counts[k] -= counts[k - shift];
            }

            degree = Math.Min(degree + shift, m * n);
            for (var k = i; k <= degree; k++)
            {
                counts[k] += counts[k - i];
            }

            degree -= i;
        }

        _counts = counts;
        _total = counts.Sum();
    }

    public int M { get; }

    public int N { get; }

    /// <summary>P(W ≤ q), summed the way R sums it (over the shorter tail).</summary>
    public double Cdf(double q, bool lowerTail = true)
    {
        q = Math.Floor(q + 1e-7);
        if (q < 0)
        {
            return lowerTail ? 0 : 1;
        }

        if (q >= M * N)
        {
            return lowerTail ? 1 : 0;
        }

        double p = 0;
        if (q <= M * N / 2.0)
        {
            for (var i = 0; i <= q; i++)
            {
                p += _counts[i] / _total;
            }
        }
        else
        {
            q = (M * N) - q;
            for (var i = 0; i < q; i++)
            {
                p += _counts[i] / _total;
            }

            lowerTail = !lowerTail;
        }

        return lowerTail ? p : 0.5 - p + 0.5;
    }

    /// <summary>The smallest w with P(W ≤ w) ≥ p, with R's allowance for rounding.</summary>
    public int Quantile(double p)
    {
        if (p <= 0)
        {
            return 0;
        }

        if (p >= 1)
        {
            return M * N;
        }

        double cumulative = 0;
        var q = 0;
        if (p <= 0.5)
        {
            p -= 10 * 2.220446049250313e-16;
            while (true)
            {
                cumulative += _counts[q] / _total;
                if (cumulative >= p)
                {
                    return q;
                }

                q++;
            }
        }

        p = 1 - p + (10 * 2.220446049250313e-16);
        while (true)
        {
            cumulative += _counts[q] / _total;
            if (cumulative > p)
            {
                return (M * N) - q;
            }

            q++;
        }
    }
}

namespace Pipelines.Core.Statistics;

/// <summary>The gamma, beta and binomial functions the count and ratio tests need, in double precision.</summary>
public static class SpecialFunctions
{
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>P(X = k) for X ~ Binomial(n, p).</summary>
    public static double BinomialPmf(int k, int n, double p)
    {
        if (k < 0 || k > n)
        {
            return 0;
        }

        if (p == 0)
        {
            return k == 0 ? 1 : 0;
        }

        if (p == 1)
        {
            return k == n ? 1 : 0;
        }

        return Math.Exp(LogGamma(n + 1) - LogGamma(k + 1) - LogGamma(n - k + 1) + (k * Math.Log(p)) + ((n - k) * Log1P(-p)));
    }

    /// <summary>P(X ≤ k), or P(X &gt; k) with <paramref name="lowerTail"/> false, summed over the smaller side.</summary>
    public static double BinomialCdf(int k, int n, double p, bool lowerTail = true)
    {
        if (k < 0)
        {
            return lowerTail ? 0 : 1;
        }

        if (k >= n)
        {
            return lowerTail ? 1 : 0;
        }

        double sum = 0;
        if (lowerTail)
        {
            for (var i = 0; i <= k; i++)
            {
                sum += BinomialPmf(i, n, p);
            }
        }
        else
        {
            for (var i = k + 1; i <= n; i++)
            {
                sum += BinomialPmf(i, n, p);
            }
        }

        return Math.Min(sum, 1);
    }

    /// <summary>The regularized incomplete beta function I_x(a, b), by its continued fraction.</summary>
    public static double IncompleteBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var front = Math.Exp((a * Math.Log(x)) + (b * Log1P(-x)) - (LogGamma(a) + LogGamma(b) - LogGamma(a + b)));
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(x, a, b) / a
            : 1 - (front * ContinuedFraction(1 - x, b, a) / b);
    }

    /// <summary>The x with I_x(a, b) = p (R's qbeta), by bisection to double precision.</summary>
    public static double IncompleteBetaInverse(double p, double a, double b)
    {
        double low = 0, high = 1;
        for (var i = 0; i < 200 && high - low > 1e-17; i++)
        {
            var middle = (low + high) / 2;
            if (IncompleteBeta(middle, a, b) < p)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return (low + high) / 2;
    }

    /// <summary>ln(1 + x), accurate for small x (Goldberg's trick: the rounding of 1 + x cancels).</summary>
    public static double Log1P(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    // Lentz's method for the continued fraction of I_x(a, b) (Numerical Recipes' betacf).
    private static double ContinuedFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1;
        var c = 1.0;
        var d = 1 - (qab * x / qap);
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 10_000; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return h;
    }
}

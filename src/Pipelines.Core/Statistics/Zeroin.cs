namespace Pipelines.Core.Statistics;

/// <summary>
/// Brent's root finder exactly as R's <c>uniroot</c> runs it (<c>R_zeroin2</c>, after netlib's zeroin): the same
/// steps give the same answer, which is what matching R's confidence intervals to 1e-6 takes when the function is a
/// step function and the tolerance is R's 1e-4.
/// </summary>
public static class Zeroin
{
    public static double Find(Func<double, double> f, double ax, double bx, double fa, double fb, double tolerance, int maxIterations = 1000)
    {
        ArgumentNullException.ThrowIfNull(f);
        double a = ax, b = bx, c = a, fc = fa;
        if (fa == 0)
        {
            return a;
        }

        if (fb == 0)
        {
            return b;
        }

        var left = maxIterations + 1;
        while (left-- > 0)
        {
            var previousStep = b - a;
            if (Math.Abs(fc) < Math.Abs(fb))
            {
                a = b;
                b = c;
                c = a;
                fa = fb;
                fb = fc;
                fc = fa;
            }

            var toleranceNow = (2 * MachineEpsilon * Math.Abs(b)) + (tolerance / 2);
            var newStep = (c - b) / 2;
            if (Math.Abs(newStep) <= toleranceNow || fb == 0)
            {
                return b;
            }

            if (Math.Abs(previousStep) >= toleranceNow && Math.Abs(fa) > Math.Abs(fb))
            {
                double p, q;
                var cb = c - b;
                if (a == c)
                {
                    var t1 = fb / fa;
                    p = cb * t1;
                    q = 1.0 - t1;
                }
                else
                {
                    q = fa / fc;
                    var t1 = fb / fc;
                    var t2 = fb / fa;
                    p = t2 * ((cb * q * (q - t1)) - ((b - a) * (t1 - 1.0)));
                    q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
                }

                if (p > 0)
                {
                    q = -q;
                }
                else
                {
                    p = -p;
                }

                if (p < ((0.75 * cb * q) - (Math.Abs(toleranceNow * q) / 2)) && p < Math.Abs(previousStep * q / 2))
                {
                    newStep = p / q;
                }
            }

            if (Math.Abs(newStep) < toleranceNow)
            {
                newStep = newStep > 0 ? toleranceNow : -toleranceNow;
            }

            a = b;
            fa = fb;
            b += newStep;
            fb = f(b);
            if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0))
            {
                c = a;
                fc = fa;
            }
        }

        return b;
    }

    // DBL_EPSILON, 2^-52 (double.Epsilon is the smallest subnormal, not this).
    private const double MachineEpsilon = 2.220446049250313e-16;
}

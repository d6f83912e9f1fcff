namespace Pipelines.Core.Statistics;

/// <summary>
/// Exact one-sided bounds for the ratio θ = (x1/t1) / (x2/t2) of two event rates, conditional on the total x1 + x2:
/// x1's share of the events is binomial with p = θ·t1 / (θ·t1 + t2), bounded by Clopper-Pearson (as R's
/// <c>poisson.test</c>). Exact for Poisson counts; for events out of trials (errors of requests) the binomial's smaller
/// variance makes the bounds conservative, so neither a pass nor a fail is ever claimed too easily.
/// </summary>
public static class RateRatio
{
    /// <summary>The estimate (x1/t1) / (x2/t2): infinite when only x1 has events, NaN when neither has.</summary>
    public static double Estimate(long x1, double t1, long x2, double t2) =>
        x1 + x2 == 0 ? double.NaN : x2 == 0 ? double.PositiveInfinity : x1 / t1 / (x2 / t2);

    /// <summary>A θ below which the truth lies with probability at most <paramref name="alpha"/>.</summary>
    public static double Lower(long x1, double t1, long x2, double t2, double alpha)
    {
        var n = x1 + x2;
        if (x1 == 0 || n == 0)
        {
            return 0;
        }

        var share = SpecialFunctions.IncompleteBetaInverse(alpha, x1, n - x1 + 1);
        return share >= 1 ? double.PositiveInfinity : share / (1 - share) * t2 / t1;
    }

    /// <summary>A θ above which the truth lies with probability at most <paramref name="alpha"/>.</summary>
    public static double Upper(long x1, double t1, long x2, double t2, double alpha)
    {
        var n = x1 + x2;
        if (x1 == n)
        {
            return double.PositiveInfinity;
        }

        var share = SpecialFunctions.IncompleteBetaInverse(1 - alpha, x1 + 1, n - x1);
        return share / (1 - share) * t2 / t1;
    }

    /// <summary>Clopper-Pearson's upper bound for a proportion of x events in n trials.</summary>
    public static double ProportionUpper(long x, double n, double alpha) =>
        x >= n ? 1 : SpecialFunctions.IncompleteBetaInverse(1 - alpha, x + 1, n - x);

    /// <summary>Clopper-Pearson's lower bound for a proportion of x events in n trials.</summary>
    public static double ProportionLower(long x, double n, double alpha) =>
        x <= 0 ? 0 : SpecialFunctions.IncompleteBetaInverse(alpha, x, n - x + 1);
}

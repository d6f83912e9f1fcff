using System.Globalization;
using Pipelines.Core.Statistics;

namespace Pipelines.Core.Tests.Statistics;

/// <summary>
/// The ratio and count judges against R's prop.test and poisson.test at conf.level 0.98: the expected values in
/// data/rates-reference.csv were made by R (data/make-rates-reference.R).
/// </summary>
[TestClass]
public sealed class RateTestsTests
{
    public static IEnumerable<object[]> ReferenceCases() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Statistics", "data", "rates-reference.csv")).Skip(1)
            .Select(line => line.Split(',')).Select(f => new object[] { f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8] });

    private static double N(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [TestMethod]
    [DynamicData(nameof(ReferenceCases))]
    public void Matches_R(string test, string x1, string n1, string x2, string n2, string estimate, string low, string high, string pValue)
    {
        var result = test == "prop"
            ? RateTests.Proportions((long)N(x1), (long)N(n1), (long)N(x2), (long)N(n2), 0.98)
            : RateTests.PoissonRates((int)N(x1), N(n1), (int)N(x2), N(n2), 0.98);
        var name = $"{test}({x1}/{n1} vs {x2}/{n2})";

        Assert.AreEqual(N(estimate), result.Estimate, 1e-12, name + ": estimate");
        Assert.AreEqual(N(low), result.ConfidenceLow, 1e-6, name + ": interval low");
        Assert.AreEqual(N(high), result.ConfidenceHigh, 1e-6, name + ": interval high");
        if (pValue == "NaN")
        {
            Assert.IsTrue(double.IsNaN(result.PValue), name + ": p-value");
        }
        else
        {
            Assert.AreEqual(N(pValue), result.PValue, 1e-9, name + ": p-value");
        }
    }

    [TestMethod]
    public void Log_gamma_and_the_incomplete_beta_are_right()
    {
        Assert.AreEqual(Math.Log(3628800), SpecialFunctions.LogGamma(11), 1e-12);
        Assert.AreEqual(0.5 * Math.Log(Math.PI), SpecialFunctions.LogGamma(0.5), 1e-14);
        Assert.AreEqual(0.5, SpecialFunctions.IncompleteBeta(0.5, 3, 3), 1e-15);
        Assert.AreEqual(0.3, SpecialFunctions.IncompleteBetaInverse(SpecialFunctions.IncompleteBeta(0.3, 7, 11), 7, 11), 1e-12);
    }
}

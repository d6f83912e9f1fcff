using System.Globalization;
using Pipelines.Core.Statistics;

namespace Pipelines.Core.Tests.Statistics;

/// <summary>
/// The Mann-Whitney judge against R's wilcox.test(x, y, conf.int = TRUE, conf.level = 0.98): the expected values in
/// data/wilcox-reference.csv were made by R (data/make-wilcox-reference.R), independently of this code.
/// </summary>
[TestClass]
public sealed class MannWhitneyTests
{
    public static IEnumerable<object[]> ReferenceCases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Statistics", "data", "wilcox-reference.csv");
        foreach (var line in File.ReadAllLines(path).Skip(1))
        {
            var name = line[1..line.IndexOf('"', 1)];
            var fields = line[(line.IndexOf('"', 1) + 2)..].Split(',');
            yield return [name, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7]];
        }
    }

    private static double[] Values(string list) => [.. list.Split(';').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [TestMethod]
    [DynamicData(nameof(ReferenceCases))]
    public void Matches_R_wilcox_test(string name, string x, string y, string statistic, string pValue, string low, string high, string estimate, string exact)
    {
        var result = MannWhitney.Test(Values(x), Values(y), 0.98);

        Assert.AreEqual(exact == "TRUE", result.Exact, name);
        Assert.AreEqual(Number(statistic), result.Statistic, 1e-9, name + ": W");
        Assert.AreEqual(Number(pValue), result.PValue, 1e-9, name + ": p-value");
        Assert.AreEqual(Number(low), result.ConfidenceLow, 1e-6, name + ": interval low");
        Assert.AreEqual(Number(high), result.ConfidenceHigh, 1e-6, name + ": interval high");
        Assert.AreEqual(Number(estimate), result.Estimate, 1e-6, name + ": estimate");
    }

    [TestMethod]
    public void The_normal_distribution_is_right_to_double_precision() // expected values from R's pnorm and qnorm
    {
        Assert.AreEqual(0.5, Normal.Cdf(0), 1e-16);
        Assert.AreEqual(0.97500210485177963, Normal.Cdf(1.96), 1e-15);
        Assert.AreEqual(2.8665157187919391e-07, Normal.UpperCdf(5), 1e-20);
        Assert.AreEqual(-2.3263478740408408, Normal.Quantile(0.01), 1e-14);
        Assert.AreEqual(1.6448536269514715, Normal.Quantile(0.95), 1e-14);
        Assert.AreEqual(-7.9413453261709952, Normal.Quantile(1e-15), 1e-10);
    }

    [TestMethod]
    public void The_exact_distribution_counts_every_arrangement()
    {
        var distribution = new WilcoxonDistribution(3, 4); // 35 arrangements

        Assert.AreEqual(1.0 / 35, distribution.Cdf(0), 1e-15);
        Assert.AreEqual(1, distribution.Cdf(12), 1e-15);
        Assert.AreEqual(15.0 / 35, distribution.Cdf(5), 1e-15); // R: pwilcox(5, 3, 4)
        Assert.AreEqual(1, distribution.Quantile(0.05));
    }
}

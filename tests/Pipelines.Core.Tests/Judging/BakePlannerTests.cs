using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Core.Tests.Judging;

/// <summary>Planning a bake: more traffic, or a wider tolerance, needs less of it; the answer agrees with simulation.</summary>
[TestClass]
public sealed class BakePlannerTests
{
    private static readonly MetricSpec Errors = new("errors", MetricKind.Ratio, BadDirection.Increase, 0.5, true, 1);
    private static readonly MetricSpec Latency = new("latency", MetricKind.Continuous, BadDirection.Increase, 0.1, false, 1);
    private static readonly GatePolicy Policy = GatePolicy.Default with { MinSamples = 10 };

    private static MetricPlan PlanErrors(double canary, double baseline, double tolerance = 0.5) =>
        BakePlanner.Plan([Errors with { Tolerance = tolerance }], Policy, new PlanTraffic(canary, baseline, new Dictionary<string, double> { ["errors"] = 0.01 }), TimeSpan.FromMinutes(1))[0];

    [TestMethod]
    public void A_quarter_traffic_canary_needs_longer_than_an_equal_one_and_a_wider_tolerance_less()
    {
        Assert.IsGreaterThan(PlanErrors(200, 200).MinutesToPass, PlanErrors(50, 200).MinutesToPass);
        Assert.IsLessThan(PlanErrors(200, 200).MinutesToPass, PlanErrors(200, 200, tolerance: 1.0).MinutesToPass);
    }

    [TestMethod]
    public void The_error_metric_of_the_bench_at_equal_traffic_needs_about_an_hour_to_pass_alone()
    {
        // 2 errors a minute a side: variance of the log ratio 1/T; (z.95 + z.90)² / ln(1.5)² ≈ 52 minutes.
        Assert.AreEqual(52, PlanErrors(200, 200).MinutesToPass, 2);
    }

    [TestMethod]
    public void A_continuous_metric_never_plans_below_min_samples_intervals()
    {
        var plan = BakePlanner.Plan([Latency], Policy, new PlanTraffic(10_000, 10_000, new Dictionary<string, double>()), TimeSpan.FromMinutes(1))[0];

        Assert.AreEqual(10, plan.MinutesToPass, 1e-9);
    }

    [TestMethod]
    public void A_ratio_metric_without_an_event_rate_is_bad_input_naming_it()
    {
        var error = Assert.ThrowsExactly<InputException>(() =>
            BakePlanner.Plan([Errors], Policy, new PlanTraffic(50, 200, new Dictionary<string, double>()), TimeSpan.FromMinutes(1)));

        StringAssert.Contains(error.Message, "errors=");
    }
}

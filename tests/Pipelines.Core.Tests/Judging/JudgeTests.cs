using Pipelines.Core.Judging;

namespace Pipelines.Core.Tests.Judging;

[TestClass]
public sealed class JudgeTests
{
    private static readonly MetricSpec Errors = new("server-errors", MetricKind.Ratio, BadDirection.Increase, 0.10, Critical: true, Weight: 2);
    private static readonly MetricSpec Latency = new("latency-p95", MetricKind.Continuous, BadDirection.Increase, 0.10, Critical: false, Weight: 1);
    private static readonly MetricSpec SignUps = new("registrations", MetricKind.Count, BadDirection.Decrease, 0.10, Critical: false, Weight: 1);

    private static double[] Lognormal(int count, double median, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => median * Math.Exp(0.3 * Gaussian(random)))];
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static GateResult JudgeAll(MetricObservation errors, MetricObservation latency, MetricObservation signUps, GatePolicy? policy = null) =>
        Judge.Evaluate([Errors, Latency, SignUps], [errors, latency, signUps], policy ?? GatePolicy.Default);

    private static MetricObservation SameErrors => MetricObservation.Events("server-errors", 50, 10_000, 52, 10_000);

    private static MetricObservation SameLatency => MetricObservation.Samples("latency-p95", Lognormal(30, 200, 1), Lognormal(30, 200, 2));

    private static MetricObservation SameSignUps => MetricObservation.Events("registrations", 120, 3600, 118, 3600);

    [TestMethod]
    public void A_canary_like_its_baseline_passes_with_full_score()
    {
        var result = JudgeAll(SameErrors, SameLatency, SameSignUps);

        Assert.AreEqual(GateVerdict.Pass, result.Verdict, result.Reason);
        Assert.AreEqual(100, result.Score);
        Assert.IsTrue(result.Metrics.All(m => m.Class == MetricClass.Pass));
        Assert.AreEqual(1 - (0.01 / 3), result.ConfidenceLevel, 1e-15);
    }

    [TestMethod]
    public void Twice_the_error_rate_on_a_critical_metric_fails_the_gate_with_score_zero()
    {
        var result = JudgeAll(MetricObservation.Events("server-errors", 100, 10_000, 50, 10_000), SameLatency, SameSignUps);

        Assert.AreEqual(GateVerdict.Fail, result.Verdict);
        Assert.AreEqual(0, result.Score);
        var errors = result.Metrics.Single(m => m.Name == "server-errors");
        Assert.AreEqual(MetricClass.High, errors.Class);
        Assert.AreEqual(1.0, errors.Effect, 1e-12); // +100%
        Assert.AreEqual("two-proportion", errors.Test);
    }

    [TestMethod]
    public void Slower_latency_fails_its_metric_and_lowers_the_score_by_its_weight()
    {
        var slow = MetricObservation.Samples("latency-p95", Lognormal(30, 300, 3), Lognormal(30, 200, 4));

        var result = JudgeAll(SameErrors, slow, SameSignUps);

        Assert.AreEqual(MetricClass.High, result.Metrics.Single(m => m.Name == "latency-p95").Class);
        Assert.AreEqual(75, result.Score, 1e-9); // weights 2 + 1 of 4 pass
        Assert.AreEqual(GateVerdict.Marginal, result.Verdict);
    }

    [TestMethod]
    public void Fewer_registrations_fail_a_business_metric_whose_bad_direction_is_down()
    {
        var result = JudgeAll(SameErrors, SameLatency, MetricObservation.Events("registrations", 60, 3600, 130, 3600));

        var signUps = result.Metrics.Single(m => m.Name == "registrations");
        Assert.AreEqual(MetricClass.Low, signUps.Class);
        Assert.IsTrue(signUps.Failed);
        Assert.AreEqual("poisson-rate", signUps.Test);
    }

    [TestMethod]
    public void A_change_in_the_good_direction_is_classified_but_does_not_fail()
    {
        var result = JudgeAll(MetricObservation.Events("server-errors", 10, 10_000, 80, 10_000), SameLatency, SameSignUps);

        var errors = result.Metrics.Single(m => m.Name == "server-errors");
        Assert.AreEqual(MetricClass.Low, errors.Class);
        Assert.IsFalse(errors.Failed);
        Assert.AreEqual(GateVerdict.Pass, result.Verdict);
    }

    [TestMethod]
    public void A_significant_change_within_tolerance_passes()
    {
        // 3% more errors on a million requests each side: real, but under the 10% tolerance.
        var result = JudgeAll(MetricObservation.Events("server-errors", 10_300, 1_000_000, 10_000, 1_000_000), SameLatency, SameSignUps);

        Assert.AreEqual(MetricClass.Pass, result.Metrics.Single(m => m.Name == "server-errors").Class);
    }

    [TestMethod]
    public void Too_few_samples_make_the_gate_inconclusive_never_a_pass()
    {
        var few = MetricObservation.Samples("latency-p95", Lognormal(5, 200, 5), Lognormal(5, 200, 6));

        var result = JudgeAll(SameErrors, few, SameSignUps);

        Assert.AreEqual(GateVerdict.Inconclusive, result.Verdict);
        Assert.AreEqual(MetricClass.NoData, result.Metrics.Single(m => m.Name == "latency-p95").Class);
        StringAssert.Contains(result.Reason, "latency-p95");
    }

    [TestMethod]
    public void A_partial_answer_from_the_source_is_no_data_and_under_no_data_fail_fails_a_critical_metric()
    {
        var partial = SameErrors with { Complete = false };

        var inconclusive = JudgeAll(partial, SameLatency, SameSignUps);
        var failed = JudgeAll(partial, SameLatency, SameSignUps, GatePolicy.Default with { NoData = NoDataPolicy.Fail });

        Assert.AreEqual(GateVerdict.Inconclusive, inconclusive.Verdict);
        Assert.AreEqual(GateVerdict.Fail, failed.Verdict);
        StringAssert.Contains(failed.Reason, "partial result");
    }

    [TestMethod]
    public void Series_without_variation_and_counts_of_zero_are_judged_without_error()
    {
        var flat = MetricObservation.Samples("latency-p95", [.. Enumerable.Repeat(100.0, 30)], [.. Enumerable.Repeat(100.0, 30)]);
        var noErrors = MetricObservation.Events("server-errors", 0, 5000, 0, 5000);
        var noSignUps = MetricObservation.Events("registrations", 0, 3600, 0, 3600);

        var result = JudgeAll(noErrors, flat, noSignUps);

        Assert.AreEqual(GateVerdict.Pass, result.Verdict, result.Reason);
        var slowerFlat = MetricObservation.Samples("latency-p95", [.. Enumerable.Repeat(150.0, 30)], [.. Enumerable.Repeat(100.0, 30)]);
        Assert.AreEqual(MetricClass.High, JudgeAll(noErrors, slowerFlat, noSignUps).Metrics.Single(m => m.Name == "latency-p95").Class);
    }
}

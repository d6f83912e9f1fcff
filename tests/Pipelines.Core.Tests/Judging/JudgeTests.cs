using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Core.Tests.Judging;

/// <summary>The one-shot gate: three answers per metric, a pass only on evidence.</summary>
[TestClass]
public sealed class JudgeTests
{
    private static readonly MetricSpec Errors = new("server-errors", MetricKind.Ratio, BadDirection.Increase, 0.50, Critical: true, Weight: 2);
    private static readonly MetricSpec Latency = new("latency-p95", MetricKind.Continuous, BadDirection.Increase, 0.10, Critical: false, Weight: 1);
    private static readonly MetricSpec SignUps = new("registrations", MetricKind.Count, BadDirection.Decrease, 0.50, Critical: false, Weight: 1);

    private static double[] Lognormal(int count, double median, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => median * Math.Exp(0.1 * Gaussian(random)))];
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static GateResult JudgeAll(MetricObservation errors, MetricObservation latency, MetricObservation signUps, GatePolicy? policy = null) =>
        Judge.Evaluate([Errors, Latency, SignUps], [errors, latency, signUps], policy ?? GatePolicy.Default);

    private static MetricObservation SameErrors => MetricObservation.Events("server-errors", 500, 100_000, 510, 100_000);

    private static MetricObservation SameLatency => MetricObservation.Samples("latency-p95", Lognormal(60, 200, 1), Lognormal(60, 200, 2));

    private static MetricObservation SameSignUps => MetricObservation.Events("registrations", 1200, 3600, 1180, 3600);

    [TestMethod]
    public void A_canary_shown_within_every_tolerance_passes_with_full_score()
    {
        var result = JudgeAll(SameErrors, SameLatency, SameSignUps);

        Assert.AreEqual(GateVerdict.Pass, result.Verdict, result.Reason);
        Assert.AreEqual(100, result.Score);
        Assert.IsTrue(result.Metrics.All(m => m.Answer == MetricAnswer.Pass));
    }

    [TestMethod]
    public void Twice_the_error_rate_on_a_critical_metric_fails_the_gate()
    {
        var result = JudgeAll(MetricObservation.Events("server-errors", 1000, 100_000, 500, 100_000), SameLatency, SameSignUps);

        Assert.AreEqual(GateVerdict.Fail, result.Verdict);
        var errors = result.Metrics.Single(m => m.Name == "server-errors");
        Assert.AreEqual(MetricAnswer.Fail, errors.Answer);
        Assert.AreEqual(1.0, errors.Effect, 1e-12); // +100%
        Assert.IsGreaterThan(0.5, errors.IntervalLow, "the whole interval lies beyond the tolerance");
    }

    [TestMethod]
    public void Twice_the_error_rate_on_little_traffic_is_undecided_never_a_pass()
    {
        // The case: a quarter-traffic canary, 15 against 30 expected errors: not significant, and not a pass.
        var result = JudgeAll(MetricObservation.Events("server-errors", 30, 1500, 60, 6000), SameLatency, SameSignUps);

        var errors = result.Metrics.Single(m => m.Name == "server-errors");
        Assert.AreEqual(MetricAnswer.Undecided, errors.Answer, errors.Reason);
        Assert.AreEqual(GateVerdict.Inconclusive, result.Verdict, "a critical metric not shown within tolerance blocks the pass");
        Assert.IsNotNull(errors.MoreData);
        Assert.IsGreaterThan(0.5, errors.DetectableEffect, "this little data could not have shown a change as small as the tolerance");
    }

    [TestMethod]
    public void A_slower_latency_fails_its_metric_and_the_score_counts_only_what_passed()
    {
        var slow = MetricObservation.Samples("latency-p95", Lognormal(60, 300, 3), Lognormal(60, 200, 4));

        var result = JudgeAll(SameErrors, slow, SameSignUps);

        Assert.AreEqual(MetricAnswer.Fail, result.Metrics.Single(m => m.Name == "latency-p95").Answer);
        Assert.AreEqual(75, result.Score, 1e-9); // weights 2 + 1 of 4 shown to pass
        Assert.AreEqual(GateVerdict.Marginal, result.Verdict);
    }

    [TestMethod]
    public void Far_fewer_registrations_fail_a_business_metric_whose_bad_direction_is_down()
    {
        var result = JudgeAll(SameErrors, SameLatency, MetricObservation.Events("registrations", 300, 3600, 1300, 3600));

        var signUps = result.Metrics.Single(m => m.Name == "registrations");
        Assert.AreEqual(MetricAnswer.Fail, signUps.Answer);
        Assert.AreEqual("poisson-rate", signUps.Test);
    }

    [TestMethod]
    public void A_change_in_the_good_direction_passes()
    {
        var result = JudgeAll(MetricObservation.Events("server-errors", 100, 100_000, 800, 100_000), SameLatency, SameSignUps);

        Assert.AreEqual(MetricAnswer.Pass, result.Metrics.Single(m => m.Name == "server-errors").Answer);
        Assert.AreEqual(GateVerdict.Pass, result.Verdict);
    }

    [TestMethod]
    public void A_real_change_within_tolerance_passes_when_the_data_shows_it_within()
    {
        // 10% more errors on a million requests each side: real, but well inside the 50% tolerance.
        var result = JudgeAll(MetricObservation.Events("server-errors", 11_000, 1_000_000, 10_000, 1_000_000), SameLatency, SameSignUps);

        Assert.AreEqual(MetricAnswer.Pass, result.Metrics.Single(m => m.Name == "server-errors").Answer);
    }

    [TestMethod]
    public void Too_few_samples_leave_a_metric_undecided_never_a_pass()
    {
        var few = MetricObservation.Samples("latency-p95", Lognormal(10, 200, 5), Lognormal(10, 200, 6));

        var result = JudgeAll(SameErrors, few, SameSignUps);

        var latency = result.Metrics.Single(m => m.Name == "latency-p95");
        Assert.AreEqual(MetricAnswer.Undecided, latency.Answer);
        StringAssert.Contains(latency.Reason, "at least 20");
        Assert.AreNotEqual(GateVerdict.Pass, result.Verdict);
    }

    [TestMethod]
    public void A_partial_answer_from_the_source_is_undecided_and_under_no_data_fail_fails_a_critical_metric()
    {
        var partial = SameErrors with { Complete = false };

        var inconclusive = JudgeAll(partial, SameLatency, SameSignUps);
        var failed = JudgeAll(partial, SameLatency, SameSignUps, GatePolicy.Default with { NoData = NoDataPolicy.Fail });

        Assert.AreEqual(GateVerdict.Inconclusive, inconclusive.Verdict);
        Assert.AreEqual(GateVerdict.Fail, failed.Verdict);
        StringAssert.Contains(failed.Reason, "partial result");
    }

    [TestMethod]
    public void No_errors_on_either_side_is_no_evidence_unless_a_floor_says_the_rate_is_harmless()
    {
        var noErrors = MetricObservation.Events("server-errors", 0, 5000, 0, 35_000);

        Assert.AreEqual(MetricAnswer.Undecided, JudgeAll(noErrors, SameLatency, SameSignUps).Metrics[0].Answer);
        var floored = Judge.Evaluate([Errors with { Floor = 0.01 }], [noErrors], GatePolicy.Default);
        Assert.AreEqual(MetricAnswer.Pass, floored.Metrics[0].Answer, floored.Metrics[0].Reason);
        StringAssert.Contains(floored.Metrics[0].Reason, "floor");
    }

    [TestMethod]
    public void A_broken_build_fails_even_against_a_baseline_without_errors_when_its_rate_is_above_the_floor()
    {
        var result = Judge.Evaluate([Errors with { Floor = 0.01 }], [MetricObservation.Events("server-errors", 100, 500, 0, 3500)], GatePolicy.Default);

        Assert.AreEqual(GateVerdict.Fail, result.Verdict, result.Reason);
    }

    [TestMethod]
    public void Series_without_variation_are_judged_without_error()
    {
        var flat = MetricObservation.Samples("latency-p95", [.. Enumerable.Repeat(100.0, 30)], [.. Enumerable.Repeat(100.0, 30)]);
        var slowerFlat = MetricObservation.Samples("latency-p95", [.. Enumerable.Repeat(150.0, 30)], [.. Enumerable.Repeat(100.0, 30)]);

        Assert.AreEqual(MetricAnswer.Pass, JudgeAll(SameErrors, flat, SameSignUps).Metrics.Single(m => m.Name == "latency-p95").Answer);
        Assert.AreEqual(MetricAnswer.Fail, JudgeAll(SameErrors, slowerFlat, SameSignUps).Metrics.Single(m => m.Name == "latency-p95").Answer);
    }

    // Bad data is never a pass: each case of the issue, refused as bad input naming the metric and side.
    [TestMethod]
    [DataRow(50L, 10.0, "events cannot outnumber trials")]
    [DataRow(5L, 10.5, "whole trials")]
    [DataRow(-1L, 10.0, "0 or more")]
    [DataRow(1L, double.NaN, "finite")]
    public void Impossible_event_counts_are_bad_input_naming_the_metric_and_side(long events, double trials, string expected)
    {
        var error = Assert.ThrowsExactly<InputException>(() =>
            Judge.Evaluate([Errors], [MetricObservation.Events("server-errors", events, trials, 10, 1000)], GatePolicy.Default));

        StringAssert.Contains(error.Message, "server-errors");
        StringAssert.Contains(error.Message, "canary");
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public void A_NaN_sample_is_bad_input_not_an_interval_of_NaN_that_passes()
    {
        var canary = Lognormal(61, 400, 7);
        canary[3] = double.NaN;

        var error = Assert.ThrowsExactly<InputException>(() =>
            Judge.Evaluate([Latency], [MetricObservation.Samples("latency-p95", canary, Lognormal(61, 200, 8))], GatePolicy.Default));

        StringAssert.Contains(error.Message, "'latency-p95', canary: sample 4 is NaN");
    }

    [TestMethod]
    public void One_request_a_side_without_errors_is_undecided_not_a_pass()
    {
        var result = Judge.Evaluate([Errors], [MetricObservation.Events("server-errors", 0, 1, 0, 1)], GatePolicy.Default);

        Assert.AreEqual(MetricAnswer.Undecided, result.Metrics[0].Answer);
    }

    [TestMethod]
    public void Min_samples_below_what_the_family_bound_can_reach_is_refused_with_the_reason()
    {
        var specs = Enumerable.Range(0, 10).Select(i => Latency with { Name = $"m{i}" }).ToList();

        var error = Assert.ThrowsExactly<InputException>(() => GateChecks.ValidatePolicy(specs, GatePolicy.Default with { MinSamples = 5 }));

        StringAssert.Contains(error.Message, "min-samples: 5 is below 7");
        GateChecks.ValidatePolicy(specs, GatePolicy.Default with { MinSamples = 7 });
    }

    [TestMethod]
    public void The_feasible_sample_size_is_the_first_at_which_the_most_extreme_order_is_rare_enough()
    {
        Assert.AreEqual(7, GateChecks.FeasibleSamples(0.001)); // C(14, 7) = 3432 ≥ 1000 > C(12, 6) = 924
        Assert.AreEqual(5, GateChecks.FeasibleSamples(0.01)); // C(10, 5) = 252 ≥ 100 > C(8, 4) = 70
    }
}

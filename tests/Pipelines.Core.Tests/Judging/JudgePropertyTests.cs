using CsCheck;
using Pipelines.Core.Judging;

namespace Pipelines.Core.Tests.Judging;

/// <summary>What every answer of the gate must mean, over generated data.</summary>
[TestClass]
public sealed class JudgePropertyTests
{
    private static readonly Gen<BadDirection> Direction = Gen.OneOfConst(BadDirection.Increase, BadDirection.Decrease, BadDirection.Both);

    private static readonly Gen<(MetricSpec Spec, MetricObservation Data)> RatioCase =
        from bad in Direction
        from tolerance in Gen.Double[0.05, 0.9]
        from kind in Gen.OneOfConst(MetricKind.Ratio, MetricKind.Count)
        from canaryTrials in Gen.Int[1, 20_000]
        from baselineTrials in Gen.Int[1, 20_000]
        from canaryShare in Gen.Double[0, 0.2]
        from baselineShare in Gen.Double[0, 0.2]
        select (new MetricSpec("m", kind, bad, tolerance, true, 1),
            MetricObservation.Events("m", (long)(canaryTrials * canaryShare), canaryTrials, (long)(baselineTrials * baselineShare), baselineTrials));

    private static readonly Gen<(MetricSpec Spec, MetricObservation Data)> SampleCase =
        from bad in Direction
        from tolerance in Gen.Double[0.02, 0.5]
        from canary in Gen.Double[50, 150].Array[0, 40]
        from baseline in Gen.Double[50, 150].Array[0, 40]
        select (new MetricSpec("m", MetricKind.Continuous, bad, tolerance, true, 1), MetricObservation.Samples("m", canary, baseline));

    private static readonly GatePolicy Policy = GatePolicy.Default with { MinSamples = 10 };

    private static MetricJudgement Judged(MetricSpec spec, MetricObservation data) => Judge.Evaluate([spec], [data], Policy).Metrics[0];

    private static void AnswersMeanWhatTheySay(MetricSpec spec, MetricObservation data)
    {
        var j = Judged(spec, data);
        var tol = spec.Tolerance;
        if (j.Answer == MetricAnswer.Pass)
        {
            Assert.IsTrue(spec.Bad switch
            {
                BadDirection.Increase => j.IntervalHigh < tol,
                BadDirection.Decrease => j.IntervalLow > -tol,
                _ => j.IntervalLow > -tol && j.IntervalHigh < tol,
            }, $"pass outside the tolerance: {j.Reason}");
        }

        if (j.Answer == MetricAnswer.Fail)
        {
            Assert.IsTrue(spec.Bad switch
            {
                BadDirection.Increase => j.IntervalLow > tol,
                BadDirection.Decrease => j.IntervalHigh < -tol,
                _ => j.IntervalLow > tol || j.IntervalHigh < -tol,
            }, $"fail not beyond the tolerance: {j.Reason}");
        }
    }

    [TestMethod]
    public void A_pass_means_the_interval_lies_inside_the_tolerance_and_a_fail_that_it_lies_beyond_for_rates() =>
        RatioCase.Sample(c => AnswersMeanWhatTheySay(c.Spec, c.Data), iter: 400);

    [TestMethod]
    public void A_pass_means_the_interval_lies_inside_the_tolerance_and_a_fail_that_it_lies_beyond_for_samples() =>
        SampleCase.Sample(c => AnswersMeanWhatTheySay(c.Spec, c.Data), iter: 300);

    [TestMethod]
    public void A_continuous_metric_never_passes_with_fewer_than_min_samples() =>
        SampleCase.Sample(c =>
        {
            if (Math.Min(c.Data.Canary.Count, c.Data.Baseline.Count) < Policy.MinSamples)
            {
                Assert.AreNotEqual(MetricAnswer.Pass, Judged(c.Spec, c.Data).Answer);
            }
        }, iter: 300);

    [TestMethod]
    public void Adding_identical_data_to_both_sides_never_turns_a_decided_pass_into_a_fail() =>
        // Identical for rates: more traffic at one and the same rate on both sides, in proportion to each side's traffic.
        RatioCase.Select(Gen.Int[1, 10], Gen.Double[0, 0.2]).Sample((c, factor, rate) =>
        {
            if (Judged(c.Spec, c.Data).Answer != MetricAnswer.Pass)
            {
                return;
            }

            var (canaryTrials, baselineTrials) = (c.Data.CanaryTrials * factor, c.Data.BaselineTrials * factor);
            var more = c.Data with
            {
                CanaryEvents = c.Data.CanaryEvents + (long)Math.Round(canaryTrials * rate), CanaryTrials = c.Data.CanaryTrials + canaryTrials,
                BaselineEvents = c.Data.BaselineEvents + (long)Math.Round(baselineTrials * rate), BaselineTrials = c.Data.BaselineTrials + baselineTrials,
            };
            Assert.AreNotEqual(MetricAnswer.Fail, Judged(c.Spec, more).Answer);
        }, iter: 400);

    [TestMethod]
    public void Adding_identical_samples_to_both_sides_never_turns_a_decided_pass_into_a_fail() =>
        SampleCase.Select(Gen.Double[50, 150].Array[1, 30]).Sample((c, added) =>
        {
            if (Judged(c.Spec, c.Data).Answer != MetricAnswer.Pass)
            {
                return;
            }

            var more = c.Data with { Canary = [.. c.Data.Canary, .. added], Baseline = [.. c.Data.Baseline, .. added] };
            Assert.AreNotEqual(MetricAnswer.Fail, Judged(c.Spec, more).Answer);
        }, iter: 300);
}

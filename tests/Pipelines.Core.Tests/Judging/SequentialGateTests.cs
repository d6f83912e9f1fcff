using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Core.Tests.Judging;

/// <summary>The bake: anytime-valid answers, looked at every interval, deciding as soon as the evidence is in.</summary>
[TestClass]
public sealed class SequentialGateTests
{
    private static readonly MetricSpec Errors = new("errors", MetricKind.Ratio, BadDirection.Increase, 0.5, Critical: true, Weight: 1);
    private static readonly MetricSpec Latency = new("latency", MetricKind.Continuous, BadDirection.Increase, 0.1, Critical: false, Weight: 1);
    private static readonly GatePolicy Policy = GatePolicy.Default with { MinSamples = 10 };

    private static long Binomial(Random random, int n, double p) => Enumerable.Range(0, n).Count(_ => random.NextDouble() < p);

    private static double P95(Random random, double factor) => 100 * factor * Math.Exp(0.08 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static List<MetricObservation> Minute(Random random, double errorFactor, double latencyFactor, int canary = 200, int baseline = 200) =>
    [
        MetricObservation.Events("errors", Binomial(random, canary, 0.01 * errorFactor), canary, Binomial(random, baseline, 0.01), baseline),
        MetricObservation.Samples("latency", [P95(random, latencyFactor)], [P95(random, 1)]),
    ];

    [TestMethod]
    public void An_unchanged_canary_is_never_failed_over_a_hundred_looks_and_is_passed_once_the_evidence_is_in()
    {
        var random = new Random(1);
        var (failed, passed) = (0, 0);
        for (var run = 0; run < 40; run++)
        {
            var gate = new SequentialGate([Errors, Latency], Policy);
            for (var look = 0; look < 100 && gate.Result.Verdict is not (GateVerdict.Pass or GateVerdict.Fail); look++)
            {
                gate.Look(Minute(random, 1, 1));
            }

            failed += gate.Result.Verdict == GateVerdict.Fail ? 1 : 0;
            passed += gate.Result.Verdict == GateVerdict.Pass ? 1 : 0;
        }

        Assert.AreEqual(0, failed);
        Assert.IsGreaterThanOrEqualTo(30, passed, "most unchanged canaries are shown within tolerance in 100 minutes at 200 rpm");
    }

    [TestMethod]
    public void Three_times_the_errors_is_a_decided_fail_and_never_a_pass()
    {
        var random = new Random(2);
        for (var run = 0; run < 20; run++)
        {
            var gate = new SequentialGate([Errors, Latency], Policy);
            for (var look = 0; look < 100 && gate.Result.Verdict is not (GateVerdict.Pass or GateVerdict.Fail); look++)
            {
                gate.Look(Minute(random, 3, 1));
            }

            Assert.AreEqual(GateVerdict.Fail, gate.Result.Verdict, gate.Result.Reason);
        }
    }

    [TestMethod]
    public void A_continuous_metric_never_passes_before_min_samples_paired_intervals()
    {
        var gate = new SequentialGate([Latency], Policy with { PassAlpha = 0.5 });
        for (var look = 1; look < Policy.MinSamples; look++)
        {
            gate.Look([MetricObservation.Samples("latency", [50], [100])]);
            Assert.AreEqual(MetricAnswer.Undecided, gate.Judgements[0].Answer, $"look {look}");
        }
    }

    [TestMethod]
    public void A_decided_answer_is_final()
    {
        var gate = new SequentialGate([Errors], Policy);
        for (var look = 0; look < 30; look++)
        {
            gate.Look([MetricObservation.Events("errors", 40, 200, 2, 200)]);
        }

        Assert.AreEqual(MetricAnswer.Fail, gate.Judgements[0].Answer);
        for (var look = 0; look < 200; look++)
        {
            gate.Look([MetricObservation.Events("errors", 0, 200, 2, 200)]);
        }

        Assert.AreEqual(MetricAnswer.Fail, gate.Judgements[0].Answer);
    }

    [TestMethod]
    public void Bad_data_in_a_look_is_refused()
    {
        var gate = new SequentialGate([Errors], Policy);

        Assert.ThrowsExactly<Pipelines.Core.Errors.InputException>(() => gate.Look([MetricObservation.Events("errors", 50, 10, 0, 10)]));
    }

    [TestMethod]
    public void The_bake_stops_at_once_on_a_fail_after_min_bake_on_a_pass_and_at_max_bake_by_the_undecided_policy()
    {
        var bake = new BakePolicy(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30));
        GateResult Standing(GateVerdict verdict) => new(verdict, 0, "r", []);

        Assert.AreEqual(BakeStep.Stop, BakeRules.Decide(Standing(GateVerdict.Fail), TimeSpan.FromMinutes(1), bake).Step);
        Assert.AreEqual(BakeStep.Continue, BakeRules.Decide(Standing(GateVerdict.Pass), TimeSpan.FromMinutes(5), bake).Step);
        Assert.AreEqual(BakeStep.Stop, BakeRules.Decide(Standing(GateVerdict.Pass), TimeSpan.FromMinutes(10), bake).Step);
        Assert.AreEqual(BakeStep.Continue, BakeRules.Decide(Standing(GateVerdict.Inconclusive), TimeSpan.FromMinutes(29), bake).Step);
        var held = BakeRules.Decide(Standing(GateVerdict.Inconclusive), TimeSpan.FromMinutes(30), bake);
        Assert.AreEqual((BakeStep.Stop, GateVerdict.Inconclusive), (held.Step, held.Verdict));
        var passed = BakeRules.Decide(Standing(GateVerdict.Inconclusive), TimeSpan.FromMinutes(30), bake with { Undecided = UndecidedPolicy.Pass });
        Assert.AreEqual(GateVerdict.Pass, passed.Verdict);
        StringAssert.Contains(passed.Reason, "PASSED UNDECIDED");
    }

    [TestMethod]
    public void Max_bake_defaults_to_three_bakes_and_cannot_be_shorter_than_min_bake()
    {
        Assert.AreEqual(TimeSpan.FromMinutes(30), BakePolicy.From(TimeSpan.FromMinutes(10), null, null, UndecidedPolicy.Hold).MaxBake);
        Assert.ThrowsExactly<Pipelines.Core.Errors.InputException>(() => BakePolicy.From(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(15), UndecidedPolicy.Hold));
    }

    [TestMethod]
    public async Task A_wave_whose_critical_metric_is_undecided_bakes_on_and_says_so_until_max_bake()
    {
        var lines = new List<string>();
        var clock = new SteppingClock(TimeSpan.FromMinutes(1));
        var gate = new BakeGate((_, _) => new Quiet(), [Errors], [new MetricQuery("errors", MetricKind.Ratio, null)], Policy,
            new BakePolicy(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)), TimeSpan.FromMinutes(1), clock, lines.Add);

        var (verdict, reason) = await gate.JudgeAsync(["a"], ["b"], CancellationToken.None);

        Assert.AreEqual(GateVerdict.Inconclusive, verdict, reason);
        Assert.IsGreaterThanOrEqualTo(14, lines.Count);
        StringAssert.Contains(lines[5], "baking on while errors is undecided");
        StringAssert.Contains(reason, "undecided: hold");
    }

    /// <summary>A source with a few requests and no errors a look: never evidence enough to pass a critical error metric.</summary>
    private sealed class Quiet : IMetricsSource
    {
        public string Name => "quiet";

        public bool MeasuresWhileAsked => true;

        public Task<IReadOnlyList<MetricObservation>> FetchAsync(IReadOnlyList<MetricQuery> metrics, CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<MetricObservation>>([MetricObservation.Events("errors", 0, 3, 0, 3)]);
    }

    /// <summary>Each reading of the clock is one step later, so a bake's elapsed time grows by a step a look.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now += step;
    }
}

using Pipelines.Core.Judging;
using Pipelines.Core.Statistics;

namespace Pipelines.Bench;

/// <summary>
/// The metrics gate in realistic regimes, by simulation: a baseline serving 200 requests a minute, a canary at a
/// quarter, half or the same traffic, ten metrics (four error ratios, the first critical; six p95 latencies computed
/// per minute from that minute's requests, as a monitoring system does), family-alpha 1%, bakes of 10 to 120 minutes.
/// The one-shot gate (metrics-gate), the sequential bake (canary, a look a minute) and the watch after rollout; beside
/// them, the Kayenta-style rule ("pass unless significantly worse") that passed what it had no evidence about.
/// </summary>
internal static class JudgeBench
{
    private const int Trials = 200;
    private const int BaselineRpm = 200;

    private static readonly List<MetricSpec> Specs =
    [
        .. Enumerable.Range(0, 4).Select(i => new MetricSpec($"errors-{i}", MetricKind.Ratio, BadDirection.Increase, Tolerances.For(MetricKind.Ratio), i == 0, 1)),
        .. Enumerable.Range(0, 6).Select(i => new MetricSpec($"latency-{i}", MetricKind.Continuous, BadDirection.Increase, Tolerances.For(MetricKind.Continuous), false, 1)),
    ];

    private static readonly GatePolicy Policy = GatePolicy.Default with { MinSamples = 10 };

    public static IReadOnlyList<BenchRow> Run()
    {
        var rows = new List<BenchRow>();
        var random = new Random(20111030);

        // The one-shot gate over a whole bake.
        double Share(double canaryShare, double errorRate, double errorFactor, double latencyFactor, int minutes, Func<GateResult, bool> counted, bool kayenta = false)
        {
            var hits = 0;
            for (var t = 0; t < Trials; t++)
            {
                var world = new World(random, (int)(BaselineRpm * canaryShare), errorRate, errorFactor, latencyFactor);
                var data = Whole(Enumerable.Range(0, minutes).Select(_ => world.Minute()).ToList());
                hits += kayenta ? (KayentaPasses(data) ? 1 : 0) : counted(Judge.Evaluate(Specs, data, Policy)) ? 1 : 0;
            }

            return 100.0 * hits / Trials;
        }

        static bool Passed(GateResult r) => r.Verdict == GateVerdict.Pass;
        static bool Failed(GateResult r) => r.Verdict == GateVerdict.Fail;
        const string Regime = "baseline 200 rpm, canary 50 rpm, 1% errors, 30 min";
        rows.Add(new BenchRow($"gate: x2 errors passed ({Regime})", Share(0.25, 0.01, 2, 1, 30, Passed), 2, "%",
            $"Kayenta-style rule passed it {Share(0.25, 0.01, 2, 1, 30, Passed, kayenta: true):0.0}%; {Trials} trials"));
        rows.Add(new BenchRow($"gate: +20% p95 passed ({Regime})", Share(0.25, 0.01, 1, 1.2, 30, Passed), 2, "%",
            $"Kayenta-style {Share(0.25, 0.01, 1, 1.2, 30, Passed, kayenta: true):0.0}%"));
        rows.Add(new BenchRow($"gate: A/A failed ({Regime})", Share(0.25, 0.01, 1, 1, 30, Failed), 1, "%"));
        rows.Add(new BenchRow("gate: x2 errors passed (canary 50 rpm, 0.5% errors, 30 min)", Share(0.25, 0.005, 2, 1, 30, Passed), 2, "%"));
        foreach (var (share, minutes) in new[] { (0.25, 10), (0.25, 30), (0.25, 60), (0.25, 120), (0.5, 30), (0.5, 120), (1.0, 30), (1.0, 60) })
        {
            rows.Add(BenchRow.Info($"gate: A/A passed (canary {BaselineRpm * share:0} rpm, 1% errors, {minutes} min): the cost of honesty", Share(share, 0.01, 1, 1, minutes, Passed), "%"));
        }

        rows.Add(new BenchRow("gate: A/A not passed (canary 200 rpm = baseline, 1% errors, 120 min)", 100 - Share(1, 0.01, 1, 1, 120, Passed), 10, "%",
            $"at 0.5% errors: {100 - Share(1, 0.005, 1, 1, 120, Passed):0.0}%"));

        // plan-bake's answer checked by simulation: at the bake it plans, an unchanged canary passes at least 9 times in 10.
        foreach (var share in new[] { 0.5, 1.0 })
        {
            var rates = Specs.Where(s => s.Kind != MetricKind.Continuous).ToDictionary(s => s.Name, _ => 0.01);
            var planned = Math.Ceiling(BakePlanner.Plan(Specs, Policy, new PlanTraffic(BaselineRpm * share, BaselineRpm, rates), TimeSpan.FromMinutes(1)).Max(p => p.MinutesToPass));
            rows.Add(new BenchRow($"plan-bake: A/A not passed at the planned bake (canary {BaselineRpm * share:0} rpm: {planned:0} min)",
                100 - Share(share, 0.01, 1, 1, (int)planned, Passed), 10, "%"));
        }

        // The sequential bake: a look a minute for up to 100 minutes.
        (double Failed, double Passed, double MedianLooks) Bake(double canaryShare, double errorFactor, double latencyFactor, MetricAnswer awaited, int baselineRpm = BaselineRpm)
        {
            var (fails, passes, looks) = (0, 0, new List<int>());
            for (var t = 0; t < Trials; t++)
            {
                var world = new World(random, (int)(baselineRpm * canaryShare), 0.01, errorFactor, latencyFactor, baselineRpm);
                var gate = new SequentialGate(Specs, Policy);
                GateVerdict verdict = GateVerdict.Inconclusive;
                int look;
                for (look = 1; look <= 100; look++)
                {
                    gate.Look(world.Minute());
                    verdict = gate.Result.Verdict;
                    if (verdict is GateVerdict.Fail or GateVerdict.Pass)
                    {
                        break;
                    }
                }

                fails += verdict == GateVerdict.Fail ? 1 : 0;
                passes += verdict == GateVerdict.Pass ? 1 : 0;
                looks.Add((awaited == MetricAnswer.Fail ? verdict == GateVerdict.Fail : verdict == GateVerdict.Pass) ? look : int.MaxValue);
            }

            looks.Sort();
            return (100.0 * fails / Trials, 100.0 * passes / Trials, looks[Trials / 2] == int.MaxValue ? double.NaN : looks[Trials / 2]);
        }

        var aa = Bake(0.25, 1, 1, MetricAnswer.Pass);
        rows.Add(new BenchRow("bake (a look a minute, up to 100): A/A failed (canary 50 rpm)", aa.Failed, 1, "%",
            $"passed {aa.Passed:0.0}%, median looks to the pass {aa.MedianLooks:0}"));
        var errors = Bake(0.25, 2, 1, MetricAnswer.Fail);
        rows.Add(new BenchRow("bake: x2 errors passed (canary 50 rpm)", errors.Passed, 2, "%", $"decided fail in {errors.Failed:0.0}%"));
        rows.Add(BenchRow.Info("bake: x2 errors, median looks to the decided fail (canary 50 rpm)", errors.MedianLooks, "looks"));
        var rich = Bake(1, 2, 1, MetricAnswer.Fail, baselineRpm: 1000);
        rows.Add(BenchRow.Info("bake: x2 errors, median looks to the decided fail (1000 rpm a side)", rich.MedianLooks, "looks", $"decided fail in {rich.Failed:0.0}%, passed {rich.Passed:0.0}%"));
        var latency = Bake(0.25, 1, 1.2, MetricAnswer.Fail);
        rows.Add(new BenchRow("bake: +20% p95 passed (canary 50 rpm)", latency.Passed, 2, "%", $"decided fail in {latency.Failed:0.0}%, median looks {latency.MedianLooks:0}"));
        var aaEqual = Bake(1, 1, 1, MetricAnswer.Pass);
        rows.Add(new BenchRow("bake: A/A failed (canary 200 rpm = baseline)", aaEqual.Failed, 1, "%", $"passed {aaEqual.Passed:0.0}%, median looks to the pass {aaEqual.MedianLooks:0}"));

        rows.AddRange(WatchRows(random));

        // Speed: 20 continuous metrics, 60 samples a side.
        var big = Enumerable.Range(0, 20).Select(i => new MetricSpec($"m{i}", MetricKind.Continuous, BadDirection.Both, 0.1, false, 1)).ToList();
        var world20 = new World(random, 200, 0.01, 1, 1.05);
        var bigData = big.Select(s => MetricObservation.Samples(s.Name, [.. Enumerable.Range(0, 60).Select(_ => world20.P95(200, 1))], [.. Enumerable.Range(0, 60).Select(_ => world20.P95(200, 1.05))])).ToList();
        Judge.Evaluate(big, bigData, GatePolicy.Default); // warm-up
        var elapsed = Measure.Median(21, () => Judge.Evaluate(big, bigData, GatePolicy.Default));
        rows.Add(BenchRow.Time("judge 20 metrics x 60 samples", elapsed, TimeSpan.FromMilliseconds(50)));
        return rows;
    }

    /// <summary>The watch after a full rollout: 100 looks, the release against a reference; false alarms and a late step.</summary>
    private static IEnumerable<BenchRow> WatchRows(Random random)
    {
        const int Looks = 100;
        (double Alarms, double Caught, double MedianDelay) Run(int releaseRpm, int referenceRpm, double errorRate, int stepAt, double factor, bool restarts = true)
        {
            var (alarms, caught, delays) = (0, 0, new List<int>());
            for (var t = 0; t < Trials; t++)
            {
                var release = new World(random, releaseRpm, errorRate, 1, 1, baselineRpm: referenceRpm);
                var watch = new Watch(Specs, Policy, restarts ? Looks : 0, (double)referenceRpm / releaseRpm);
                var alarmAt = 0;
                for (var look = 1; look <= Looks; look++)
                {
                    release.ErrorFactor = look >= stepAt ? factor : 1;
                    watch.Look(release.Minute());
                    if (watch.Verdict == WatchVerdict.Fail)
                    {
                        alarmAt = look;
                        break;
                    }
                }

                alarms += alarmAt > 0 && alarmAt < stepAt ? 1 : 0;
                caught += alarmAt >= stepAt ? 1 : 0;
                delays.Add(alarmAt >= stepAt ? alarmAt - stepAt + 1 : int.MaxValue);
            }

            delays.Sort();
            return (100.0 * alarms / Trials, 100.0 * caught / Trials, delays[Trials / 2] == int.MaxValue ? double.NaN : delays[Trials / 2]);
        }

        yield return new BenchRow("watch A/A: false alarms over 100 looks (release 200 rpm vs previous version 200 rpm)", Run(200, 200, 0.01, int.MaxValue, 1).Alarms, 1, "%");
        yield return new BenchRow("watch A/A: false alarms over 100 looks (5% holdout: 190 vs 10 rpm)", Run(190, 10, 0.01, int.MaxValue, 1).Alarms, 1, "%",
            "latency p95s are not compared against the holdout: biased low");
        foreach (var (rpm, rate) in new[] { (1000, 0.01), (200, 0.01) })
        {
            var late = Run(rpm, rpm, rate, 51, 2);
            var early = Run(rpm, rpm, rate, 1, 2);
            var old = Run(rpm, rpm, rate, 51, 2, restarts: false);
            var row = $"watch: x2 errors from look 51 caught by look 100 ({rpm} vs {rpm} rpm, {rate:0.#%} errors)";
            yield return rpm == 1000
                ? new BenchRow(row, 100 - late.Caught, 5, "% missed", $"caught {late.Caught:0.0}%, median delay {late.MedianDelay:0} looks (a step at look 1: {early.MedianDelay:0}); without restarts caught {old.Caught:0.0}%")
                : BenchRow.Info(row, late.Caught, "% caught", $"median delay {late.MedianDelay:0} looks (a step at look 1: {early.MedianDelay:0}); without restarts {old.Caught:0.0}%");
        }
    }

    /// <summary>Minutes of one world summed into one observation per metric, as metrics-gate gets them over its window.</summary>
    private static List<MetricObservation> Whole(List<List<MetricObservation>> minutes) =>
        [.. Specs.Select(s =>
        {
            var parts = minutes.Select(m => m.First(o => o.Name == s.Name)).ToList();
            return new MetricObservation(s.Name, [.. parts.SelectMany(p => p.Canary)], [.. parts.SelectMany(p => p.Baseline)],
                parts.Sum(p => p.CanaryEvents), parts.Sum(p => p.CanaryTrials), parts.Sum(p => p.BaselineEvents), parts.Sum(p => p.BaselineTrials));
        })];

    /// <summary>Kayenta's rule: a metric fails only when significantly worse beyond its tolerance (98% intervals), else it passes.</summary>
    private static bool KayentaPasses(List<MetricObservation> data) => Specs.Zip(data).All(p =>
    {
        var (spec, o) = p;
        if (spec.Kind == MetricKind.Continuous)
        {
            var test = MannWhitney.Test(o.Canary, o.Baseline, 0.98);
            var scale = Descriptive.Median(o.Baseline);
            return !(test.ConfidenceLow > 0 && test.Estimate / scale > spec.Tolerance);
        }

        if (o.CanaryEvents + o.BaselineEvents == 0)
        {
            return true;
        }

        var rates = RateTests.Proportions(o.CanaryEvents, (long)o.CanaryTrials, o.BaselineEvents, (long)o.BaselineTrials, 0.98);
        var baseRate = Math.Max(o.BaselineEvents / o.BaselineTrials, 1e-9);
        return !(rates.ConfidenceLow > 0 && rates.Estimate / baseRate > spec.Tolerance);
    });

    /// <summary>One minute of traffic on both sides: errors per error metric, one p95 per latency metric.</summary>
    private sealed class World(Random random, int canaryRpm, double errorRate, double errorFactor, double latencyFactor, int baselineRpm = BaselineRpm)
    {
        public double ErrorFactor { get; set; } = errorFactor;

        public List<MetricObservation> Minute()
        {
            var list = new List<MetricObservation>(Specs.Count);
            for (var i = 0; i < 4; i++)
            {
                var factor = i == 0 ? ErrorFactor : 1;
                list.Add(MetricObservation.Events($"errors-{i}", Binomial(canaryRpm, errorRate * factor), canaryRpm, Binomial(baselineRpm, errorRate), baselineRpm));
            }

            for (var i = 0; i < 6; i++)
            {
                list.Add(MetricObservation.Samples($"latency-{i}", [P95(canaryRpm, i == 0 ? latencyFactor : 1)], [P95(baselineRpm, 1)]));
            }

            return list;
        }

        private readonly double[] _latencies = new double[Math.Max(canaryRpm, baselineRpm)];

        /// <summary>The p95 of one minute's requests, log-normal latencies (median 100 ms, σ 0.5).</summary>
        public double P95(int requests, double factor)
        {
            for (var j = 0; j < requests; j++)
            {
                _latencies[j] = 100 * factor * Math.Exp(0.5 * Gaussian());
            }

            Array.Sort(_latencies, 0, requests);
            return _latencies[(int)Math.Ceiling(0.95 * requests) - 1];
        }

        private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

        private long Binomial(int trials, double p)
        {
            var hits = 0L;
            for (var i = 0; i < trials; i++)
            {
                hits += random.NextDouble() < p ? 1 : 0;
            }

            return hits;
        }
    }
}

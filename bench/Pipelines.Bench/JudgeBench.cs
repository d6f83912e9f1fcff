using System.Diagnostics;
using Pipelines.Core.Judging;
using Pipelines.Core.Statistics;

namespace Pipelines.Bench;

/// <summary>
/// The metrics gate's error rates by simulation, beside a Kayenta-style rule (every metric a Mann-Whitney at 98%, the
/// canary fails if any metric's interval leaves zero): A/A (identical canary) false fails, A/B detection of twice the
/// error rate and of a 20% slower p95, and the time to judge 20 metrics of 60 samples.
/// </summary>
internal static class JudgeBench
{
    private const int Runs = 1000;
    private const int Samples = 30;
    private const int Metrics = 10;

    public static IReadOnlyList<BenchRow> Run()
    {
        var random = new Random(20111030);
        var specs = new List<MetricSpec> { new("errors", MetricKind.Ratio, BadDirection.Increase, 0.10, true, 1) };
        specs.AddRange(Enumerable.Range(1, Metrics - 1).Select(i => new MetricSpec($"latency-{i}", MetricKind.Continuous, BadDirection.Increase, 0.10, false, 1)));

        double Rate(Func<Random, List<(MetricObservation Ours, (double[] Canary, double[] Baseline) Series)>> world, bool ours)
        {
            var blocked = 0;
            for (var run = 0; run < Runs; run++)
            {
                var data = world(random);
                blocked += ours
                    ? Judge.Evaluate(specs, [.. data.Select(d => d.Ours)], GatePolicy.Default).Verdict != GateVerdict.Pass ? 1 : 0
                    : data.Any(d => KayentaFails(d.Series)) ? 1 : 0;
            }

            return 100.0 * blocked / Runs;
        }

        // Each world: per interval, requests and errors (the ratio metric) and a p95 latency per metric.
        List<(MetricObservation, (double[], double[]))> World(Random r, double errorFactor, double latencyFactor)
        {
            var list = new List<(MetricObservation, (double[], double[]))>();
            var (canaryErrors, baselineErrors) = (Binomial(r, Samples * 1000, 0.01 * errorFactor), Binomial(r, Samples * 1000, 0.01));
            var canaryRates = Split(r, canaryErrors, Samples, 1000);
            var baselineRates = Split(r, baselineErrors, Samples, 1000);
            list.Add((MetricObservation.Events("errors", canaryErrors, Samples * 1000, baselineErrors, Samples * 1000), (canaryRates, baselineRates)));
            for (var i = 1; i < Metrics; i++)
            {
                var canary = P95s(r, i == 1 ? latencyFactor : 1);
                var baseline = P95s(r, 1);
                list.Add((MetricObservation.Samples($"latency-{i}", canary, baseline), (canary, baseline)));
            }

            return list;
        }

        var rows = new List<BenchRow>
        {
            new("gate A/A: identical canary blocked (false fails), 10 metrics x 30 samples, 1,000 runs", Rate(r => World(r, 1, 1), ours: true), 1, "%",
                $"Kayenta-style any-metric rule: {Rate(r => World(r, 1, 1), ours: false):0.0}%"),
        };
        var errorsCaught = Rate(r => World(r, 2, 1), ours: true);
        rows.Add(new BenchRow("gate A/B: twice the error rate missed (100 − detection)", 100 - errorsCaught, 5, "%",
            $"detected {errorsCaught:0.0}%; Kayenta-style {Rate(r => World(r, 2, 1), ours: false):0.0}%"));
        var latencyCaught = Rate(r => World(r, 1, 1.2), ours: true);
        rows.Add(new BenchRow("gate A/B: 20% slower p95 latency missed (100 − detection)", 100 - latencyCaught, 10, "%",
            $"detected {latencyCaught:0.0}%; Kayenta-style {Rate(r => World(r, 1, 1.2), ours: false):0.0}%"));

        // Watch mode: 100 looks at a release with the reference's error rate; false alarms against repeated fixed tests.
        var (sequentialAlarms, naiveAlarms) = (0, 0);
        for (var run = 0; run < Runs; run++)
        {
            var monitor = new SequentialRateMonitor(0.01, BadDirection.Increase);
            var (releaseErrors, referenceErrors, naive) = (0L, 0L, false);
            for (var look = 1; look <= 100; look++)
            {
                var (release, reference) = (Binomial(random, 1000, 0.01), Binomial(random, 1000, 0.01));
                monitor.Add(release, 1000, reference, 1000);
                (releaseErrors, referenceErrors) = (releaseErrors + release, referenceErrors + reference);
                naive |= RateTests.Proportions(releaseErrors, look * 1000L, referenceErrors, look * 1000L, 0.98).ConfidenceLow > 0;
            }

            sequentialAlarms += monitor.Alarm ? 1 : 0;
            naiveAlarms += naive ? 1 : 0;
        }

        rows.Add(new BenchRow("watch A/A: false alarms over 100 looks (alpha 1%), 1,000 runs", 100.0 * sequentialAlarms / Runs, 1, "%",
            $"a fixed 98% test repeated at every look: {100.0 * naiveAlarms / Runs:0.0}%"));

        // Watch mode on latency: per-interval p95s of 300 requests; the sequential sign test against a Mann-Whitney
        // test at 98% repeated at every look over the samples so far.
        var (shiftAlarms, naiveShiftAlarms) = (0, 0);
        const int LatencyRuns = 300;
        for (var run = 0; run < LatencyRuns; run++)
        {
            var monitor = new SequentialShiftMonitor(0.01, increaseIsBad: true, tolerance: 0);
            var (release, reference, naive) = (new List<double>(), new List<double>(), false);
            for (var look = 1; look <= 100; look++)
            {
                var (r, f) = (P95s(random, 1, 1)[0], P95s(random, 1, 1)[0]);
                monitor.Add(r, f);
                release.Add(r);
                reference.Add(f);
                naive |= look >= 5 && MannWhitney.Test([.. release], [.. reference], 0.98).ConfidenceLow > 0;
            }

            shiftAlarms += monitor.Alarm ? 1 : 0;
            naiveShiftAlarms += naive ? 1 : 0;
        }

        rows.Add(new BenchRow($"watch A/A latency: false alarms over 100 looks (alpha 1%), {LatencyRuns} runs", 100.0 * shiftAlarms / LatencyRuns, 1, "%",
            $"Mann-Whitney at 98% repeated at every look: {100.0 * naiveShiftAlarms / LatencyRuns:0.0}%"));
        var looksToAlarm = new List<int>();
        for (var run = 0; run < LatencyRuns; run++)
        {
            var monitor = new SequentialShiftMonitor(0.01, increaseIsBad: true, tolerance: 0.05);
            while (!monitor.Alarm && monitor.Looks < 100)
            {
                monitor.Add(P95s(random, 1.2, 1)[0], P95s(random, 1, 1)[0]);
            }

            looksToAlarm.Add(monitor.Alarm ? monitor.Looks : int.MaxValue);
        }

        looksToAlarm.Sort();
        var caught = looksToAlarm.Count(l => l != int.MaxValue);
        rows.Add(new BenchRow("watch A/B latency: 20% slower p95, median looks to the alarm", looksToAlarm[LatencyRuns / 2], 30, "looks",
            $"caught within 100 looks in {100.0 * caught / LatencyRuns:0.0}% of runs"));

        // Speed: 20 continuous metrics, 60 samples a side.
        var big = Enumerable.Range(0, 20).Select(i => new MetricSpec($"m{i}", MetricKind.Continuous, BadDirection.Both, 0.1, false, 1)).ToList();
        var bigData = big.Select(s => MetricObservation.Samples(s.Name, P95s(random, 1, 60), P95s(random, 1.05, 60))).ToList();
        Judge.Evaluate(big, bigData, GatePolicy.Default); // warm-up
        var elapsed = Measure.Median(21, () => Judge.Evaluate(big, bigData, GatePolicy.Default));
        rows.Add(BenchRow.Time("judge 20 metrics x 60 samples", elapsed, TimeSpan.FromMilliseconds(50)));
        return rows;
    }

    private static bool KayentaFails((double[] Canary, double[] Baseline) series)
    {
        if (series.Canary.Distinct().Count() == 1 && series.Baseline.Distinct().Count() == 1)
        {
            return series.Canary[0] != series.Baseline[0];
        }

        var test = MannWhitney.Test(series.Canary, series.Baseline, 0.98);
        return test.ConfidenceLow > 0 || test.ConfidenceHigh < 0;
    }

    /// <summary>
    /// p95 latency per one-minute interval, computed as a monitoring system does: from that minute's 300 requests,
    /// whose latencies are log-normal (median 100 ms, σ 0.5) — so the p95's own noise is the sampling noise of a
    /// percentile, not a number chosen here.
    /// </summary>
    private static double[] P95s(Random random, double factor, int count = Samples)
    {
        const int Requests = 300;
        var p95s = new double[count];
        var latencies = new double[Requests];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < Requests; j++)
            {
                latencies[j] = 100 * factor * Math.Exp(0.5 * Gaussian(random));
            }

            Array.Sort(latencies);
            p95s[i] = latencies[(int)Math.Ceiling(0.95 * Requests) - 1];
        }

        return p95s;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static long Binomial(Random random, int trials, double p)
    {
        // Normal approximation: thousands of trials per side.
        var mean = trials * p;
        return Math.Max(0, (long)Math.Round(mean + (Math.Sqrt(mean * (1 - p)) * Gaussian(random))));
    }

    /// <summary>Spreads a total of errors over intervals of equal traffic, as per-interval rates.</summary>
    private static double[] Split(Random random, long errors, int intervals, int requestsPerInterval)
    {
        var counts = new int[intervals];
        for (var e = 0; e < errors; e++)
        {
            counts[random.Next(intervals)]++;
        }

        return [.. counts.Select(c => (double)c / requestsPerInterval)];
    }
}

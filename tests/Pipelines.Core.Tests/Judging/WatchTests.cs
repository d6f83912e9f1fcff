using Pipelines.Core.Judging;

namespace Pipelines.Core.Tests.Judging;

/// <summary>The watch mode: continuous metrics by the sequential sign test, and the family of metrics together.</summary>
[TestClass]
public sealed class WatchTests
{
    /// <summary>A per-interval p95 in ms: log-normal around <paramref name="median"/>, 15% spread.</summary>
    private static double P95(Random random, double median)
    {
        var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return median * Math.Exp(0.15 * gaussian);
    }

    private static readonly MetricSpec Latency = new("latency-p95", MetricKind.Continuous, BadDirection.Increase, 0.05, false, 1);
    private static readonly MetricSpec Errors = new("errors", MetricKind.Ratio, BadDirection.Increase, 0.1, true, 2);

    [TestMethod]
    public void An_unchanged_release_rarely_alarms_on_latency_however_often_it_is_looked_at()
    {
        var random = new Random(11);
        var alarms = 0;
        const int Runs = 400;
        for (var run = 0; run < Runs; run++)
        {
            var monitor = new SequentialShiftMonitor(0.05, increaseIsBad: true, tolerance: 0);
            for (var look = 0; look < 120 && !monitor.Alarm; look++)
            {
                monitor.Add(P95(random, 200), P95(random, 200));
            }

            alarms += monitor.Alarm ? 1 : 0;
        }

        Assert.IsLessThanOrEqualTo(0.05 * Runs, alarms); // Ville: at most α of runs over all 120 looks
    }

    [TestMethod]
    public void A_release_thirty_percent_slower_alarms_in_about_fifteen_looks_and_always_within_the_watch()
    {
        var random = new Random(12);
        var looks = new List<int>();
        for (var run = 0; run < 100; run++)
        {
            var monitor = new SequentialShiftMonitor(0.01, increaseIsBad: true, tolerance: 0.05);
            while (!monitor.Alarm && monitor.Looks < 120)
            {
                monitor.Add(P95(random, 260), P95(random, 200));
            }

            Assert.IsTrue(monitor.Alarm, $"run {run}: no alarm in 120 looks");
            looks.Add(monitor.Looks);
        }

        looks.Sort();
        Assert.IsLessThanOrEqualTo(20, looks[50], "median looks to the alarm");
    }

    [TestMethod]
    public void A_slowdown_inside_the_tolerance_does_not_alarm()
    {
        var random = new Random(13);
        var monitor = new SequentialShiftMonitor(0.01, increaseIsBad: true, tolerance: 0.2);
        for (var look = 0; look < 120; look++)
        {
            monitor.Add(P95(random, 210), P95(random, 200));
        }

        Assert.IsFalse(monitor.Alarm, $"e-value {monitor.EValue}");
    }

    [TestMethod]
    public void A_faster_release_never_counts_against_it_when_only_increases_are_bad()
    {
        var monitor = new SequentialShiftMonitor(0.01, increaseIsBad: true, tolerance: 0);
        for (var look = 0; look < 50; look++)
        {
            monitor.Add(100, 200);
        }

        Assert.IsFalse(monitor.Alarm);
        Assert.IsLessThan(0.05, monitor.EValue, "the evidence only shrinks");
        Assert.AreEqual((0, 50), monitor.Tally);
    }

    [TestMethod]
    public void The_watch_fails_on_the_first_metric_to_alarm_and_names_it()
    {
        var watch = new Watch([Latency, Errors], GatePolicy.Default);
        for (var look = 0; look < 40 && watch.Verdict != WatchVerdict.Fail; look++)
        {
            watch.Look(
            [
                new MetricObservation("latency-p95", [200], [200]),
                MetricObservation.Events("errors", 30, 1000, 10, 1000),
            ]);
        }

        Assert.AreEqual(WatchVerdict.Fail, watch.Verdict);
        var standing = watch.Standings.Single(s => s.Alarm);
        Assert.AreEqual("errors", standing.Name);
        Assert.IsFalse(watch.Standings.Single(s => s.Name == "latency-p95").Alarm, "equal latency is no evidence");
    }

    [TestMethod]
    public void Incomplete_intervals_are_skipped_and_a_watch_with_only_those_is_inconclusive()
    {
        var watch = new Watch([Errors], GatePolicy.Default);

        for (var look = 0; look < 10; look++)
        {
            watch.Look([MetricObservation.Events("errors", 500, 1000, 1, 1000) with { Complete = false }]);
        }

        Assert.AreEqual(WatchVerdict.Inconclusive, watch.Verdict);
        Assert.AreEqual(10, watch.Looks);
        Assert.AreEqual(0, watch.Standings.Single().Informative);
    }

    [TestMethod]
    public void The_familys_alpha_is_split_across_metrics_and_across_both_sides()
    {
        var watch = new Watch([Latency, Errors with { Bad = BadDirection.Both }, Latency with { Name = "cpu", Bad = BadDirection.Both }], GatePolicy.Default with { FamilyAlpha = 0.03 });

        var summaries = watch.Standings.Select(s => s.Summary).ToList();

        StringAssert.Contains(summaries[0], "alarm at 100)"); // 0.03 / 3
        StringAssert.Contains(summaries[1], "alarm at 100)"); // the rate test covers both sides itself
        StringAssert.Contains(summaries[2], "alarm at 200)"); // two one-sided tests at α/2
    }
}

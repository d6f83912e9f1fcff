using Pipelines.Core.Judging;

namespace Pipelines.Core.Tests.Judging;

[TestClass]
public sealed class SequentialRateMonitorTests
{
    private static int Poisson(Random random, double mean)
    {
        // Knuth for small means, normal beyond.
        if (mean > 50)
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * gaussian)));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var product = random.NextDouble();
        while (product > limit)
        {
            k++;
            product *= random.NextDouble();
        }

        return k;
    }

    [TestMethod]
    public void An_unchanged_release_rarely_alarms_however_often_it_is_looked_at()
    {
        var random = new Random(7);
        var alarms = 0;
        for (var run = 0; run < 300; run++)
        {
            var monitor = new SequentialRateMonitor(0.05, BadDirection.Increase);
            for (var look = 0; look < 100 && !monitor.Alarm; look++)
            {
                monitor.Add(Poisson(random, 10), 1000, Poisson(random, 10), 1000);
            }

            alarms += monitor.Alarm ? 1 : 0;
        }

        Assert.IsLessThanOrEqualTo(0.05 * 300, alarms); // Ville: at most α of runs, over all 100 looks
    }

    [TestMethod]
    public void Twice_the_error_rate_alarms_within_a_few_looks()
    {
        var random = new Random(8);
        var monitor = new SequentialRateMonitor(0.01, BadDirection.Increase);
        while (!monitor.Alarm && monitor.Looks < 100)
        {
            monitor.Add(Poisson(random, 20), 1000, Poisson(random, 10), 1000);
        }

        Assert.IsTrue(monitor.Alarm);
        Assert.IsLessThan(20, monitor.Looks);
    }

    [TestMethod]
    public void A_better_release_does_not_alarm_when_only_increases_are_bad()
    {
        var monitor = new SequentialRateMonitor(0.01, BadDirection.Increase);
        for (var look = 0; look < 50; look++)
        {
            monitor.Add(2, 1000, 20, 1000);
        }

        Assert.IsFalse(monitor.Alarm);
        Assert.IsLessThan(1, monitor.EValue);
    }

    [TestMethod]
    public void Intervals_without_events_change_nothing()
    {
        var monitor = new SequentialRateMonitor(0.01, BadDirection.Both);
        var before = monitor.EValue;

        monitor.Add(0, 1000, 0, 1000);

        Assert.AreEqual(before, monitor.EValue, 1e-12);
        Assert.AreEqual(1, monitor.Looks);
    }
}

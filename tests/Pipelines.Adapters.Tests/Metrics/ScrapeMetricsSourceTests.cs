using Pipelines.Adapters.Http;
using Pipelines.Adapters.Metrics;
using Pipelines.Core.Judging;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Metrics;

/// <summary>The scrape provider against live /metrics endpoints on 127.0.0.1 whose counters grow as they are read.</summary>
[TestClass]
public sealed class ScrapeMetricsSourceTests
{
    /// <summary>An instance that serves 100 more requests and <paramref name="errorsPerScrape"/> more errors per scrape.</summary>
    private static FaultServer Instance(int errorsPerScrape, double p95, int restartAt = -1)
    {
        var scrapes = 0;
        return new FaultServer(_ =>
        {
            var n = Interlocked.Increment(ref scrapes);
            var counted = restartAt > 0 && n >= restartAt ? n - restartAt + 1 : n; // a restart sets counters back to zero
            return new FaultResponse(200, $$"""
                # TYPE requests_total counter
                requests_total{code="200"} {{counted * (100 - errorsPerScrape)}}
                requests_total{code="500"} {{counted * errorsPerScrape}}
                latency_p95_seconds {{p95.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
                """);
        });
    }

    private static MetricQuery[] Queries =>
    [
        new("errors", MetricKind.Ratio, "requests_total{code=~\"5..\"} / requests_total"),
        new("latency", MetricKind.Continuous, "latency_p95_seconds"),
        new("error-count", MetricKind.Count, "requests_total{code=\"500\"}"),
    ];

    [TestMethod]
    public async Task Counters_become_events_and_trials_over_the_window_and_gauges_one_sample_per_interval()
    {
        using var canary = Instance(errorsPerScrape: 10, p95: 0.3);
        using var baseline = Instance(errorsPerScrape: 1, p95: 0.2);
        using var http = new HttpClient();
        var source = new ScrapeMetricsSource(http, [new Uri(canary.BaseAddress, "metrics")], [new Uri(baseline.BaseAddress, "metrics")],
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));

        var observations = (await source.FetchAsync(Queries, CancellationToken.None)).ToDictionary(o => o.Name);

        var errors = observations["errors"];
        Assert.AreEqual(50, errors.CanaryEvents); // 5 intervals of 10
        Assert.AreEqual(500, errors.CanaryTrials);
        Assert.AreEqual(5, errors.BaselineEvents);
        Assert.IsTrue(errors.Complete);
        CollectionAssert.AreEqual(Enumerable.Repeat(0.3, 6).ToArray(), observations["latency"].Canary.ToArray());
        Assert.AreEqual(0.5, observations["error-count"].CanaryTrials, 1e-9); // no denominator: seconds of exposure
    }

    [TestMethod]
    public async Task A_NaN_gauge_is_a_missed_sample_never_a_value_the_judge_sees()
    {
        // A p95 of no requests is NaN in many clients; it once made the interval NaN, which the judge took for a pass.
        var scrapes = 0;
        using var canary = new FaultServer(_ => new FaultResponse(200,
            $"latency_p95_seconds {(Interlocked.Increment(ref scrapes) % 3 == 0 ? "NaN" : "0.6")}\n"));
        using var baseline = Instance(errorsPerScrape: 1, p95: 0.3);
        using var http = new HttpClient();
        var source = new ScrapeMetricsSource(http, [new Uri(canary.BaseAddress, "metrics")], [new Uri(baseline.BaseAddress, "metrics")],
            TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500));

        var latency = (await source.FetchAsync([new MetricQuery("latency", MetricKind.Continuous, "latency_p95_seconds")], CancellationToken.None)).Single();

        Assert.IsTrue(latency.Canary.All(double.IsFinite), string.Join(",", latency.Canary));
        Assert.IsLessThan(11, latency.Canary.Count, "the NaN scrapes are left out");
        GateChecks.Validate(new MetricSpec("latency", MetricKind.Continuous, BadDirection.Increase, 0.1, false, 1), latency);
    }

    [TestMethod]
    public async Task A_restarted_instance_counts_from_zero_instead_of_going_negative()
    {
        using var canary = Instance(errorsPerScrape: 10, p95: 0.3, restartAt: 4);
        using var baseline = Instance(errorsPerScrape: 1, p95: 0.2);
        using var http = new HttpClient();
        var source = new ScrapeMetricsSource(http, [new Uri(canary.BaseAddress, "metrics")], [new Uri(baseline.BaseAddress, "metrics")],
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));

        var errors = (await source.FetchAsync(Queries, CancellationToken.None)).Single(o => o.Name == "errors");

        Assert.AreEqual(50, errors.CanaryEvents);
        Assert.AreEqual(500, errors.CanaryTrials);
    }

    [TestMethod]
    public async Task An_instance_that_does_not_answer_makes_the_data_incomplete_never_a_pass()
    {
        using var baseline = Instance(errorsPerScrape: 1, p95: 0.2);
        using var http = new HttpClient();
        var source = new ScrapeMetricsSource(http, [new Uri("http://127.0.0.1:9/metrics")], [new Uri(baseline.BaseAddress, "metrics")],
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));

        var observations = await source.FetchAsync(Queries, CancellationToken.None);

        Assert.IsTrue(observations.All(o => !o.Complete));
    }

    private static readonly Dictionary<string, string> RetryAfterOne = new() { ["Retry-After"] = "1" };

    [TestMethod]
    public async Task A_scrape_turned_away_with_503_is_asked_again_after_the_wait_the_instance_names()
    {
        using var canary = Instance(errorsPerScrape: 10, p95: 0.3).Then(new FaultResponse(503, Headers: RetryAfterOne));
        using var baseline = Instance(errorsPerScrape: 1, p95: 0.2);
        using var http = new HttpClient();
        var source = new ScrapeMetricsSource(http, [new Uri(canary.BaseAddress, "metrics")], [new Uri(baseline.BaseAddress, "metrics")],
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var observations = await source.FetchAsync(Queries, CancellationToken.None);

        Assert.IsTrue(observations.All(o => o.Complete), "the retried scrape is not missed");
        Assert.HasCount(3, canary.Requests, "two rounds, the first asked twice");
        Assert.HasCount(2, baseline.Requests);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), watch.Elapsed, "Retry-After was waited");
        Assert.IsLessThan(HttpRetryOptions.Scrape.TotalTimeout * 2, watch.Elapsed);
    }

    [TestMethod]
    public async Task An_instance_that_keeps_answering_503_is_given_up_within_the_scrape_budget_and_counted_missing()
    {
        using var canary = new FaultServer(_ => new FaultResponse(503, Headers: RetryAfterOne));
        using var baseline = Instance(errorsPerScrape: 1, p95: 0.2);
        using var http = new HttpClient();
        var source = new ScrapeMetricsSource(http, [new Uri(canary.BaseAddress, "metrics")], [new Uri(baseline.BaseAddress, "metrics")],
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var observations = await source.FetchAsync(Queries, CancellationToken.None);

        Assert.IsTrue(observations.All(o => !o.Complete));
        var rounds = 2;
        Assert.HasCount(rounds * (HttpRetryOptions.Scrape.MaxRetries + 1), canary.Requests, "every scrape tried as often as the budget allows, no more");
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(rounds * HttpRetryOptions.Scrape.MaxRetries * 0.9), watch.Elapsed, "each Retry-After was waited");
        Assert.IsLessThan(HttpRetryOptions.Scrape.TotalTimeout * rounds + TimeSpan.FromSeconds(1), watch.Elapsed, "each scrape ends within its budget");
    }
}


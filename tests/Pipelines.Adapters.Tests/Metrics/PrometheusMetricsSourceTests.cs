using System.Globalization;
using Pipelines.Adapters.Http;
using Pipelines.Adapters.Metrics;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Metrics;

/// <summary>
/// The prometheus provider against a real Prometheus server scraping two live exporters every second: a canary
/// (version v2) that fails 10% of its requests and a baseline (v1) that fails 1%.
/// </summary>
[TestClass]
public sealed class PrometheusMetricsSourceTests
{
    private static FaultServer? s_canary;
    private static FaultServer? s_baseline;
    private static PrometheusServer? s_prometheus;

    private static readonly Dictionary<string, string> Canary = new() { ["version"] = "v2" };
    private static readonly Dictionary<string, string> Baseline = new() { ["version"] = "v1" };

    private static readonly HttpRetryOptions Fast = new(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

    /// <summary>An exporter that served 100 more requests, <paramref name="errors"/> of them failed, since its last scrape.</summary>
    private static FaultServer Exporter(int errors, double p95)
    {
        var scrapes = 0;
        return new FaultServer(_ =>
        {
            var n = Interlocked.Increment(ref scrapes);
            var jitter = (n % 3 - 1) * 0.01;
            return new FaultResponse(200, $$"""
                # TYPE http_requests_total counter
                http_requests_total{code="200"} {{n * (100 - errors)}}
                http_requests_total{code="500"} {{n * errors}}
                # TYPE latency_p95_seconds gauge
                latency_p95_seconds {{(p95 + jitter).ToString(CultureInfo.InvariantCulture)}}
                """);
        });
    }

    [ClassInitialize]
    public static void StartServers(TestContext context)
    {
        s_canary = Exporter(errors: 10, p95: 0.30);
        s_baseline = Exporter(errors: 1, p95: 0.20);
        s_prometheus = new PrometheusServer(
        [
            (new Uri(s_canary.BaseAddress, "metrics"), Canary),
            (new Uri(s_baseline.BaseAddress, "metrics"), Baseline),
        ]);
        s_prometheus.WaitForScrapes(scrapes: 8, targets: 2);
    }

    [ClassCleanup]
    public static void StopServers()
    {
        s_prometheus?.Dispose();
        s_canary?.Dispose();
        s_baseline?.Dispose();
    }

    private static PrometheusMetricsSource Source(HttpClient http, Uri? server = null) =>
        new(http, server ?? s_prometheus!.BaseAddress, Canary, Baseline, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6), retry: Fast);

    [TestMethod]
    public async Task Counters_and_gauges_are_read_from_a_real_Prometheus_split_by_version_and_judged()
    {
        using var http = new HttpClient();
        MetricQuery[] queries =
        [
            new("errors", MetricKind.Ratio, "http_requests_total{code=~\"5..\", {selector}} / http_requests_total{{selector}}"),
            new("error-count", MetricKind.Count, "http_requests_total{code=\"500\", {selector}}"),
            new("latency", MetricKind.Continuous, "latency_p95_seconds{{selector}}"),
        ];

        var observations = (await Source(http).FetchAsync(queries, CancellationToken.None)).ToDictionary(o => o.Name);

        var errors = observations["errors"];
        Assert.IsTrue(errors.Complete);
        Assert.AreEqual(0.10, errors.CanaryEvents / errors.CanaryTrials, 0.01, "the canary fails 10%");
        Assert.AreEqual(0.01, errors.BaselineEvents / errors.BaselineTrials, 0.005, "the baseline fails 1%");
        Assert.AreEqual(6, observations["error-count"].CanaryTrials, 1e-9, "a count without exposure is per second of window");
        var latency = observations["latency"];
        Assert.IsTrue(latency.Canary.Count >= 5 && latency.Baseline.Count >= 5, $"one sample per step: {latency.Canary.Count}, {latency.Baseline.Count}");
        Assert.IsTrue(latency.Canary.All(v => v is > 0.28 and < 0.32) && latency.Baseline.All(v => v is > 0.18 and < 0.22));

        var result = Judge.Evaluate(
            [new MetricSpec("errors", MetricKind.Ratio, BadDirection.Increase, 0.1, true, 1), new MetricSpec("latency", MetricKind.Continuous, BadDirection.Increase, 0.1, false, 1)],
            [errors, latency], GatePolicy.Default with { MinSamples = 5 });
        Assert.AreEqual(GateVerdict.Fail, result.Verdict);
    }

    [TestMethod]
    public async Task A_query_Prometheus_rejects_is_bad_input_naming_the_metric()
    {
        using var http = new HttpClient();

        var error = await Assert.ThrowsExactlyAsync<InputException>(() =>
            Source(http).FetchAsync([new MetricQuery("latency", MetricKind.Continuous, "latency_p95_seconds{{selector}")], CancellationToken.None));

        StringAssert.Contains(error.Message, "'latency'");
        StringAssert.Contains(error.Message, "Prometheus rejects the query");
    }

    [TestMethod]
    public async Task A_partial_answer_or_a_server_that_keeps_failing_is_incomplete_never_a_pass()
    {
        using var http = new HttpClient();
        using var partial = new FaultServer(_ => new FaultResponse(200,
            """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"0.2"],[2,"0.2"]]}]},"warnings":["partial response: store unavailable"]}"""));
        using var failing = new FaultServer(_ => new FaultResponse(503, """{"status":"error","errorType":"unavailable","error":"overloaded"}"""));
        var query = new MetricQuery("latency", MetricKind.Continuous, "latency_p95_seconds{{selector}}");

        var fromPartial = (await Source(http, partial.BaseAddress).FetchAsync([query], CancellationToken.None)).Single();
        var fromFailing = (await Source(http, failing.BaseAddress).FetchAsync([query], CancellationToken.None)).Single();

        Assert.IsFalse(fromPartial.Complete);
        Assert.IsFalse(fromFailing.Complete);
        Assert.IsTrue(failing.Requests.Count > 1, "retried before giving up");
        var spec = new MetricSpec("latency", MetricKind.Continuous, BadDirection.Increase, 0.1, false, 1);
        Assert.AreNotEqual(GateVerdict.Pass, Judge.Evaluate([spec], [fromPartial], GatePolicy.Default with { MinSamples = 5 }).Verdict);
    }

    private const string Matrix = """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"0.2"],[2,"0.2"]]}]}}""";

    // Issue #20's fault matrix for Prometheus: each fault's retry count and total time, on the Fast budget (2 retries,
    // 2 s an attempt). A continuous metric asks twice (canary, then baseline); a side that fails ends the metric.
    [TestMethod]
    [DataRow("429 with Retry-After", true, 3, 0.9, 5.0)]
    [DataRow("503", false, 3, 0.0, 5.0)]
    [DataRow("hang", false, 3, 5.5, 9.0)]
    [DataRow("truncated", false, 3, 0.0, 5.0)]
    [DataRow("garbage", false, 1, 0.0, 5.0)]
    public async Task A_fault_is_retried_as_counted_within_its_time_and_only_ever_incomplete(string fault, bool complete, int requests, double atLeastSeconds, double atMostSeconds)
    {
        using var http = new HttpClient();
        using var server = fault switch
        {
            "429 with Retry-After" => new FaultServer(_ => new FaultResponse(200, Matrix)).Then(new FaultResponse(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" })),
            "503" => new FaultServer(_ => new FaultResponse(503, """{"status":"error","errorType":"unavailable","error":"overloaded"}""")),
            "hang" => new FaultServer(_ => new FaultResponse(200, Matrix, Delay: TimeSpan.FromSeconds(30))),
            "truncated" => new FaultServer(_ => new FaultResponse(200, Matrix, Truncated: true)),
            _ => new FaultServer(_ => new FaultResponse(200, "<html>proxy error</html>")),
        };
        var query = new MetricQuery("latency", MetricKind.Continuous, "latency_p95_seconds{{selector}}");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var observation = (await Source(http, server.BaseAddress).FetchAsync([query], CancellationToken.None)).Single();

        Assert.AreEqual(complete, observation.Complete, fault);
        Assert.HasCount(requests, server.Requests, fault);
        Assert.IsGreaterThanOrEqualTo(atLeastSeconds, watch.Elapsed.TotalSeconds, fault);
        Assert.IsLessThan(atMostSeconds, watch.Elapsed.TotalSeconds, fault);
    }

    [TestMethod]
    public void Selectors_names_and_durations_are_put_into_the_template_with_values_escaped()
    {
        using var http = new HttpClient();
        var source = new PrometheusMetricsSource(http, new Uri("http://127.0.0.1:1/"), new Dictionary<string, string> { ["version"] = "v\"2", ["slot"] = "canary" }, Baseline,
            TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));

        var expanded = source.Expand("rate(x{{selector}}[{interval}]) by {slot} over {window}", new Dictionary<string, string> { ["version"] = "v\"2", ["slot"] = "canary" });

        Assert.AreEqual("rate(x{version=\"v\\\"2\", slot=\"canary\"}[60s]) by canary over 600s", expanded);
    }
}

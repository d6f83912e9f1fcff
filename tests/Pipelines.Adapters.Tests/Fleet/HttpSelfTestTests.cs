using System.Diagnostics;
using Pipelines.Adapters.Fleet;
using Pipelines.Adapters.Http;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Fleet;

/// <summary>
/// Issue #15: the self-test's probes go through the one retry policy on their own budget, against hosts on 127.0.0.1
/// that turn probes away. A retry may wait out a host that asks for it, never hide a host that keeps failing.
/// </summary>
[TestClass]
public sealed class HttpSelfTestTests
{
    private static readonly Dictionary<string, string> RetryAfterOne = new() { ["Retry-After"] = "1" };

    private static readonly SelfTestCheck[] Health = [new("/health", Contains: "ok")];

    private static HttpSelfTest SelfTest(HttpClient http, TimeSpan deadline) => new(http, "http://{host}", Health, deadline);

    [TestMethod]
    public async Task A_host_that_turns_a_probe_away_with_503_is_asked_again_after_the_wait_it_names_and_passes()
    {
        using var host = new FaultServer(_ => new FaultResponse(200, "ok")).Then(new FaultResponse(503, Headers: RetryAfterOne));
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();

        var (ok, detail) = await SelfTest(http, TimeSpan.FromSeconds(10)).CheckAsync([host.BaseAddress.Authority], CancellationToken.None);

        Assert.IsTrue(ok, detail);
        Assert.HasCount(2, host.Requests, "the 503, then the answer: the probe's retry, not the self-test's 250 ms loop, asked again");
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), watch.Elapsed, "Retry-After was waited");
        Assert.IsLessThan(TimeSpan.FromSeconds(10), watch.Elapsed);
    }

    [TestMethod]
    public async Task A_host_that_keeps_answering_503_still_fails_the_self_test_within_its_deadline_and_one_probe()
    {
        using var host = new FaultServer(_ => new FaultResponse(503, Headers: RetryAfterOne));
        using var http = new HttpClient();
        var deadline = TimeSpan.FromSeconds(2);
        var watch = Stopwatch.StartNew();

        var (ok, detail) = await SelfTest(http, deadline).CheckAsync([host.BaseAddress.Authority], CancellationToken.None);

        Assert.IsFalse(ok);
        StringAssert.Contains(detail, "/health: status 503, expected 200");

        // One probe: its two waits of a second outlast the 2 s deadline, so the self-test stops after it.
        Assert.HasCount(HttpRetryOptions.Probe.MaxRetries + 1, host.Requests);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(HttpRetryOptions.Probe.MaxRetries * 0.9), watch.Elapsed);
        Assert.IsLessThan(deadline + HttpRetryOptions.Probe.AttemptTimeout, watch.Elapsed, "the bound: the deadline, and at most one probe's first attempt past it");
    }

    [TestMethod]
    public async Task A_probe_waits_no_longer_than_the_deadline_leaves_even_when_the_host_asks_for_more()
    {
        using var host = new FaultServer(_ => new FaultResponse(503, Headers: new Dictionary<string, string> { ["Retry-After"] = "3600" }));
        using var http = new HttpClient();
        var budget = HttpRetryOptions.Probe with { AttemptTimeout = TimeSpan.FromSeconds(1) };
        var watch = Stopwatch.StartNew();

        var (ok, detail) = await new HttpSelfTest(http, "http://{host}", Health, TimeSpan.FromSeconds(1), retry: budget)
            .CheckAsync([host.BaseAddress.Authority], CancellationToken.None);

        Assert.IsFalse(ok);
        StringAssert.Contains(detail, "/health: no answer (gave up after 1 attempt: turned away: 503 Service Unavailable)");
        Assert.HasCount(1, host.Requests);
        Assert.IsLessThan(TimeSpan.FromSeconds(5), watch.Elapsed, "an hour's Retry-After is not waited");
    }
}

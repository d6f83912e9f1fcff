using System.Diagnostics;
using System.Net;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Http;

/// <summary>The retry policy every adapter uses, against a local server that misbehaves on cue.</summary>
[TestClass]
public sealed class RetryingHttpClientTests
{
    // Attempts get 5 s so that a busy CI machine never turns a prompt answer into a timeout; the timeout tests use Impatient.
    private static readonly HttpRetryOptions Fast = new(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));

    private static readonly HttpRetryOptions Impatient = Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(500) };

    private static (RetryingHttpClient Client, HttpClient Http) Client(FaultServer server, HttpRetryOptions? options = null)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress };
        return (new RetryingHttpClient(http, "Test API", options ?? Fast), http);
    }

    private static Func<HttpRequestMessage> Get(string path) => () => new HttpRequestMessage(HttpMethod.Get, path);

    private static Func<HttpRequestMessage> Post(string path) => () => new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{\"body\":\"hi\"}") };

    [TestMethod]
    public async Task A_429_is_retried_after_the_wait_the_server_asks_for()
    {
        using var server = new FaultServer().Then(new FaultResponse(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }));
        var (client, http) = Client(server);
        using var _ = http;
        var watch = Stopwatch.StartNew();

        using var response = await client.SendAsync(Get("/repos"), CancellationToken.None);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.HasCount(2, server.Requests);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), watch.Elapsed);
    }

    [TestMethod]
    public async Task An_exhausted_GitHub_rate_limit_waits_for_its_reset()
    {
        var reset = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var server = new FaultServer().Then(new FaultResponse(403, "{\"message\":\"API rate limit exceeded\"}",
            new Dictionary<string, string> { ["x-ratelimit-remaining"] = "0", ["x-ratelimit-reset"] = reset }));
        var (client, http) = Client(server);
        using var _ = http;

        using var response = await client.SendAsync(Get("/rate"), CancellationToken.None);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.HasCount(2, server.Requests);
    }

    [TestMethod]
    public async Task Server_errors_are_retried_until_an_answer_comes()
    {
        using var server = new FaultServer().Then(new FaultResponse(502), new FaultResponse(503));
        var (client, http) = Client(server);
        using var _ = http;

        using var response = await client.SendAsync(Get("/x"), CancellationToken.None);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.HasCount(3, server.Requests);
    }

    [TestMethod]
    public async Task A_slow_answer_is_abandoned_and_the_request_tried_again()
    {
        using var server = new FaultServer().Then(new FaultResponse(200, "late", Delay: TimeSpan.FromSeconds(3)));
        var (client, http) = Client(server, Impatient);
        using var _ = http;

        using var response = await client.SendAsync(Get("/slow"), CancellationToken.None);

        Assert.AreEqual("{}", await response.Content.ReadAsStringAsync());
        Assert.HasCount(2, server.Requests);
    }

    [TestMethod]
    public async Task When_retries_run_out_the_outside_system_failed_and_is_named()
    {
        using var server = new FaultServer(_ => new FaultResponse(500, "{\"message\":\"boom\"}"));
        var (client, http) = Client(server);
        using var _ = http;

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => client.SendAsync(Get("/x"), CancellationToken.None));

        Assert.AreEqual("Test API: gave up after 3 attempts: 500 Internal Server Error", error.Message);
    }

    [TestMethod]
    public async Task A_client_error_is_the_callers_to_read_and_is_not_retried()
    {
        using var server = new FaultServer(_ => new FaultResponse(404, "{\"message\":\"Not Found\"}"));
        var (client, http) = Client(server);
        using var _ = http;

        using var response = await client.SendAsync(Get("/missing"), CancellationToken.None);

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.HasCount(1, server.Requests);
    }

    [TestMethod]
    public async Task A_write_whose_answer_was_lost_is_looked_for_and_not_repeated()
    {
        // The server makes the comment, then answers too late: the comment exists, the client does not know it.
        var comments = 0;
        using var server = new FaultServer(request =>
        {
            if (request.Method == "POST")
            {
                Interlocked.Increment(ref comments);
                return new FaultResponse(201, "{}", Delay: TimeSpan.FromSeconds(3));
            }

            return new FaultResponse(200, $"[{string.Join(',', Enumerable.Repeat("{}", comments))}]");
        });
        var (client, http) = Client(server, Impatient);
        using var _ = http;

        var response = await client.SendOnceAsync(Post("/comments"), async token =>
        {
            using var list = await http.GetAsync(new Uri("/comments", UriKind.Relative), token);
            return (await list.Content.ReadAsStringAsync(token)).Contains("{}", StringComparison.Ordinal);
        }, CancellationToken.None);

        Assert.IsNull(response, "the write was found done");
        Assert.AreEqual(1, comments);
    }

    [TestMethod]
    public async Task A_write_turned_away_with_429_is_repeated_without_looking()
    {
        using var server = new FaultServer().Then(new FaultResponse(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "0" }));
        var (client, http) = Client(server);
        using var _ = http;
        var looked = false;

        using var response = await client.SendOnceAsync(Post("/comments"), _ => { looked = true; return Task.FromResult(false); }, CancellationToken.None);

        Assert.AreEqual(HttpStatusCode.OK, response!.StatusCode);
        Assert.IsFalse(looked);
        Assert.AreEqual(2, server.Requests.Count(r => r.Method == "POST"));
    }

    [TestMethod]
    public async Task A_write_that_failed_without_effect_is_repeated()
    {
        using var server = new FaultServer().Then(new FaultResponse(502));
        var (client, http) = Client(server);
        using var _ = http;

        using var response = await client.SendOnceAsync(Post("/statuses"), _ => Task.FromResult(false), CancellationToken.None);

        Assert.AreEqual(HttpStatusCode.OK, response!.StatusCode);
        Assert.AreEqual(2, server.Requests.Count(r => r.Method == "POST"));
    }

    [TestMethod]
    public async Task A_probe_of_a_server_that_keeps_failing_gets_its_last_answer_after_the_retries_to_judge()
    {
        using var server = new FaultServer(_ => new FaultResponse(503, "down"));
        var (client, http) = Client(server);
        using var _ = http;

        var answer = await client.ProbeAsync(Get("/health"), CancellationToken.None);

        using var response = answer.Response;
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.AreEqual("down", await response.Content.ReadAsStringAsync());
        Assert.AreEqual(Fast.MaxRetries + 1, answer.Attempts);
        Assert.HasCount(Fast.MaxRetries + 1, server.Requests);
    }

    [TestMethod]
    public async Task A_probe_times_only_its_last_attempt_not_the_waits_before_it()
    {
        using var server = new FaultServer().Then(new FaultResponse(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }));
        var (client, http) = Client(server);
        using var _ = http;

        var answer = await client.ProbeAsync(Get("/health"), CancellationToken.None);

        answer.Response.Dispose();
        Assert.AreEqual(2, answer.Attempts);
        Assert.IsLessThan(TimeSpan.FromMilliseconds(900), answer.LastAttempt, "the second of Retry-After is not the host's latency");
    }
}


using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.AzureDevOps;
using Pipelines.Adapters.GitHub;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Http;

/// <summary>
/// Every adapter that calls out — GitHub, Azure Repos, Resource Manager (App Service), Log Analytics, Azure Monitor
/// metrics — against the same scripted faults on a local server: a 429 with Retry-After, 5xx, a hang, a truncated and a
/// garbage body. Each completes or fails as the outside system's failure (exit 3), with its retry count and total time
/// asserted; and a write whose answer is lost is never sent twice.
/// </summary>
[TestClass]
public sealed class AdapterFaultMatrixTests
{
    /// <summary>Two retries, short waits, one second an attempt, five in all: the policy's shape at test speed.</summary>
    private static readonly HttpRetryOptions Fast = new(2, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

    /// <summary>The bound on any one scenario: the total budget and slack for a loaded machine.</summary>
    private static readonly TimeSpan Bound = Fast.TotalTimeout + TimeSpan.FromSeconds(5);

    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>One read of each adapter, with the answer that makes it succeed.</summary>
    private sealed record Read(string Name, string Ok, Func<Uri, HttpClient, Task> Call);

    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private static HttpPipeline Pipeline(string scope) => AzurePipelineFactory.Build(new Token(), scope, new AzureClientOptions(Fast));

    private static readonly Read[] Reads =
    [
        new("GitHub", """{"ref":"refs/heads/main","object":{"type":"commit","sha":"aa218f56b14c9653891f9e74264a383fa43fefbd"}}""",
            (server, http) => new GitHubClient(http, server, "token", Fast).GetRefAsync("o", "r", "heads/main", CancellationToken.None)),
        new("Azure Repos", """{"value":[{"name":"refs/heads/main","objectId":"aa218f56b14c9653891f9e74264a383fa43fefbd"}],"count":1}""",
            (server, http) => new AzureReposClient(http, server, "Shop", "shop", "token", Fast).GetRefAsync("refs/heads/main", CancellationToken.None)),
        new("App Service", """{"name":"shop/canary","properties":{"state":"Running","defaultHostName":"shop-canary.azurewebsites.net"}}""",
            (server, _) => new AppServiceClient(Pipeline(AzureCloud.Public.ManagementScope), "sub", "rg", server).GetSlotAsync("shop", "canary", CancellationToken.None)),
        new("Log Analytics", """{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1]]}]}""",
            (server, _) => new AzureMonitorClient(Pipeline(AzureCloud.Public.LogsScope), Pipeline(AzureCloud.Public.ManagementScope), server, server)
                .QueryLogsAsync("workspace", "requests", "PT1H", CancellationToken.None)),
        new("Azure Monitor", """{"value":[{"name":{"value":"Http5xx"},"timeseries":[{"data":[{"timeStamp":"2026-11-01T10:00:00Z","total":1}]}]}]}""",
            (server, _) => new AzureMonitorClient(Pipeline(AzureCloud.Public.LogsScope), Pipeline(AzureCloud.Public.ManagementScope), server, server)
                .QueryMetricsAsync("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop", ["Http5xx"], "PT1H", TimeSpan.FromMinutes(1), "Total", null, CancellationToken.None)),
    ];

    public static IEnumerable<object[]> Adapters => Reads.Select(r => new object[] { r.Name });

    private static Read Adapter(string name) => Reads.Single(r => r.Name == name);

    private static async Task<(Exception? Error, TimeSpan Elapsed)> Run(Read read, FaultServer server)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await read.Call(server.BaseAddress, Http);
            return (null, clock.Elapsed);
        }
#pragma warning disable CA1031 // The scenario asserts which exception it was.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (ex, clock.Elapsed);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Adapters))]
    public async Task A_429_with_Retry_After_is_waited_out_and_the_call_completes(string adapter)
    {
        var read = Adapter(adapter);
        using var server = new FaultServer(_ => new FaultResponse(200, read.Ok)).Then(new FaultResponse(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }));

        var (error, elapsed) = await Run(read, server);

        Assert.IsNull(error, error?.ToString());
        Assert.HasCount(2, server.Requests);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), elapsed, "the wait the server asked for");
        Assert.IsLessThan(Bound, elapsed);
    }

    [TestMethod]
    [DynamicData(nameof(Adapters))]
    public async Task A_5xx_every_time_is_retried_by_the_policy_then_the_systems_failure(string adapter)
    {
        using var server = new FaultServer(_ => new FaultResponse(503, "{}"));

        var (error, elapsed) = await Run(Adapter(adapter), server);

        Assert.IsInstanceOfType<OutsideSystemException>(error, error?.ToString());
        Assert.HasCount(1 + Fast.MaxRetries, server.Requests, "the first attempt and the policy's retries, no more");
        Assert.IsLessThan(Bound, elapsed);
    }

    [TestMethod]
    [DynamicData(nameof(Adapters))]
    public async Task A_hang_is_abandoned_per_attempt_and_the_call_fails_within_its_total(string adapter)
    {
        using var server = new FaultServer(_ => new FaultResponse(200, "{}", Delay: TimeSpan.FromMinutes(5)));

        var (error, elapsed) = await Run(Adapter(adapter), server);

        Assert.IsInstanceOfType<OutsideSystemException>(error, error?.ToString());
        Assert.IsLessThanOrEqualTo(1 + Fast.MaxRetries, server.Requests.Count);
        Assert.IsGreaterThanOrEqualTo(Fast.AttemptTimeout - TimeSpan.FromMilliseconds(100), elapsed);
        Assert.IsLessThan(Bound, elapsed);
    }

    [TestMethod]
    [DynamicData(nameof(Adapters))]
    public async Task A_truncated_answer_is_tried_again_and_the_call_completes(string adapter)
    {
        var read = Adapter(adapter);
        using var server = new FaultServer(_ => new FaultResponse(200, read.Ok)).Then(new FaultResponse(200, read.Ok, Truncated: true));

        var (error, elapsed) = await Run(read, server);

        Assert.IsNull(error, error?.ToString());
        Assert.HasCount(2, server.Requests);
        Assert.IsLessThan(Bound, elapsed);
    }

    [TestMethod]
    [DynamicData(nameof(Adapters))]
    public async Task A_garbage_body_is_the_systems_failure_at_once_never_a_crash(string adapter)
    {
        using var server = new FaultServer(_ => new FaultResponse(200, "<html><body>502 Bad Gateway from a proxy</body></html>"));

        var (error, elapsed) = await Run(Adapter(adapter), server);

        Assert.IsInstanceOfType<OutsideSystemException>(error, error?.ToString());
        Assert.HasCount(1, server.Requests, "an answer of the wrong shape is not retried");
        Assert.IsLessThan(Bound, elapsed);
    }

    /// <summary>A commit status on Azure Repos whose answer is lost (a hang, then a 502): looked for, found, not posted again.</summary>
    [TestMethod]
    public async Task An_Azure_Repos_status_whose_answer_was_lost_is_not_posted_twice()
    {
        var posted = 0;
        var status = new AzureStatus("failed", new StatusContext("metrics-gate", "pipelines"), "fail, score 0");
        using var server = new FaultServer(request => request.Method switch
        {
            "POST" => Interlocked.Increment(ref posted) == 1 ? new FaultResponse(201, "{}", Delay: TimeSpan.FromMinutes(5)) : new FaultResponse(201, "{}"),
            _ => new FaultResponse(200, Volatile.Read(ref posted) > 0
                ? """{"value":[{"state":"failed","description":"fail, score 0","context":{"name":"metrics-gate","genre":"pipelines"}}],"count":1}"""
                : """{"value":[],"count":0}"""),
        });
        var client = new AzureReposClient(Http, server.BaseAddress, "Shop", "shop", "token", Fast);

        await client.CreateCommitStatusAsync("aa218f56b14c9653891f9e74264a383fa43fefbd", status, CancellationToken.None);

        Assert.AreEqual(1, server.Requests.Count(r => r.Method == "POST"), "the write reached the server once; the retry found it");
    }
}

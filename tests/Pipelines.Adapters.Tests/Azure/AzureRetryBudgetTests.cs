using System.Diagnostics;
using Azure.Core;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Azure;

/// <summary>
/// Issue #15: Azure.Core keeps its own retry policy, set to the numbers of every other outside call, and the total
/// time, which it does not bound, is bounded where the clients send.
/// </summary>
[TestClass]
public sealed class AzureRetryBudgetTests
{
    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    [TestMethod]
    public void Azure_calls_retry_with_the_same_numbers_as_every_other_outside_call()
    {
        var options = new AzureClientOptions();
        var policy = HttpRetryOptions.Default;

        Assert.AreEqual(policy.MaxRetries, options.Retry.MaxRetries);
        Assert.AreEqual(RetryMode.Exponential, options.Retry.Mode);
        Assert.AreEqual(policy.BaseDelay, options.Retry.Delay);
        Assert.AreEqual(policy.MaxDelay, options.Retry.MaxDelay);
        Assert.AreEqual(policy.AttemptTimeout, options.Retry.NetworkTimeout);
        Assert.AreEqual(policy.TotalTimeout, options.TotalTimeout);
    }

    [TestMethod]
    public async Task A_server_that_asks_for_an_hours_wait_is_given_up_on_when_the_total_budget_runs_out()
    {
        using var server = new FaultServer(_ => new FaultResponse(503, Headers: new Dictionary<string, string> { ["Retry-After"] = "3600" }));
        var options = new AzureClientOptions(HttpRetryOptions.Default with { TotalTimeout = TimeSpan.FromSeconds(1) });
        var pipeline = AzurePipelineFactory.Build(new Token(), AzureMonitorClient.LogsScope, options);
        var client = new AzureMonitorClient(pipeline, pipeline, server.BaseAddress, server.BaseAddress);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => client.QueryLogsAsync("workspace", "requests", "PT1H", CancellationToken.None));

        Assert.AreEqual("Azure Monitor: could not run the Log Analytics query: no answer within 1 s, retries included", error.Message);
        Assert.HasCount(1, server.Requests, "the one attempt before the wait the budget could not hold");
        Assert.IsLessThan(TimeSpan.FromSeconds(10), watch.Elapsed);
    }

    [TestMethod]
    public async Task A_503_is_retried_after_the_wait_the_server_names()
    {
        using var server = new FaultServer(_ => new FaultResponse(200, """{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1]]}]}"""))
            .Then(new FaultResponse(503, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }));
        var pipeline = AzurePipelineFactory.Build(new Token(), AzureMonitorClient.LogsScope);
        var client = new AzureMonitorClient(pipeline, pipeline, server.BaseAddress, server.BaseAddress);
        var watch = Stopwatch.StartNew();

        var table = await client.QueryLogsAsync("workspace", "requests", "PT1H", CancellationToken.None);

        Assert.HasCount(1, table.Rows);
        Assert.HasCount(2, server.Requests);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), watch.Elapsed, "Retry-After was waited");
    }
}

using System.Diagnostics;
using Azure.Core;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Azure;

/// <summary>
/// Issue #15: production's version, read before a swap, goes through the one retry policy (it used a bare HttpClient),
/// against a production app on 127.0.0.1 that turns the read away.
/// </summary>
[TestClass]
public sealed class ProductionVersionTests
{
    private static readonly Dictionary<string, string> RetryAfterOne = new() { ["Retry-After"] = "1" };

    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static AppServiceSlotTarget Target(FaultServer production, HttpClient http, string versionPath = "version")
    {
        // ARM and Kudu are never called: only production's own page is read.
        var pipeline = AzurePipelineFactory.Build(new Token(), AzureMonitorClient.ManagementScope);
        var client = new AppServiceClient(pipeline, "sub", "rg", production.BaseAddress);
        return new AppServiceSlotTarget(client, pipeline, http,
            new AppServiceSlot("shop", "canary", "shop-canary", "shop-canary.scm", "shop.zip", new Uri(production.BaseAddress, "health"), versionPath));
    }

    [TestMethod]
    public async Task A_read_turned_away_with_503_is_asked_again_after_the_wait_production_names()
    {
        using var production = new FaultServer(_ => new FaultResponse(200, """{"status":"ok","version":"v7"}""")).Then(new FaultResponse(503, Headers: RetryAfterOne));
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();

        var version = await Target(production, http).ProductionVersionAsync(CancellationToken.None);

        Assert.AreEqual("v7", version);
        Assert.HasCount(2, production.Requests);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), watch.Elapsed, "Retry-After was waited");
    }

    [TestMethod]
    public async Task A_production_that_keeps_answering_503_fails_after_the_budgets_retries_naming_the_page()
    {
        using var production = new FaultServer(_ => new FaultResponse(503, Headers: RetryAfterOne));
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => Target(production, http).ProductionVersionAsync(CancellationToken.None));

        var attempts = HttpRetryOptions.Default.MaxRetries + 1;
        Assert.AreEqual(
            $"Azure App Service: could not read production's version from {production.BaseAddress}health: gave up after {attempts} attempts: turned away: 503 Service Unavailable",
            error.Message);
        Assert.HasCount(attempts, production.Requests);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(HttpRetryOptions.Default.MaxRetries * 0.9), watch.Elapsed, "each Retry-After was waited");
        Assert.IsLessThan(HttpRetryOptions.Default.TotalTimeout, watch.Elapsed);
    }

    [TestMethod]
    public async Task A_version_path_through_something_that_is_not_an_object_is_no_version_not_a_crash()
    {
        using var production = new FaultServer(_ => new FaultResponse(200, """{"version":["v7"]}"""));
        using var http = new HttpClient();

        Assert.IsNull(await Target(production, http, "version.name").ProductionVersionAsync(CancellationToken.None));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Core;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Http;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Composition;

/// <summary>
/// The Azure adapters follow the cloud (PIPELINES_AZURE_CLOUD, or AZURE_AUTHORITY_HOST), each endpoint can be pointed
/// elsewhere (a local server here), and tokens are always asked for the cloud's audience.
/// </summary>
[TestClass]
public sealed class AzureEndpointsTests
{
    /// <summary>A credential that hands out a token and records which audience it was asked for.</summary>
    private sealed class RecordingCredential : TokenCredential
    {
        public ConcurrentQueue<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Enqueue(scope);
            }

            return new AccessToken("token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static AzureEndpoints From(params (string Name, string Value)[] variables) =>
        AzureEndpoints.From(new CliContext(variables.ToDictionary(v => v.Name, v => (string?)v.Value), Path.GetTempPath(), TextWriter.Null, TextWriter.Null));

    [TestMethod]
    public void Without_a_setting_the_public_cloud_is_used()
    {
        var endpoints = From();

        Assert.AreEqual("https://management.azure.com/", endpoints.ResourceManager.ToString());
        Assert.AreEqual("https://management.azure.com/", endpoints.Monitor.ToString());
        Assert.AreEqual("https://api.loganalytics.io/", endpoints.LogAnalytics.ToString());
        Assert.AreEqual("https://login.microsoftonline.com/", endpoints.AuthorityHost.ToString());
        Assert.AreEqual(AzureMonitorClient.ManagementScope, endpoints.Cloud.ManagementScope);
        Assert.AreEqual(AzureMonitorClient.LogsScope, endpoints.Cloud.LogsScope);
        Assert.IsNull(endpoints.Kudu);
    }

    [TestMethod]
    public void Azure_Government_has_its_own_hosts_and_audiences()
    {
        var endpoints = From((AzureEndpoints.CloudVariable, "usgovernment"));

        Assert.AreEqual("https://management.usgovcloudapi.net/", endpoints.ResourceManager.ToString());
        Assert.AreEqual("https://api.loganalytics.us/", endpoints.LogAnalytics.ToString());
        Assert.AreEqual("https://login.microsoftonline.us/", endpoints.AuthorityHost.ToString());
        Assert.AreEqual("https://management.usgovcloudapi.net/.default", endpoints.Cloud.ManagementScope);
        Assert.AreEqual("https://api.loganalytics.us/.default", endpoints.Cloud.LogsScope);
    }

    [TestMethod]
    public void The_cloud_follows_AZURE_AUTHORITY_HOST_when_it_is_a_known_clouds_sign_in_host()
    {
        var endpoints = From(("AZURE_AUTHORITY_HOST", "https://login.chinacloudapi.cn"));

        Assert.AreEqual("china", endpoints.Cloud.Name);
        Assert.AreEqual("https://management.chinacloudapi.cn/", endpoints.ResourceManager.ToString());
        Assert.AreEqual("https://api.loganalytics.azure.cn/.default", endpoints.Cloud.LogsScope);
    }

    [TestMethod]
    public void Kudu_hosts_follow_the_clouds_app_service_domain() =>
        Assert.AreEqual("shop-canary.scm.azurewebsites.us", AzureCloud.ScmHost("shop-canary.azurewebsites.us"));

    [TestMethod]
    public void Each_endpoint_can_be_overridden_and_the_audiences_stay_the_clouds()
    {
        var endpoints = From((AzureEndpoints.CloudVariable, "china"), ("PIPELINES_ARM_ENDPOINT", "http://127.0.0.1:1/arm"),
            ("PIPELINES_LOGANALYTICS_ENDPOINT", "http://127.0.0.1:2"), ("PIPELINES_KUDU_ENDPOINT", "http://127.0.0.1:3/"));

        Assert.AreEqual("http://127.0.0.1:1/arm/", endpoints.ResourceManager.ToString());
        Assert.AreEqual("http://127.0.0.1:1/arm/", endpoints.Monitor.ToString(), "metrics go through Resource Manager unless overridden");
        Assert.AreEqual("http://127.0.0.1:2/", endpoints.LogAnalytics.ToString());
        Assert.AreEqual("http://127.0.0.1:3/", endpoints.Kudu!.ToString());
        Assert.AreEqual("https://management.chinacloudapi.cn/.default", endpoints.Cloud.ManagementScope);
    }

    [TestMethod]
    [DataRow(AzureEndpoints.CloudVariable, "mars", "expected public, usgovernment or china, got 'mars'")]
    [DataRow("PIPELINES_ARM_ENDPOINT", "management.azure.com", "expected an http(s) URL")]
    [DataRow("PIPELINES_LOGANALYTICS_ENDPOINT", "ftp://x/", "expected an http(s) URL")]
    public void A_bad_setting_is_bad_input_naming_the_variable(string variable, string value, string expected)
    {
        var error = Assert.ThrowsExactly<InputException>(() => From((variable, value)));

        Assert.AreEqual($"{variable}: {expected}", error.Message.Split(", e.g.")[0]);
    }

    [TestMethod]
    public async Task Log_Analytics_and_Monitor_metrics_go_to_the_overridden_endpoints_with_tokens_for_the_clouds_audiences()
    {
        using var logs = new FaultServer(_ => new FaultResponse(200, """{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1]]}]}"""));
        using var arm = new FaultServer(_ => new FaultResponse(200, """{"value":[]}"""));
        var credential = new RecordingCredential();
        var client = MetricsSources.AzureMonitor(From((AzureEndpoints.CloudVariable, "usgovernment"),
            ("PIPELINES_LOGANALYTICS_ENDPOINT", logs.BaseAddress.ToString()), ("PIPELINES_MONITOR_ENDPOINT", arm.BaseAddress.ToString())), credential);

        var table = await client.QueryLogsAsync("workspace", "requests", "PT1H", CancellationToken.None);
        await client.QueryMetricsAsync("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop", ["Http5xx"], "PT1H", TimeSpan.FromMinutes(1), "Total", null, CancellationToken.None);

        Assert.HasCount(1, table.Rows);
        Assert.HasCount(1, logs.Requests);
        StringAssert.StartsWith(logs.Requests.Single().Path, "/v1/workspaces/workspace/query");
        Assert.HasCount(1, arm.Requests);
        StringAssert.StartsWith(arm.Requests.Single().Path, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop/providers/Microsoft.Insights/metrics?");
        CollectionAssert.AreEquivalent(new[] { "https://api.loganalytics.us/.default", "https://management.usgovcloudapi.net/.default" }, credential.Scopes.Distinct().ToList());
    }

    [TestMethod]
    public async Task Log_Analytics_through_the_setting_rides_out_a_429_and_a_truncated_answer_then_answers()
    {
        using var logs = new FaultServer(_ => new FaultResponse(200, """{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1]]}]}"""))
            .Then(new FaultResponse(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }),
                new FaultResponse(200, """{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1]]}]}""", Truncated: true));
        var client = MetricsSources.AzureMonitor(From(("PIPELINES_LOGANALYTICS_ENDPOINT", logs.BaseAddress.ToString())), new RecordingCredential());
        var clock = Stopwatch.StartNew();

        var table = await client.QueryLogsAsync("workspace", "requests", "PT1H", CancellationToken.None);

        Assert.HasCount(1, table.Rows);
        Assert.HasCount(3, logs.Requests, "the 429, the truncated answer, the whole one");
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), clock.Elapsed, "Retry-After was waited");
        Assert.IsLessThan(TimeSpan.FromSeconds(20), clock.Elapsed);
    }

    [TestMethod]
    [DataRow(503, false, DisplayName = "5xx every time")]
    [DataRow(200, true, DisplayName = "a hang")]
    public async Task A_failing_Log_Analytics_costs_a_look_its_budget_once_and_is_Azures_failure(int status, bool hangs)
    {
        using var logs = new FaultServer(_ => new FaultResponse(status, "{}", Delay: hangs ? TimeSpan.FromMinutes(5) : TimeSpan.Zero));
        var client = MetricsSources.AzureMonitor(From(("PIPELINES_LOGANALYTICS_ENDPOINT", logs.BaseAddress.ToString())), new RecordingCredential());
        var clock = Stopwatch.StartNew();

        OutsideSystemException error;
        using (CallBudget.Enter(new CallBudget("each gate look", TimeSpan.FromSeconds(3))))
        {
            error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => client.QueryLogsAsync("workspace", "requests", "PT1H", CancellationToken.None));
        }

        Assert.AreEqual(AzureMonitorClient.SystemName, error.System);
        Assert.IsLessThan(TimeSpan.FromSeconds(3) + TimeSpan.FromSeconds(5), clock.Elapsed);
        Assert.IsFalse(logs.Requests.IsEmpty);
        Assert.IsLessThanOrEqualTo(1 + HttpRetryOptions.Default.MaxRetries, logs.Requests.Count, "the retry count stays within the policy");
    }

    [TestMethod]
    public async Task App_Service_goes_to_the_overridden_Resource_Manager_with_a_token_for_the_clouds_audience()
    {
        using var arm = new FaultServer(_ => new FaultResponse(200, """{"name":"shop/canary","properties":{"state":"Running","defaultHostName":"shop-canary.chinacloudsites.cn"}}"""));
        var credential = new RecordingCredential();
        var (client, _) = Rollouts.AppService(From((AzureEndpoints.CloudVariable, "china"), ("PIPELINES_ARM_ENDPOINT", arm.BaseAddress.ToString())),
            credential, "sub", "rg", TimeProvider.System);

        var slot = await client.GetSlotAsync("shop", "canary", CancellationToken.None);

        Assert.AreEqual("shop-canary.chinacloudsites.cn", slot!.DefaultHostName);
        Assert.AreEqual("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Web/sites/shop/slots/canary?api-version=2024-11-01", arm.Requests.Single().Path);
        CollectionAssert.AreEqual(new[] { "https://management.chinacloudapi.cn/.default" }, credential.Scopes.Distinct().ToList());
        Assert.AreEqual("shop-canary.scm.chinacloudsites.cn", AzureCloud.ScmHost(slot.DefaultHostName));
    }
}

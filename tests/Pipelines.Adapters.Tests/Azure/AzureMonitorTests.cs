using System.Text.Json.Nodes;
using Azure.Core;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Metrics;
using Pipelines.Core.Judging;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Azure;

/// <summary>
/// The azure-monitor provider over Azure.Core's pipeline, against Microsoft's published examples
/// (tests/data/contracts/azure) served from 127.0.0.1, and against the faults the gate must never read as a pass.
/// </summary>
[TestClass]
public sealed class AzureMonitorTests
{
    private sealed class StaticToken : TokenCredential
    {
        public int Requests;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return new AccessToken("test-token-" + requestContext.Scopes[0], DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static AzureClientOptions Fast()
    {
        var options = new AzureClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    private static (AzureMonitorClient Client, StaticToken Token) Client(FaultServer server)
    {
        var token = new StaticToken();
        return (new AzureMonitorClient(
            AzurePipelineFactory.Build(token, AzureMonitorClient.LogsScope, Fast()),
            AzurePipelineFactory.Build(token, AzureMonitorClient.ManagementScope, Fast()),
            server.BaseAddress, server.BaseAddress), token);
    }

    private static ContractExample Example(string relative) => SharedContracts.Load("azure/" + relative);

    [TestMethod]
    public async Task A_Log_Analytics_query_is_sent_as_the_example_shows_with_a_bearer_token_and_its_table_read()
    {
        var example = Example("loganalytics/la-post-example.json");
        using var server = new FaultServer(_ => new FaultResponse(200, example.FirstResponse.Body!.ToJsonString()));
        var (client, _) = Client(server);

        var table = await client.QueryLogsAsync("63613592-b6f7-4c3d-a390-22ba13102111", "Usage | take 10", "PT12H", CancellationToken.None);

        var sent = server.Requests.Single();
        Assert.AreEqual("POST", sent.Method);
        Assert.AreEqual("/v1/workspaces/63613592-b6f7-4c3d-a390-22ba13102111/query", sent.Path);
        Assert.AreEqual(JsonNode.Parse(sent.Body)!.ToJsonString(), example.Body!.ToJsonString(), "the body is the example's");
        Assert.AreEqual(21, table.Columns.Count);
        Assert.AreEqual("TenantId", table.Columns[0]);
        Assert.IsTrue(table.Rows.Count > 0);
        Assert.IsNull(table.PartialError);
    }

    [TestMethod]
    public async Task Platform_metrics_are_read_per_series_and_a_metric_the_service_could_not_read_carries_its_error()
    {
        var metric = Example("monitor-metrics/GetMetric.json");
        var failing = Example("monitor-metrics/GetMetricError.json");
        using var server = new FaultServer(_ => new FaultResponse(200, metric.FirstResponse.Body!.ToJsonString()));
        server.Then(new FaultResponse(200, failing.FirstResponse.Body!.ToJsonString()));
        var (client, token) = Client(server);
        var resource = "subscriptions/1f3fa6d2-851c-4a91-9087-1a050f3a9c38/resourceGroups/todking/providers/Microsoft.Storage/storageAccounts/tkfileserv/blobServices/default";

        var errors = await client.QueryMetricsAsync(resource, ["MongoRequestsCount", "MongoRequests"], "2021-06-07T21:51:00Z/2021-06-08T01:51:00Z", TimeSpan.FromHours(4), "average", null, CancellationToken.None);
        var series = await client.QueryMetricsAsync(resource, ["BlobCount", "BlobCapacity"], "2021-04-20T09:00:00Z/2021-04-20T14:00:00Z", TimeSpan.FromHours(1), "average", "Tier eq '*'", CancellationToken.None);

        Assert.AreEqual("InvalidSamplingType: Sampling type is not found. Metric:CosmosDBCustomer,AzureMonitor,MongoRequests, SamplingType:NullableAverage.", errors[0].Error);
        Assert.IsNull(errors[1].Error, "errorCode Success is no error");
        var blobs = series.Single(s => s.Name == "BlobCount");
        Assert.IsTrue(blobs.TimeSeries.Count >= 3);
        Assert.AreEqual(7.0, blobs.TimeSeries[0][0].Value);
        var sent = server.Requests.Last();
        StringAssert.StartsWith(sent.Path, "/" + resource + "/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=BlobCount%2CBlobCapacity");
        StringAssert.Contains(sent.Path, "&interval=PT1H&aggregation=average&$filter=Tier%20eq%20%27%2A%27");
        Assert.AreEqual(1, token.Requests, "one token, reused");
    }

    /// <summary>Application Insights answering per side: the canary (2.4.1) fails 10% of requests, the baseline 1%.</summary>
    private static FaultServer AppInsights(Func<string, FaultResponse>? answer = null) => new(request =>
    {
        if (answer is not null)
        {
            return answer(request.Body);
        }

        var canary = request.Body.Contains("2.4.1", StringComparison.Ordinal);
        var rows = request.Body.Contains("percentile", StringComparison.Ordinal)
            ? string.Join(',', Enumerable.Range(0, 10).Select(i => $"[\"2026-11-23T10:0{i}:00Z\",{(canary ? 300 : 200) + i}]"))
            : canary ? "[100,1000]" : "[10,1000]";
        var columns = request.Body.Contains("percentile", StringComparison.Ordinal)
            ? """[{"name":"timestamp","type":"datetime"},{"name":"value","type":"real"}]"""
            : """[{"name":"events","type":"long"},{"name":"trials","type":"long"}]""";
        return new FaultResponse(200, $$"""{"tables":[{"name":"PrimaryResult","columns":{{columns}},"rows":[{{rows}}]}]}""");
    });

    private static AzureMonitorMetricsSource Source(AzureMonitorClient client) => new(client, "workspace-1",
        new Dictionary<string, string> { ["application_Version"] = "2.4.1" }, new Dictionary<string, string> { ["application_Version"] = "2.4.0" },
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));

    private static readonly MetricQuery[] Queries =
    [
        new("server-errors", MetricKind.Ratio, "requests | where {selector} | summarize events = countif(success == false), trials = count()"),
        new("latency-p95", MetricKind.Continuous, "requests | where {selector} | summarize value = percentile(duration, 95) by bin(timestamp, {interval})"),
    ];

    [TestMethod]
    public async Task Canary_and_baseline_are_split_by_application_version_and_a_tenfold_error_rate_fails_the_gate()
    {
        using var server = AppInsights();
        var (client, _) = Client(server);

        var observations = await Source(client).FetchAsync(Queries, CancellationToken.None);

        var errors = observations.Single(o => o.Name == "server-errors");
        Assert.AreEqual(100, errors.CanaryEvents);
        Assert.AreEqual(10, errors.BaselineEvents);
        Assert.AreEqual(10, observations.Single(o => o.Name == "latency-p95").Canary.Count);
        var queries = server.Requests.Select(r => (string)JsonNode.Parse(r.Body)!["query"]!).ToList();
        CollectionAssert.Contains(queries, "requests | where application_Version == \"2.4.1\" | summarize events = countif(success == false), trials = count()");
        CollectionAssert.Contains(queries, "requests | where application_Version == \"2.4.0\" | summarize value = percentile(duration, 95) by bin(timestamp, 60s)");
        var result = Judge.Evaluate(
            [new MetricSpec("server-errors", MetricKind.Ratio, BadDirection.Increase, 0.1, true, 2), new MetricSpec("latency-p95", MetricKind.Continuous, BadDirection.Increase, 0.1, false, 1)],
            observations, GatePolicy.Default with { MinSamples = 5 });
        Assert.AreEqual(GateVerdict.Fail, result.Verdict);
    }

    [TestMethod]
    [DataRow("partial", DisplayName = "200 with a PartialError")]
    [DataRow("empty", DisplayName = "an empty table")]
    [DataRow("throttled", DisplayName = "throttled until the retries run out")]
    public async Task An_answer_that_is_not_whole_is_never_a_pass(string fault)
    {
        using var server = AppInsights(_ => fault switch
        {
            "partial" => new FaultResponse(200, """{"tables":[{"name":"PrimaryResult","columns":[{"name":"events","type":"long"},{"name":"trials","type":"long"}],"rows":[[0,1000]]}],"error":{"code":"PartialError","message":"There were some errors when processing your query."}}"""),
            "empty" => new FaultResponse(200, """{"tables":[{"name":"PrimaryResult","columns":[{"name":"events","type":"long"},{"name":"trials","type":"long"}],"rows":[]}]}"""),
            _ => new FaultResponse(429, """{"error":{"code":"TooManyRequests"}}""", new Dictionary<string, string> { ["Retry-After"] = "0" }),
        });
        var (client, _) = Client(server);

        var observation = (await Source(client).FetchAsync([Queries[0]], CancellationToken.None)).Single();

        Assert.IsFalse(observation.Complete);
        var result = Judge.Evaluate([new MetricSpec("server-errors", MetricKind.Ratio, BadDirection.Increase, 0.1, true, 2)], [observation], GatePolicy.Default);
        Assert.AreEqual(GateVerdict.Inconclusive, result.Verdict);
        if (fault == "throttled")
        {
            Assert.AreEqual(3, server.Requests.Count, "Azure.Core retried the throttled query before giving up");
        }
    }

    [TestMethod]
    public async Task A_throttled_query_is_retried_after_the_wait_the_service_asks_for()
    {
        using var server = AppInsights();
        server.Then(new FaultResponse(429, """{"error":{"code":"TooManyRequests"}}""", new Dictionary<string, string> { ["Retry-After"] = "1" }));
        var (client, _) = Client(server);

        var observation = (await Source(client).FetchAsync([Queries[0]], CancellationToken.None)).Single();

        Assert.IsTrue(observation.Complete);
        Assert.AreEqual(100, observation.CanaryEvents);
    }

    [TestMethod]
    public async Task A_query_whose_answer_is_late_is_abandoned_and_tried_again_and_a_5xx_is_retried()
    {
        using var server = AppInsights();
        server.Then(new FaultResponse(200, "{}", Delay: TimeSpan.FromSeconds(3)), new FaultResponse(503, """{"error":{"code":"ServiceUnavailable"}}"""));
        var token = new StaticToken();
        var options = Fast();
        options.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(500);
        var client = new AzureMonitorClient(AzurePipelineFactory.Build(token, AzureMonitorClient.LogsScope, options),
            AzurePipelineFactory.Build(token, AzureMonitorClient.ManagementScope, options), server.BaseAddress, server.BaseAddress);

        var observation = (await Source(client).FetchAsync([Queries[0]], CancellationToken.None)).Single();

        Assert.IsTrue(observation.Complete);
        Assert.AreEqual(100, observation.CanaryEvents);
        Assert.AreEqual(4, server.Requests.Count, "late, 503, then the canary's and the baseline's answers");
    }

    [TestMethod]
    public void Custom_dimensions_and_quotes_become_safe_KQL()
    {
        using var server = new FaultServer();
        var (client, _) = Client(server);
        var source = Source(client);

        var kql = source.Expand("customEvents | where {selector} and name == \"SignUp\"", new Dictionary<string, string> { ["customDimensions.build"] = "v\"2" });

        Assert.AreEqual("customEvents | where tostring(customDimensions[\"build\"]) == \"v\\\"2\" and name == \"SignUp\"", kql);
    }
}

using System.Net;
using System.Text;
using Pipelines.Adapters.AzureDevOps;
using Pipelines.Adapters.GitHub;
using Pipelines.Adapters.Http;
using Pipelines.Adapters.Metrics;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Adapters.Tests.Http;

/// <summary>
/// A server that answers 200 with JSON of the wrong shape has failed, like one that did not answer: the call ends with
/// <see cref="OutsideSystemException"/> (exit 3), never a crash later on a null (exit 4) or a "bad input" (exit 2).
/// </summary>
[TestClass]
public sealed class WrongShapeAnswerTests
{
    private static readonly HttpRetryOptions Once = new(1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

    private sealed class Answer(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }

    private static GitHubClient GitHub(string body) => new(new HttpClient(new Answer(body)), new Uri("https://api.github.com/"), "token", Once);

    private static AzureReposClient AzureRepos(string body) => new(new HttpClient(new Answer(body)), new Uri("https://dev.azure.com/org/"), "Shop", "shop", "token", Once);

    [TestMethod]
    [DataRow("""{"ref": "refs/heads/main", "object": null}""", DisplayName = "object: null")]
    [DataRow("""{"ref": "refs/heads/main"}""", DisplayName = "no object")]
    [DataRow("""{"ref": "refs/heads/main", "object": {"type": "commit", "sha": null}}""", DisplayName = "sha: null")]
    [DataRow("null", DisplayName = "null")]
    public async Task A_GitHub_ref_of_the_wrong_shape_is_GitHubs_failure(string body)
    {
        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => GitHub(body).GetRefAsync("o", "r", "heads/main", CancellationToken.None));

        StringAssert.StartsWith(error.Message, "GitHub API: could not read heads/main: the answer is not the JSON GitHub documents");
    }

    [TestMethod]
    public async Task A_GitHub_list_with_a_null_item_is_GitHubs_failure()
    {
        await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => GitHub("[null]").ListRefsAsync("o", "r", "heads/", CancellationToken.None));
    }

    [TestMethod]
    [DataRow("""{"value": [{"name": "refs/heads/main", "objectId": null}]}""", DisplayName = "objectId: null")]
    [DataRow("""{"value": null}""", DisplayName = "value: null")]
    [DataRow("""{"count": 0}""", DisplayName = "no value")]
    [DataRow("""{"value": [null]}""", DisplayName = "a null item")]
    public async Task An_Azure_Repos_ref_list_of_the_wrong_shape_is_Azure_DevOps_failure_not_bad_input(string body)
    {
        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => AzureRepos(body).GetRefAsync("refs/heads/main", CancellationToken.None));

        StringAssert.Contains(error.Message, "the answer is not the JSON Azure DevOps documents");
    }

    [TestMethod]
    [DataRow("""{"status": "success"}""", DisplayName = "no data")]
    [DataRow("""{"status": "success", "data": {"result": [{"value": [1, 2]}]}}""", DisplayName = "a number where the value's text is")]
    [DataRow("""{"status": "success", "data": {"result": [{"value": [1]}]}}""", DisplayName = "a value without its number")]
    [DataRow("""{"status": 1}""", DisplayName = "a status that is not text")]
    [DataRow("""[]""", DisplayName = "a list")]
    [DataRow("""{"status": "success", "data": {"result": [{"values": "x"}]}, "warnings": 3}""", DisplayName = "warnings that are not a list")]
    public async Task A_Prometheus_answer_of_the_wrong_shape_leaves_the_metric_incomplete_never_a_crash(string body)
    {
        var source = new PrometheusMetricsSource(new HttpClient(new Answer(body)), new Uri("http://prometheus:9090/"),
            new Dictionary<string, string> { ["version"] = "v2" }, new Dictionary<string, string> { ["version"] = "v1" },
            TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(10), retry: Once);

        var observations = await source.FetchAsync(
            [new MetricQuery("errors", MetricKind.Ratio, "errors_total / requests_total"), new MetricQuery("latency", MetricKind.Continuous, "latency")],
            CancellationToken.None);

        Assert.IsTrue(observations.All(o => !o.Complete), "a metric the server would not answer for is never a pass");
    }
}

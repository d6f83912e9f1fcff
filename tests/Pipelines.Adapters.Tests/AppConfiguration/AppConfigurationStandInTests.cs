using System.Net;
using System.Text;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.AppConfiguration;

/// <summary>
/// The stand-in other tests and the bench rely on answers conditional requests as the service documents them
/// (docs/REST/kv.md): 304 on a matching If-None-Match, 412 on If-None-Match: * over an existing key or a stale If-Match.
/// </summary>
[TestClass]
public sealed class AppConfigurationStandInTests
{
    [TestMethod]
    public async Task Conditional_requests_are_answered_as_the_service_answers_them()
    {
        using var standIn = new AppConfigurationStandIn(id: null);
        var etag = standIn.Set("Message", "Hello World!", contentType: null);
        using var http = new HttpClient { BaseAddress = standIn.Endpoint };
        const string url = "kv/Message?api-version=2024-09-01";

        using var unchanged = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { { "If-None-Match", $"\"{etag}\"" } } };
        using var create = new HttpRequestMessage(HttpMethod.Put, url) { Headers = { { "If-None-Match", "*" } }, Content = new StringContent("""{"value":"x"}""", Encoding.UTF8) };
        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Headers = { { "If-Match", "\"old\"" } }, Content = new StringContent("""{"value":"x"}""", Encoding.UTF8) };
        using var current = new HttpRequestMessage(HttpMethod.Put, url) { Headers = { { "If-Match", $"\"{etag}\"" } }, Content = new StringContent("""{"value":"y"}""", Encoding.UTF8) };

        Assert.AreEqual(HttpStatusCode.NotModified, (await http.SendAsync(unchanged)).StatusCode);
        Assert.AreEqual(HttpStatusCode.PreconditionFailed, (await http.SendAsync(create)).StatusCode);
        Assert.AreEqual(HttpStatusCode.PreconditionFailed, (await http.SendAsync(stale)).StatusCode);
        var written = await http.SendAsync(current);
        Assert.AreEqual(HttpStatusCode.OK, written.StatusCode);
        Assert.AreNotEqual($"W/\"{etag}\"", written.Headers.ETag?.ToString(), "a write makes a new ETag");
        Assert.AreEqual("y", (string?)standIn.Get("Message")!["value"]);
        Assert.AreEqual(1, standIn.Writes);
    }
}

using System.Text.Json.Nodes;
using Pipelines.Adapters.AppConfiguration;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.AppConfiguration;

/// <summary>
/// Issue #16: the App Configuration flag store against Microsoft's published examples of the key-value API
/// (2024-09-01) and the Feature Management project's targeting sample (tests/data/contracts/azure/appconfiguration).
/// </summary>
[TestClass]
public sealed class AppConfigurationContractTests
{
    private const string Flag = """{"id":"myFlag","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"Users":[],"Groups":[],"DefaultRolloutPercentage":5}}}]}}""";

    private static readonly AzureClientOptions Quick = new(new HttpRetryOptions(2, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)));

    /// <summary>An example's 200 answer as the service sends it: its headers, and its body made a feature flag.</summary>
    private static FaultResponse Answer(string example, string? value)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedContracts.Root, "azure", "appconfiguration", example)))!;
        var ok = root["responses"]!["200"]!;
        var body = ok["body"]!.AsObject();
        if (value is not null)
        {
            body["key"] = ".appconfig.featureflag/myFlag";
            body["content_type"] = AppConfigurationFlagStore.FlagContentType;
            body["value"] = value;
        }

        var headers = ok["headers"]!.AsObject().Where(h => h.Key != "Content-Type").ToDictionary(h => h.Key, h => (string)h.Value!);
        return new FaultResponse(200, body.ToJsonString(), headers);
    }

    private static string ExampleEtag(string example) =>
        (string)JsonNode.Parse(File.ReadAllText(Path.Combine(SharedContracts.Root, "azure", "appconfiguration", example)))!["responses"]!["200"]!["body"]!["etag"]!;

    private static AppConfigurationFlagStore Store(FaultServer server) =>
        AppConfigurationFlagStore.Open(null, $"Endpoint={server.BaseAddress.GetLeftPart(UriPartial.Authority)};Id=id;Secret=c2VjcmV0LXNlY3JldA==", null, options: Quick);

    [TestMethod]
    public async Task The_etag_read_from_the_body_is_the_version_and_goes_back_quoted_in_If_Match_as_the_example_sends_it()
    {
        var written = new FeatureFlagValueProbe(Flag).At(0);
        using var server = new FaultServer().Then(Answer("GetKeyValue_IfNoneMatch.json", Flag), Answer("PutKeyValue_IfMatch.json", written));
        var store = Store(server);

        var seen = await store.ReadAsync("myFlag", CancellationToken.None);
        var set = await store.SetPercentAsync(seen, 0, CancellationToken.None);

        Assert.AreEqual(ExampleEtag("GetKeyValue_IfNoneMatch.json"), seen.Version);
        Assert.AreEqual(5, seen.Percent);
        var put = server.Requests.Last();
        Assert.AreEqual("PUT", put.Method);
        Assert.AreEqual("/kv/.appconfig.featureflag%2FmyFlag?api-version=" + AppConfigurationFlagStore.ApiVersion, put.RawUrl);
        var exampleIfMatch = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(SharedContracts.Root, "azure", "appconfiguration", "PutKeyValue_IfMatch.json")))!["parameters"]!["If-Match"]!;
        Assert.StartsWith("\"", exampleIfMatch, "the example quotes the etag");
        Assert.AreEqual($"\"{seen.Version}\"", put.Header("If-Match"));
        Assert.AreEqual(ExampleEtag("PutKeyValue_IfMatch.json"), set.Version, "the new version is the answer's etag");
        Assert.AreEqual(0, set.Percent);
    }

    [TestMethod]
    public async Task The_written_key_value_has_only_properties_the_example_key_value_has()
    {
        var written = new FeatureFlagValueProbe(Flag).At(0);
        using var server = new FaultServer().Then(Answer("GetKeyValue_IfNoneMatch.json", Flag), Answer("PutKeyValue.json", written));
        var store = Store(server);

        await store.SetPercentAsync(await store.ReadAsync("myFlag", CancellationToken.None), 0, CancellationToken.None);

        var put = server.Requests.Last();
        var example = SharedContracts.Load("azure/appconfiguration/PutKeyValue.json", "PUT", "https://example.azconfig.io/kv/Message").FirstResponse.Body;
        Assert.IsEmpty(SharedContracts.UndocumentedProperties(JsonNode.Parse(put.Body), example));
        Assert.AreEqual(AppConfigurationFlagStore.KeyValueContentType, put.Header("Content-Type"));
        var body = JsonNode.Parse(put.Body)!;
        Assert.AreEqual(AppConfigurationFlagStore.FlagContentType, (string?)body["content_type"]);
        Assert.AreEqual(written, (string?)body["value"]);
    }

    [TestMethod]
    public async Task The_examples_sync_token_is_sent_back_on_the_next_request()
    {
        using var server = new FaultServer().Then(Answer("GetKeyValue_IfNoneMatch.json", Flag), Answer("GetKeyValue_IfNoneMatch.json", Flag));
        var store = Store(server);

        await store.ReadAsync("myFlag", CancellationToken.None);
        await store.ReadAsync("myFlag", CancellationToken.None);

        Assert.IsNull(server.Requests.First().Header("Sync-Token"));
        Assert.AreEqual("zAJw6V16=NjotMSM3ODk3NjM=", server.Requests.Last().Header("Sync-Token"));
    }

    [TestMethod]
    public async Task The_examples_plain_key_value_is_not_a_feature_flag()
    {
        using var server = new FaultServer().Then(Answer("GetKeyValue_IfNoneMatch.json", null));
        var store = Store(server);

        var error = await Assert.ThrowsExactlyAsync<InputException>(() => store.ReadAsync("myFlag", CancellationToken.None));

        Assert.Contains("is not a feature flag: its content type is 'none'", error.Message);
    }

    [TestMethod]
    public void The_targeting_samples_default_rollout_percentage_is_the_share()
    {
        var flags = TargetingSample();

        var complex = FeatureFlagValue.Parse(flags["ComplexTargeting"], "ComplexTargeting", "sample");
        var update = FeatureFlagValue.Parse(flags["RolloutPercentageUpdate"], "RolloutPercentageUpdate", "sample");

        Assert.AreEqual(FlagShareKind.Targeting, complex.Kind);
        Assert.AreEqual(25, complex.Percent);
        Assert.AreEqual(61, update.Percent);
    }

    [TestMethod]
    public void Ramping_the_targeting_sample_changes_its_default_rollout_percentage_and_nothing_else()
    {
        var original = TargetingSample()["ComplexTargeting"];

        var ramped = JsonNode.Parse(FeatureFlagValue.Parse(original, "ComplexTargeting", "sample").WithPercent(62.5))!;

        var audience = ramped["conditions"]!["client_filters"]![0]!["parameters"]!["Audience"]!;
        Assert.AreEqual(62.5, (double)audience["DefaultRolloutPercentage"]!);
        audience["DefaultRolloutPercentage"] = 25;
        Assert.IsTrue(JsonNode.DeepEquals(JsonNode.Parse(original), ramped), "users, groups, exclusions, description and enabled are kept");
    }

    private static Dictionary<string, string> TargetingSample() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(SharedContracts.Root, "azure", "appconfiguration", "TargetingFilter.sample.json")))!["feature_management"]!["feature_flags"]!
            .AsArray().ToDictionary(f => (string)f!["id"]!, f => f!.ToJsonString());

    /// <summary>The JSON the store writes for a share: what a stand-in answer carries back.</summary>
    private sealed class FeatureFlagValueProbe(string json)
    {
        public string At(double percent) => FeatureFlagValue.Parse(json, "myFlag", "test").WithPercent(percent);
    }
}

using System.Text.Json.Nodes;
using Pipelines.Adapters.AppConfiguration;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.AppConfiguration;

/// <summary>Issue #16: where a Feature Management flag keeps its sticky share, and what is refused as bad input.</summary>
[TestClass]
public sealed class FeatureFlagValueTests
{
    private static FeatureFlagValue Parse(string json) => FeatureFlagValue.Parse(json, "new-checkout", "the store");

    [TestMethod]
    [DataRow("""{"id":"f","enabled":true,"conditions":{"client_filters":[{"name":"Percentage","parameters":{"Value":5}},{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":5}}}]}}""", "Microsoft.Percentage filter")]
    [DataRow("""{"id":"f","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting"},{"name":"targeting"}]}}""", "2 Microsoft.Targeting filters")]
    [DataRow("""{"id":"f","enabled":true}""", "no share of users to ramp")]
    [DataRow("""{"id":"f","enabled":"yes","conditions":{"client_filters":[{"name":"Microsoft.Targeting"}]}}""", "'enabled' is not true or false")]
    [DataRow("""{"id":"f","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":"5"}}}]}}""", "DefaultRolloutPercentage is not a number between 0 and 100")]
    [DataRow("""{"id":"f","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":101}}}]}}""", "DefaultRolloutPercentage is not a number between 0 and 100")]
    [DataRow("""{"id":"f","allocation":{"percentile":[{"variant":"a","from":0,"to":10},{"variant":"b","from":10,"to":50},{"variant":"c","from":50,"to":100}]}}""", "has 3 ranges")]
    [DataRow("""{"id":"f","allocation":{"percentile":[{"variant":"a","from":5,"to":10}]}}""", "does not start at 0")]
    [DataRow("""{"id":"f","allocation":{"percentile":[{"variant":"a","from":0,"to":10},{"variant":"b","from":20,"to":100}]}}""", "do not meet and reach 100")]
    [DataRow("""{"id":"f","allocation":{"percentile":[7]}}""", "does not follow the feature flag schema")]
    [DataRow("""{"id":"f","id":"g"}""", "is not JSON")]
    [DataRow("""[1,2]""", "is not a JSON object")]
    [DataRow("""{"id":"f","\ud800":1}""", "")]
    public void A_flag_without_one_sticky_share_is_bad_input_saying_why(string json, string why)
    {
        var error = Assert.ThrowsExactly<InputException>(() => Parse(json));

        Assert.StartsWith("feature flag 'new-checkout' at the store: ", error.Message);
        Assert.Contains(why, error.Message);
    }

    [TestMethod]
    public void A_targeting_filter_without_a_default_share_starts_at_none_and_gets_one_written()
    {
        var flag = Parse("""{"id":"f","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting"}]}}""");

        var written = JsonNode.Parse(flag.WithPercent(1))!;

        Assert.AreEqual(0, flag.Percent);
        Assert.AreEqual(1, (int)written["conditions"]!["client_filters"]![0]!["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!);
    }

    [TestMethod]
    public void Setting_a_disabled_flag_to_none_leaves_it_disabled()
    {
        var flag = Parse("""{"id":"f","enabled":false,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":30}}}]}}""");

        var written = Parse(flag.WithPercent(0));

        Assert.AreEqual(0, flag.Percent);
        Assert.AreEqual(30, flag.Share);
        Assert.IsFalse(written.Enabled);
        Assert.AreEqual(0, written.Share);
    }

    [TestMethod]
    public void Text_outside_ASCII_is_written_back_as_it_was()
    {
        var flag = Parse("""{"id":"f","description":"Kasse für <alle> — 'neu'","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":5}}}]}}""");

        Assert.Contains("\"description\":\"Kasse für <alle> — 'neu'\"", flag.WithPercent(0));
    }

    [TestMethod]
    public async Task An_answer_with_a_lone_surrogate_is_the_servers_failure_not_a_crash()
    {
        // Found by the appconfig-api fuzz campaign: reading the string threw InvalidOperationException.
        using var server = new FaultServer(_ => new FaultResponse(200, """{"etag":"e","content_type":"\ud800","value":"{}"}"""));
        var store = AppConfigurationFlagStore.Open(null, $"Endpoint={server.BaseAddress.GetLeftPart(UriPartial.Authority)};Id=id;Secret=c2VjcmV0", null);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.ReadAsync("new-checkout", CancellationToken.None));

        Assert.Contains("the answer is not a readable key-value", error.Message);
    }
}

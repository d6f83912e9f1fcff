using System.Text.Json.Nodes;
using Pipelines.Adapters.Flags;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Flags;

/// <summary>
/// The feature flag file store on real temporary files: the share read from Microsoft's own sample, written back
/// atomically with everything else kept, conditional on the flag as read, and malformed files named at their JSON path.
/// </summary>
[TestClass]
public sealed class FeatureFlagFileTests
{
    private const string Shop = """
        {
          "Logging": { "LogLevel": { "Default": "Warning" } },
          "feature_management": {
            "feature_flags": [
              {
                "id": "new-checkout",
                "description": "The one-page checkout",
                "enabled": true,
                "conditions": {
                  "client_filters": [
                    { "name": "Microsoft.Targeting", "parameters": { "Audience": { "Users": ["alice"], "DefaultRolloutPercentage": 0, "Exclusion": {} } } }
                  ]
                }
              },
              {
                "id": "dark-mode",
                "enabled": true,
                "allocation": { "percentile": [ { "variant": "On", "from": 0, "to": 10 }, { "variant": "Off", "from": 10, "to": 100 } ] },
                "variants": [ { "name": "On", "configuration_value": true }, { "name": "Off", "configuration_value": false } ]
              }
            ]
          }
        }
        """;

    private static string Sample => File.ReadAllText(SourceTree.PathOf(Path.Combine("tests", "data", "feature-management", "TargetingFilter.sample.json")));

    private static (TempDirectory Dir, FeatureFlagFile Store, string Path) Create(string text)
    {
        var dir = new TempDirectory("pipelines-flags");
        var path = dir.Write("flags.json", text);
        return (dir, new FeatureFlagFile(path, "flags.json"), path);
    }

    [TestMethod]
    public async Task The_share_is_the_targeting_filters_default_rollout_percentage_in_microsofts_sample()
    {
        var (dir, store, _) = Create(Sample);
        using var _ = dir;

        Assert.AreEqual(25, (await store.ReadAsync("ComplexTargeting", CancellationToken.None)).Percent);
        Assert.AreEqual(61, (await store.ReadAsync("RolloutPercentageUpdate", CancellationToken.None)).Percent);
    }

    [TestMethod]
    public async Task Setting_the_share_rewrites_only_that_flags_percentage_and_keeps_the_rest_of_the_file()
    {
        var (dir, store, path) = Create(Sample);
        using var _ = dir;
        var before = JsonNode.Parse(File.ReadAllText(path))!;

        var seen = await store.ReadAsync("RolloutPercentageUpdate", CancellationToken.None);
        var written = await store.SetPercentAsync(seen, 62, CancellationToken.None);

        Assert.AreEqual(62, written.Percent);
        Assert.AreNotEqual(seen.Version, written.Version);
        var after = JsonNode.Parse(File.ReadAllText(path))!;
        before["feature_management"]!["feature_flags"]![1]!["conditions"]!["client_filters"]![0]!["parameters"]!["Audience"]!["DefaultRolloutPercentage"] = 62;
        Assert.IsTrue(JsonNode.DeepEquals(before, after), after.ToJsonString());
        Assert.IsEmpty(Directory.GetFiles(dir.Path, "*.tmp"), "the temporary file was renamed over the file");
    }

    [TestMethod]
    public async Task The_percentile_allocations_first_range_is_the_share_and_moves_both_ranges()
    {
        var (dir, store, path) = Create(Shop);
        using var _ = dir;

        var seen = await store.ReadAsync("dark-mode", CancellationToken.None);
        await store.SetPercentAsync(seen, 25, CancellationToken.None);

        Assert.AreEqual(10, seen.Percent);
        var ranges = JsonNode.Parse(File.ReadAllText(path))!["feature_management"]!["feature_flags"]![1]!["allocation"]!["percentile"]!;
        Assert.AreEqual(25, (int)ranges[0]!["to"]!);
        Assert.AreEqual(25, (int)ranges[1]!["from"]!);
        Assert.AreEqual("Warning", (string)JsonNode.Parse(File.ReadAllText(path))!["Logging"]!["LogLevel"]!["Default"]!);
    }

    [TestMethod]
    public async Task A_disabled_flag_is_at_zero_and_a_share_above_zero_enables_it()
    {
        var (dir, store, path) = Create(Shop);
        using var _ = dir;
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        root["feature_management"]!["feature_flags"]![0]!["enabled"] = false;
        root["feature_management"]!["feature_flags"]![0]!["conditions"]!["client_filters"]![0]!["parameters"]!["Audience"]!["DefaultRolloutPercentage"] = 50;
        File.WriteAllText(path, root.ToJsonString());

        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        var written = await store.SetPercentAsync(seen, 5, CancellationToken.None);

        Assert.AreEqual(0, seen.Percent, "disabled: no user sees it, whatever the percentage says");
        Assert.AreEqual(5, written.Percent);
        Assert.IsTrue((bool)JsonNode.Parse(File.ReadAllText(path))!["feature_management"]!["feature_flags"]![0]!["enabled"]!);
    }

    [TestMethod]
    public async Task A_write_on_a_flag_changed_since_it_was_read_is_refused_and_writes_nothing()
    {
        var (dir, store, path) = Create(Shop);
        using var _ = dir;
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        var other = await store.SetPercentAsync(seen, 40, CancellationToken.None);
        var text = File.ReadAllText(path);

        var ex = await Assert.ThrowsExactlyAsync<FlagChangedException>(() => store.SetPercentAsync(seen, 5, CancellationToken.None));

        Assert.AreEqual("new-checkout", ex.Flag);
        StringAssert.Contains(ex.Message, "at 40% of users");
        Assert.AreEqual(text, File.ReadAllText(path));
        Assert.AreEqual(40, other.Percent);
    }

    [TestMethod]
    public async Task A_retried_write_that_already_took_is_not_made_again()
    {
        var (dir, store, path) = Create(Shop);
        using var _ = dir;
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        var first = await store.SetPercentAsync(seen, 5, CancellationToken.None);
        var stamp = File.GetLastWriteTimeUtc(path);
        var text = File.ReadAllText(path);

        var again = await store.SetPercentAsync(seen, 5, CancellationToken.None);

        Assert.AreEqual(first, again);
        Assert.AreEqual(text, File.ReadAllText(path));
        Assert.AreEqual(stamp, File.GetLastWriteTimeUtc(path));
    }

    [TestMethod]
    public async Task Another_flag_changed_meanwhile_does_not_block_the_write_and_is_kept()
    {
        var (dir, store, path) = Create(Shop);
        using var _ = dir;
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        await store.SetPercentAsync(await store.ReadAsync("dark-mode", CancellationToken.None), 30, CancellationToken.None);

        await store.SetPercentAsync(seen, 5, CancellationToken.None);

        Assert.AreEqual(30, (await store.ReadAsync("dark-mode", CancellationToken.None)).Percent);
        Assert.AreEqual(5, (await store.ReadAsync("new-checkout", CancellationToken.None)).Percent);
    }

    [TestMethod]
    public async Task A_flag_split_by_microsoft_percentage_is_refused_saying_users_would_flip_cohorts()
    {
        var text = """{"feature_management": {"feature_flags": [{"id": "beta", "enabled": true, "conditions": {"client_filters": [{"name": "Microsoft.Percentage", "parameters": {"Value": 50}}]}}]}}""";
        var (dir, store, _) = Create(text);
        using var _ = dir;

        var ex = await Assert.ThrowsExactlyAsync<InputException>(() => store.ReadAsync("beta", CancellationToken.None));

        StringAssert.StartsWith(ex.Message, "flags.json: $.feature_management.feature_flags[0].conditions.client_filters[0]: ");
        StringAssert.Contains(ex.Message, "draws anew on every check");
        StringAssert.Contains(ex.Message, "flip between the cohorts");
    }

    [TestMethod]
    [DataRow("{", "flags.json(1,2)", DisplayName = "not JSON")]
    [DataRow("[]", "flags.json: $: expected an object", DisplayName = "a list")]
    [DataRow("""{"feature_management": {}}""", "flags.json: $.feature_management: expected a \"feature_flags\" member", DisplayName = "no flags")]
    [DataRow("""{"feature_management": {"feature_flags": {}}}""", "flags.json: $.feature_management.feature_flags: expected a list, found an object", DisplayName = "flags not a list")]
    [DataRow("""{"feature_management": {"feature_flags": [{"id": 7}]}}""", "flags.json: $.feature_management.feature_flags[0].id: expected a string", DisplayName = "id a number")]
    [DataRow("""{"feature_management": {"feature_flags": [{"id": "other"}]}}""", "no flag with id \"new-checkout\" (the flags are: other)", DisplayName = "flag missing")]
    [DataRow("""{"feature_management": {"feature_flags": [{"id": "new-checkout", "enabled": "yes"}]}}""", "$.feature_management.feature_flags[0].enabled: expected true or false", DisplayName = "enabled as text")]
    [DataRow("""{"feature_management": {"feature_flags": [{"id": "new-checkout", "enabled": true}]}}""", "has no Microsoft.Targeting filter and no allocation.percentile", DisplayName = "no share")]
    [DataRow("""{"feature_management": {"feature_flags": [{"id": "new-checkout", "conditions": {"client_filters": [{"name": "Microsoft.Targeting", "parameters": {"Audience": {"DefaultRolloutPercentage": 150}}}]}}]}}""",
        "$.feature_management.feature_flags[0].conditions.client_filters[0].parameters.Audience.DefaultRolloutPercentage: expected a finite number from 0 to 100, found 150", DisplayName = "percentage over 100")]
    [DataRow("""{"feature_management": {"feature_flags": [{"id": "new-checkout", "allocation": {"percentile": [{"variant": "On", "from": 0, "to": 10}]}}]}}""",
        "$.feature_management.feature_flags[0].allocation.percentile: flag \"new-checkout\": expected two ranges", DisplayName = "one percentile range")]
    [DataRow("""{"feature_management": {"feature_flags": [{"id": "new-checkout", "allocation": {"percentile": [{"variant": "On", "from": 0, "to": "10"}, {"variant": "Off", "from": 10, "to": 100}]}}]}}""",
        "$.feature_management.feature_flags[0].allocation.percentile[0].to: expected a number", DisplayName = "range as text")]
    [DataRow("""{"feature_management": {"feature_flags": [{"id": "new-checkout", "enabled": true, "enabled": false}]}}""", "$.feature_management.feature_flags[0]: \"enabled\" is given twice", DisplayName = "a member twice (found by the fuzz suite)")]
    public async Task A_malformed_file_is_bad_input_naming_the_file_and_the_json_path(string text, string expected)
    {
        var (dir, store, _) = Create(text);
        using var _ = dir;

        var ex = await Assert.ThrowsAsync<InputException>(() => store.ReadAsync("new-checkout", CancellationToken.None));

        StringAssert.Contains(ex.Message, "flags.json");
        StringAssert.Contains(ex.Message, expected);
    }

    [TestMethod]
    public async Task A_missing_file_is_bad_input_naming_it()
    {
        using var dir = new TempDirectory("pipelines-flags");
        var store = new FeatureFlagFile(Path.Combine(dir.Path, "none.json"), "none.json");

        StringAssert.StartsWith((await Assert.ThrowsAsync<InputException>(() => store.ReadAsync("x", CancellationToken.None))).Message, "none.json: cannot read the feature flag file");
    }

    [TestMethod]
    public async Task Two_stores_writing_different_flags_of_one_file_at_once_lose_neither_change()
    {
        var (dir, _, path) = Create(Shop);
        using var _ = dir;

        // Each writer writes on the flag as it last wrote it: had the other's rename carried a stale copy of this
        // flag back, the next write would be refused as a change made by someone else.
        async Task Ramp(string flag)
        {
            var store = new FeatureFlagFile(path, "flags.json");
            var seen = await store.ReadAsync(flag, CancellationToken.None);
            for (var percent = 1; percent <= 40; percent++)
            {
                seen = await store.SetPercentAsync(seen, percent, CancellationToken.None);
            }
        }

        await Task.WhenAll(Task.Run(() => Ramp("new-checkout")), Task.Run(() => Ramp("dark-mode")));

        var check = new FeatureFlagFile(path, "flags.json");
        Assert.AreEqual(40, (await check.ReadAsync("new-checkout", CancellationToken.None)).Percent);
        Assert.AreEqual(40, (await check.ReadAsync("dark-mode", CancellationToken.None)).Percent);
    }
}

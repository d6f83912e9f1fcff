using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Core;
using Pipelines.Adapters.AppConfiguration;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.AppConfiguration;

/// <summary>
/// Issue #16: the App Configuration flag store against a local stand-in that behaves like the service (ETags, 412,
/// 429 with retry-after-ms, signatures checked), with faults injected: no lost update, no double write.
/// </summary>
[TestClass]
public sealed class AppConfigurationFlagStoreTests
{
    // A planted secret: base64 of "planted-secret-key-0123456789".
    private const string Secret = "cGxhbnRlZC1zZWNyZXQta2V5LTAxMjM0NTY3ODk=";

    private const string Targeting = """{"id":"new-checkout","description":"the new checkout flow","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"Users":["alice"],"Groups":[{"Name":"beta","RolloutPercentage":100}],"DefaultRolloutPercentage":5,"Exclusion":{"Users":["dave"]}}}}]},"telemetry":{"enabled":true,"metadata":{"owner":"shop"}}}""";

    private static readonly HttpRetryOptions Quick = new(3, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));

    private static AppConfigurationFlagStore Open(AppConfigurationStandIn standIn, HttpRetryOptions? retry = null, string? label = null, Action<string>? addSecret = null) =>
        AppConfigurationFlagStore.Open(null, standIn.ConnectionString, null, addSecret, label, new AzureClientOptions(retry ?? Quick));

    private static int Puts(AppConfigurationStandIn standIn) => standIn.Requests.Count(r => r.Method == "PUT");

    private static double Share(string? json) => (double)JsonNode.Parse(json!)!["conditions"]!["client_filters"]![0]!["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!;

    [TestMethod]
    public async Task A_flag_is_read_and_set_with_signed_requests_the_store_accepts()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        var etag = standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn);

        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        var set = await store.SetPercentAsync(seen, 25, CancellationToken.None);

        Assert.IsEmpty(standIn.AuthFailures, string.Join("; ", standIn.AuthFailures));
        Assert.AreEqual(new FlagSnapshot("new-checkout", 5, etag), seen);
        Assert.AreEqual(25, set.Percent);
        Assert.AreNotEqual(etag, set.Version, "every write makes a new ETag");
        Assert.AreEqual(set.Version, (string?)standIn.Get(".appconfig.featureflag/new-checkout")!["etag"]);
        Assert.AreEqual(25, Share(standIn.FlagValue("new-checkout")));
        Assert.AreEqual(1, standIn.Writes);
        Assert.AreEqual($"\"{etag}\"", standIn.Requests.Single(r => r.Method == "PUT").Header("If-Match"));
    }

    [TestMethod]
    public async Task A_write_keeps_the_label_the_tags_and_every_other_part_of_the_flag()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting, "prod", new Dictionary<string, string> { ["team"] = "shop" });
        standIn.SetFlag("new-checkout", Targeting.Replace("\"DefaultRolloutPercentage\":5", "\"DefaultRolloutPercentage\":50", StringComparison.Ordinal));
        var store = Open(standIn, label: "prod");

        await store.SetPercentAsync(await store.ReadAsync("new-checkout", CancellationToken.None), 0, CancellationToken.None);

        var written = standIn.Get(".appconfig.featureflag/new-checkout", "prod")!;
        Assert.AreEqual("shop", (string?)written["tags"]!["team"]);
        Assert.AreEqual(AppConfigurationStandIn.FlagContentType, (string?)written["content_type"]);
        var value = JsonNode.Parse((string)written["value"]!)!;
        Assert.AreEqual(0, Share(value.ToJsonString()));
        value["conditions"]!["client_filters"]![0]!["parameters"]!["Audience"]!["DefaultRolloutPercentage"] = 5;
        Assert.IsTrue(JsonNode.DeepEquals(JsonNode.Parse(Targeting), value), "only the share changed");
        Assert.AreEqual(50, Share(standIn.FlagValue("new-checkout")), "the no-label flag is another key-value, untouched");
        Assert.Contains("label=prod", standIn.Requests.Single(r => r.Method == "PUT").RawUrl!);
        Assert.Contains("label 'prod'", store.Describe);
    }

    [TestMethod]
    public async Task A_percentile_allocation_is_ramped_by_moving_the_boundary_between_its_two_ranges()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", """{"id":"new-checkout","enabled":true,"variants":[{"name":"On"},{"name":"Off"}],"allocation":{"default_when_enabled":"Off","percentile":[{"variant":"Off","from":10,"to":100},{"variant":"On","from":0,"to":10}],"seed":"s"}}""");
        var store = Open(standIn);

        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        await store.SetPercentAsync(seen, 25, CancellationToken.None);

        Assert.AreEqual(10, seen.Percent);
        var percentile = JsonNode.Parse(standIn.FlagValue("new-checkout")!)!["allocation"]!["percentile"]!;
        Assert.AreEqual("""[{"variant":"Off","from":25,"to":100},{"variant":"On","from":0,"to":25}]""", percentile.ToJsonString());
    }

    [TestMethod]
    public async Task A_flag_using_Microsoft_Percentage_is_refused_as_bad_input_because_users_would_flip_cohorts()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", """{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Percentage","parameters":{"Value":50}}]}}""");
        var store = Open(standIn);

        var error = await Assert.ThrowsExactlyAsync<InputException>(() => store.ReadAsync("new-checkout", CancellationToken.None));

        Assert.Contains("feature flag 'new-checkout'", error.Message);
        Assert.Contains("Microsoft.Percentage", error.Message);
        Assert.Contains("flip between cohorts", error.Message);
        Assert.Contains("Microsoft.Targeting", error.Message);
    }

    [TestMethod]
    public async Task A_missing_flag_is_bad_input_naming_its_key_and_the_store()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        var store = Open(standIn);

        var error = await Assert.ThrowsExactlyAsync<InputException>(() => store.ReadAsync("nope", CancellationToken.None));

        Assert.AreEqual($"feature flag 'nope' not found in App Configuration {standIn.Endpoint.GetLeftPart(UriPartial.Authority)} (key .appconfig.featureflag/nope, no label)", error.Message);
    }

    [TestMethod]
    public async Task A_concurrent_change_fails_the_write_and_is_kept()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        var theirs = Targeting.Replace("\"DefaultRolloutPercentage\":5", "\"DefaultRolloutPercentage\":40", StringComparison.Ordinal);
        standIn.BeforeNextWrite(() => standIn.SetFlag("new-checkout", theirs));

        var error = await Assert.ThrowsExactlyAsync<FlagChangedException>(() => store.SetPercentAsync(seen, 0, CancellationToken.None));

        Assert.AreEqual("new-checkout", error.Flag);
        Assert.AreEqual(theirs, standIn.FlagValue("new-checkout"), "their change is kept");
        Assert.AreEqual(0, standIn.Writes, "our conditional write was refused");
        Assert.AreEqual(1, Puts(standIn), "a 412 is not retried");
    }

    [TestMethod]
    public async Task A_write_whose_answer_is_lost_is_found_on_reading_again_and_not_made_twice()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        standIn.LoseNextWriteAnswer();

        var set = await store.SetPercentAsync(seen, 0, CancellationToken.None);

        Assert.AreEqual(0, set.Percent);
        Assert.AreEqual(set.Version, (string?)standIn.Get(".appconfig.featureflag/new-checkout")!["etag"]);
        Assert.AreEqual(1, standIn.Writes, "one write carried out");
        Assert.AreEqual(2, Puts(standIn), "the retry met 412 and no third PUT was sent");
        Assert.AreEqual(2, standIn.Requests.Count(r => r.Method == "GET"), "the read, and the re-read after the 412");
    }

    [TestMethod]
    public async Task A_write_whose_answer_comes_after_the_attempt_timeout_is_not_made_twice()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn, Quick with { AttemptTimeout = TimeSpan.FromMilliseconds(500) });
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        standIn.LoseNextWriteAnswer(TimeSpan.FromSeconds(3));

        var set = await store.SetPercentAsync(seen, 0, CancellationToken.None);

        Assert.AreEqual(0, set.Percent);
        Assert.AreEqual(0, Share(standIn.FlagValue("new-checkout")));
        Assert.AreEqual(1, standIn.Writes);
        Assert.AreEqual(2, Puts(standIn));
    }

    [TestMethod]
    public async Task A_lost_answer_followed_by_someone_elses_change_is_a_conflict_not_a_success()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        var theirs = Targeting.Replace("\"enabled\":true", "\"enabled\":false", StringComparison.Ordinal);
        standIn.LoseNextWriteAnswer();
        standIn.BeforeNextWrite(() => standIn.SetFlag("new-checkout", theirs));

        await Assert.ThrowsExactlyAsync<FlagChangedException>(() => store.SetPercentAsync(seen, 0, CancellationToken.None));

        Assert.AreEqual(theirs, standIn.FlagValue("new-checkout"), "their change, made after ours, is kept");
        Assert.AreEqual(1, standIn.Writes, "ours (its answer lost); the retry was refused");
    }

    [TestMethod]
    public async Task Throttling_is_waited_out_for_the_retry_after_ms_the_store_names()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn, Quick with { BaseDelay = TimeSpan.FromMilliseconds(1) });
        standIn.Throttle(2, 400);
        var watch = Stopwatch.StartNew();

        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);

        Assert.AreEqual(5, seen.Percent);
        Assert.HasCount(3, standIn.Requests, "two throttled attempts, then the answer");
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(780), watch.Elapsed, "400 ms waited twice");
    }

    [TestMethod]
    public async Task Throttling_past_the_total_budget_fails_as_the_outside_system_without_writing()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn, Quick with { TotalTimeout = TimeSpan.FromSeconds(1) });
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        standIn.Throttle(20, 60_000);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.SetPercentAsync(seen, 0, CancellationToken.None));

        Assert.Contains("no answer within 1 s, retries included", error.Message);
        Assert.IsLessThan(TimeSpan.FromSeconds(10), watch.Elapsed);
        Assert.AreEqual(0, standIn.Writes);
        Assert.AreEqual(5, Share(standIn.FlagValue("new-checkout")));
    }

    [TestMethod]
    public async Task Server_errors_are_retried_and_the_write_made_once()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        standIn.Fail(2, 503);

        var set = await store.SetPercentAsync(seen, 0, CancellationToken.None);

        Assert.AreEqual(0, set.Percent);
        Assert.AreEqual(3, Puts(standIn));
        Assert.AreEqual(1, standIn.Writes);
    }

    [TestMethod]
    public async Task Server_errors_past_the_retries_fail_as_the_outside_system_after_exactly_the_retries()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        standIn.Fail(10, 500);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.SetPercentAsync(seen, 0, CancellationToken.None));

        Assert.Contains("could not write feature flag 'new-checkout'", error.Message);
        Assert.Contains("500", error.Message);
        Assert.AreEqual(Quick.MaxRetries + 1, Puts(standIn));
        Assert.AreEqual(0, standIn.Writes);
    }

    [TestMethod]
    public async Task Every_attempt_timing_out_fails_as_the_outside_system_after_exactly_the_retries()
    {
        using var server = new FaultServer(_ => new FaultResponse(200, "{}", Delay: TimeSpan.FromSeconds(5)));
        var store = AppConfigurationFlagStore.Open(null, $"Endpoint={server.BaseAddress.GetLeftPart(UriPartial.Authority)};Id=id;Secret={Secret}", null,
            options: new AzureClientOptions(Quick with { MaxRetries = 2, AttemptTimeout = TimeSpan.FromMilliseconds(300) }));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.ReadAsync("new-checkout", CancellationToken.None));

        Assert.StartsWith("Azure App Configuration: could not read feature flag 'new-checkout'", error.Message);
        Assert.HasCount(3, server.Requests);
        Assert.IsLessThan(TimeSpan.FromSeconds(5), watch.Elapsed, "three attempts of 300 ms and two short waits");
    }

    [TestMethod]
    public async Task A_garbage_answer_fails_as_the_outside_system()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn);
        standIn.Garbage(1);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.ReadAsync("new-checkout", CancellationToken.None));

        Assert.Contains("could not read feature flag 'new-checkout': the answer is not JSON", error.Message);
    }

    [TestMethod]
    public async Task Setting_the_share_the_flag_already_has_writes_nothing()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting);
        var store = Open(standIn);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);

        var set = await store.SetPercentAsync(seen, 5, CancellationToken.None);

        Assert.AreEqual(seen, set);
        Assert.AreEqual(0, Puts(standIn));
    }

    [TestMethod]
    public async Task A_flag_written_with_other_whitespace_and_already_at_the_share_is_not_rewritten()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", JsonNode.Parse(Targeting)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var store = Open(standIn);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);

        await store.SetPercentAsync(seen, 5, CancellationToken.None);

        Assert.AreEqual(0, Puts(standIn));
    }

    [TestMethod]
    public async Task A_snapshot_from_another_run_is_written_only_while_the_flag_is_still_that_version()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        var etag = standIn.SetFlag("new-checkout", Targeting);
        var stale = new FlagSnapshot("new-checkout", 5, "an-old-etag");

        await Assert.ThrowsExactlyAsync<FlagChangedException>(() => Open(standIn).SetPercentAsync(stale, 0, CancellationToken.None));
        var set = await Open(standIn).SetPercentAsync(new FlagSnapshot("new-checkout", 5, etag), 0, CancellationToken.None);

        Assert.AreEqual(0, set.Percent);
        Assert.AreEqual(1, Puts(standIn), "the stale snapshot sent no write");
    }

    [TestMethod]
    public async Task A_locked_flag_is_bad_input_and_not_written()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.Set(".appconfig.featureflag/new-checkout", Targeting, locked: true);
        var store = Open(standIn);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);

        var error = await Assert.ThrowsExactlyAsync<InputException>(() => store.SetPercentAsync(seen, 0, CancellationToken.None));

        Assert.Contains("is locked (read-only)", error.Message);
        Assert.AreEqual(0, Puts(standIn));
    }

    [TestMethod]
    public async Task A_disabled_flag_shows_no_users_and_is_enabled_by_ramping_it_up()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Targeting.Replace("\"enabled\":true", "\"enabled\":false", StringComparison.Ordinal));
        var store = Open(standIn);

        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        var set = await store.SetPercentAsync(seen, 1, CancellationToken.None);

        Assert.AreEqual(0, seen.Percent);
        Assert.AreEqual(1, set.Percent);
        Assert.IsTrue((bool)JsonNode.Parse(standIn.FlagValue("new-checkout")!)!["enabled"]!);
    }

    [TestMethod]
    public async Task The_ambient_credential_is_asked_for_the_endpoints_audience_and_its_token_accepted()
    {
        using var standIn = new AppConfigurationStandIn(secret: null, token: "ambient-token");
        standIn.SetFlag("new-checkout", Targeting);
        var credential = new RecordingCredential("ambient-token");
        var store = AppConfigurationFlagStore.Open(standIn.Endpoint.ToString(), null, credential, options: new AzureClientOptions(Quick));

        var set = await store.SetPercentAsync(await store.ReadAsync("new-checkout", CancellationToken.None), 0, CancellationToken.None);

        Assert.AreEqual(0, set.Percent);
        Assert.IsEmpty(standIn.AuthFailures);
        Assert.AreEqual(standIn.Endpoint.GetLeftPart(UriPartial.Authority) + "/.default", credential.Scopes.Distinct().Single());
    }

    [TestMethod]
    public void Each_clouds_store_is_asked_for_that_clouds_audience()
    {
        Assert.AreEqual("https://appconfig.azure.com/.default", AppConfigurationFlagStore.Scope(new Uri("https://shop.azconfig.io")));
        Assert.AreEqual("https://appconfig.azure.us/.default", AppConfigurationFlagStore.Scope(new Uri("https://shop.azconfig.azure.us")));
        Assert.AreEqual("https://appconfig.azure.cn/.default", AppConfigurationFlagStore.Scope(new Uri("https://shop.azconfig.azure.cn")));
        Assert.AreEqual("https://config.example.org/.default", AppConfigurationFlagStore.Scope(new Uri("https://config.example.org/")));
    }

    [TestMethod]
    public void No_endpoint_and_no_connection_string_is_bad_input_naming_both()
    {
        var error = Assert.ThrowsExactly<InputException>(() => AppConfigurationFlagStore.Open(null, null, new RecordingCredential("t")));

        Assert.Contains("--store: required", error.Message);
        Assert.Contains(AppConfigurationFlagStore.ConnectionStringVariable, error.Message);
    }

    [TestMethod]
    [DataRow("ftp://shop.azconfig.io")]
    [DataRow("http://shop.azconfig.io")]
    [DataRow("https://shop.azconfig.io/kv?x=1")]
    [DataRow("shop")]
    public void An_endpoint_that_is_not_an_https_store_is_bad_input_naming_the_option(string endpoint)
    {
        var error = Assert.ThrowsExactly<InputException>(() => AppConfigurationFlagStore.Open(endpoint, null, new RecordingCredential("t")));

        Assert.StartsWith("--store: '", error.Message);
        Assert.Contains("is not an App Configuration endpoint", error.Message);
    }

    [TestMethod]
    public void An_endpoint_other_than_the_connection_strings_is_bad_input()
    {
        var error = Assert.ThrowsExactly<InputException>(() =>
            AppConfigurationFlagStore.Open("https://other.azconfig.io", $"Endpoint=https://shop.azconfig.io;Id=id;Secret={Secret}", null));

        Assert.AreEqual($"--store: https://other.azconfig.io is not the store {AppConfigurationFlagStore.ConnectionStringVariable} is for (https://shop.azconfig.io)", error.Message);
        Assert.DoesNotContain(Secret, error.Message);
    }

    [TestMethod]
    [DataRow("a:b")]
    [DataRow("50%")]
    [DataRow("")]
    public async Task A_flag_name_the_schema_forbids_is_bad_input(string name)
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);

        await Assert.ThrowsExactlyAsync<InputException>(() => Open(standIn).ReadAsync(name, CancellationToken.None));

        Assert.IsEmpty(standIn.Requests);
    }

    private sealed class RecordingCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

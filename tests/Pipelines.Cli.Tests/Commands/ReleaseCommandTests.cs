using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// <c>pipelines release</c> end to end: a Feature Management file as the store, and live instances on 127.0.0.1 that
/// read it and label their /metrics by cohort — the new checkout flow fails a fifth of checkouts when the flag is the
/// broken one — scraped by the in-process gate, the cohorts told apart by label matchers.
/// </summary>
[TestClass]
public sealed class ReleaseCommandTests
{
    private sealed class Shop : IDisposable
    {
        private readonly List<FaultServer> _servers = [];

        public Shop(int size = 2)
        {
            Work.Write("flags.json", """
                {
                  "Logging": { "LogLevel": { "Default": "Warning" } },
                  "feature_management": {
                    "feature_flags": [
                      { "id": "new-checkout", "enabled": true, "conditions": { "client_filters": [ { "name": "Microsoft.Targeting", "parameters": { "Audience": { "DefaultRolloutPercentage": 0 } } } ] } },
                      { "id": "broken-checkout", "enabled": true, "conditions": { "client_filters": [ { "name": "Microsoft.Targeting", "parameters": { "Audience": { "DefaultRolloutPercentage": 0 } } } ] } },
                      { "id": "coin-flip", "enabled": true, "conditions": { "client_filters": [ { "name": "Microsoft.Percentage", "parameters": { "Value": 50 } } ] } }
                    ]
                  }
                }
                """);
            for (var i = 0; i < size; i++)
            {
                var scrapes = 0;
                _servers.Add(new FaultServer(request => request.Path == "/metrics"
                    ? new FaultResponse(200, Metrics(Interlocked.Increment(ref scrapes), Percent("broken-checkout") > 0 ? 20 : 1))
                    : new FaultResponse(404)));
            }

            var targets = string.Join(',', _servers.Select(s => new Uri(s.BaseAddress, "/metrics")));
            Work.Write("gate.yml", $$"""
                gate:
                  provider: scrape
                  interval: 0.1s
                  min-samples: 5
                  canary:
                    targets: {{targets}}
                    match: cohort="on"
                  baseline:
                    targets: {{targets}}
                    match: cohort="off"
                  metrics:
                    - name: checkout-errors
                      kind: ratio
                      query: checkouts_total{outcome="failed"} / checkouts_total
                      floor: 2%
                      critical: true
                """);
        }

        public TempDirectory Work { get; } = new("pipelines-release");

        public double Percent(string flag)
        {
            var flags = JsonNode.Parse(File.ReadAllText(Path.Combine(Work.Path, "flags.json")))!["feature_management"]!["feature_flags"]!.AsArray();
            var node = flags.Single(f => (string)f!["id"]! == flag)!;
            return (double)node["conditions"]!["client_filters"]![0]!["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!;
        }

        public (int Exit, JsonElement Json, string Error) Release(string phase, params string[] extra) =>
            Release(new Dictionary<string, string?>(), phase, extra);

        public (int Exit, JsonElement Json, string Error) Release(IReadOnlyDictionary<string, string?> environment, string phase, params string[] extra)
        {
            var run = CliRunner.Run(Work.Path, environment, ["release", phase, "--store", "flags.json", "--gate", "gate.yml", "--bake", "1s", "--json", .. extra]);
            var json = run.StandardOutput.Length > 0 ? JsonDocument.Parse(run.StandardOutput).RootElement.Clone() : default;
            return (run.ExitCode, json, run.StandardError + run.StandardOutput);
        }

        public void Dispose()
        {
            foreach (var server in _servers)
            {
                server.Dispose();
            }

            Work.Dispose();
        }

        /// <summary>Both cohorts check out 100 times a scrape; the on cohort fails <paramref name="onFailures"/> of them.</summary>
        private static string Metrics(int n, int onFailures) =>
            $"checkouts_total{{cohort=\"on\",outcome=\"ok\"}} {n * (100 - onFailures)}\ncheckouts_total{{cohort=\"on\",outcome=\"failed\"}} {n * onFailures}\n"
            + $"checkouts_total{{cohort=\"off\",outcome=\"ok\"}} {n * 99}\ncheckouts_total{{cohort=\"off\",outcome=\"failed\"}} {n}\n";
    }

    private static List<string> Timeline(JsonElement json) => [.. json.GetProperty("timeline").EnumerateArray().Select(e => e.GetString()!)];

    [TestMethod]
    public void A_good_flag_is_ramped_step_by_step_judged_on_against_off_and_reaches_everyone()
    {
        using var shop = new Shop();

        var (exit, json, error) = shop.Release("run", "--flag", "new-checkout", "--steps", "1,5,25,100");

        Assert.AreEqual(0, exit, error);
        Assert.AreEqual("promoted", json.GetProperty("result").GetString());
        Assert.AreEqual(100, json.GetProperty("percent").GetDouble());
        Assert.AreEqual(100, shop.Percent("new-checkout"));
        var timeline = Timeline(json);
        Assert.AreEqual(3, timeline.Count(t => t.Contains("judged pass", StringComparison.Ordinal)), string.Join("\n", timeline));
        Assert.IsTrue(timeline.Any(t => t.EndsWith("flag new-checkout at 5% of users", StringComparison.Ordinal)), string.Join("\n", timeline));
        StringAssert.Contains(File.ReadAllText(Path.Combine(shop.Work.Path, "release-report.md")), "Release: promoted");
        StringAssert.Contains(File.ReadAllText(Path.Combine(shop.Work.Path, "flags.json")), "\"Logging\"", "the rest of the file is kept");
    }

    [TestMethod]
    public void A_broken_flag_fails_at_the_first_step_and_the_kill_switch_sets_it_to_zero()
    {
        using var shop = new Shop();

        var (exit, json, error) = shop.Release("run", "--flag", "broken-checkout", "--steps", "1,5,25,100");

        Assert.AreEqual(1, exit, error);
        Assert.AreEqual("rolled-back", json.GetProperty("result").GetString());
        Assert.AreEqual(0, shop.Percent("broken-checkout"));
        var timeline = string.Join("\n", Timeline(json));
        StringAssert.Contains(timeline, "the gate said fail at 1% of users");
        StringAssert.Contains(timeline, "kill switch: flag broken-checkout at 0% of users");
        Assert.AreEqual(0, shop.Percent("new-checkout"), "the other flag is untouched");
    }

    [TestMethod]
    public void Ramp_stops_before_100_percent_and_promote_finishes_from_the_state_file()
    {
        using var shop = new Shop();

        var (rampExit, ramp, rampError) = shop.Release("ramp", "--flag", "new-checkout", "--steps", "1,10,100");
        Assert.AreEqual(0, rampExit, rampError);
        Assert.AreEqual("ramped", ramp.GetProperty("result").GetString());
        Assert.AreEqual(10, shop.Percent("new-checkout"));

        var (exit, json, error) = shop.Release("promote");

        Assert.AreEqual(0, exit, error);
        Assert.AreEqual("promoted", json.GetProperty("result").GetString());
        Assert.AreEqual(100, shop.Percent("new-checkout"));
    }

    [TestMethod]
    public void A_release_killed_mid_step_is_resumed_by_run_and_undone_by_rollback()
    {
        using var shop = new Shop();
        var (exit, _, error) = shop.Release("ramp", "--flag", "new-checkout", "--steps", "1,5");
        Assert.AreEqual(0, exit, error);

        // As a kill between "5% written" and "state saved" leaves it: 25% intended, 5% recorded, the file already at 25%.
        var statePath = Path.Combine(shop.Work.Path, "release-state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!;
        state["steps"] = new JsonArray(1, 5, 25, 100);
        state["percentIntent"] = 25;
        File.WriteAllText(statePath, state.ToJsonString());
        var flags = File.ReadAllText(Path.Combine(shop.Work.Path, "flags.json")).Replace("\"DefaultRolloutPercentage\": 5", "\"DefaultRolloutPercentage\": 25", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(shop.Work.Path, "flags.json"), flags);
        Assert.AreEqual(25, shop.Percent("new-checkout"));

        var (rollbackExit, json, rollbackError) = shop.Release("rollback");

        Assert.AreEqual(1, rollbackExit, rollbackError);
        Assert.AreEqual("rolled-back", json.GetProperty("result").GetString());
        Assert.AreEqual(0, shop.Percent("new-checkout"));
    }

    [TestMethod]
    public void A_flag_split_by_microsoft_percentage_is_refused_before_anything_moves()
    {
        using var shop = new Shop();

        var (exit, _, error) = shop.Release("run", "--flag", "coin-flip");

        Assert.AreEqual(2, exit, error);
        StringAssert.Contains(error, "flags.json: $.feature_management.feature_flags[2].conditions.client_filters[0]");
        StringAssert.Contains(error, "draws anew on every check");
    }

    [TestMethod]
    public void Promote_with_no_ramp_in_the_state_file_is_bad_input()
    {
        using var shop = new Shop();

        var (exit, _, error) = shop.Release("promote", "--flag", "new-checkout");

        Assert.AreEqual(2, exit, error);
        StringAssert.Contains(error, "release-state.json does not exist; run 'release ramp' first");
    }

    [TestMethod]
    public void An_app_configuration_store_signed_with_its_connection_string_is_ramped_to_100_percent_and_the_secret_never_printed()
    {
        const string secret = "c2VjcmV0LXBsYW50ZWQ=";
        using var standIn = new AppConfigurationStandIn(secret: secret);
        standIn.SetFlag("new-checkout", """{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":0}}}]}}""");
        using var work = new TempDirectory("pipelines-release-appconfig");

        var run = CliRunner.Run(work.Path, new Dictionary<string, string?> { ["PIPELINES_APPCONFIG_CONNECTION_STRING"] = standIn.ConnectionString },
            "release", "run", "--flag", "new-checkout", "--store", standIn.Endpoint.GetLeftPart(UriPartial.Authority), "--steps", "5,25", "--bake", "1s");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var flag = JsonNode.Parse(standIn.FlagValue("new-checkout")!)!;
        Assert.AreEqual(100, (double)flag["conditions"]!["client_filters"]![0]!["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!);
        Assert.IsEmpty(standIn.AuthFailures, "every request signed with the connection string's secret");
        Assert.AreEqual(3, standIn.Writes, "5%, 25%, then 100%: each share written once");
        Assert.DoesNotContain(secret, run.StandardError + run.StandardOutput);
    }

    [TestMethod]
    public void A_connection_string_given_as_the_store_is_bad_input_that_never_prints_it()
    {
        using var shop = new Shop();
        const string secret = "c2VjcmV0LXBsYW50ZWQ=";
        var run = CliRunner.Run(shop.Work.Path, new Dictionary<string, string?>(),
            "release", "run", "--flag", "new-checkout", "--store", $"Endpoint=https://shop.azconfig.io;Id=abc;Secret={secret}");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "its connection string goes in PIPELINES_APPCONFIG_CONNECTION_STRING");
        Assert.DoesNotContain(secret, run.StandardError + run.StandardOutput);
    }

    [TestMethod]
    public void Steps_that_do_not_rise_are_bad_input_naming_the_option()
    {
        using var shop = new Shop();

        var (exit, _, error) = shop.Release("run", "--flag", "new-checkout", "--steps", "5,1");

        Assert.AreEqual(2, exit, error);
        StringAssert.Contains(error, "--steps: '1' is not a rising share of users");
    }
}

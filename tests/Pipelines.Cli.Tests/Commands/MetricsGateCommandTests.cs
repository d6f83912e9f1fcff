using System.Globalization;
using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary><c>pipelines metrics-gate</c> with the file provider: config in, verdict, report and exit code out.</summary>
[TestClass]
public sealed class MetricsGateCommandTests
{
    private const string Gate = """
        gate:
          provider: file
          metrics:
            - name: server-errors
              kind: ratio
              bad: increase
              tolerance: 50%
              critical: true
              weight: 2
            - name: latency-p95
              kind: continuous
              bad: increase
              tolerance: 10%
            - name: registrations
              kind: count
              bad: decrease
          score: { pass: 95, marginal: 70 }
          min-samples: 20
          no-data: inconclusive
        """;

    private static string Samples(double median, int seed)
    {
        var random = new Random(seed);
        return "[" + string.Join(",", Enumerable.Range(0, 30).Select(_ => (median * (0.9 + (0.2 * random.NextDouble()))).ToString("0.###", CultureInfo.InvariantCulture))) + "]";
    }

    private static TempDirectory Setup(long canaryErrors = 500, double canaryLatency = 200, long canarySignUps = 120, string extra = "")
    {
        var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", Gate);
        dir.Write("data.json", $$$"""
            {"metrics": {
              "server-errors": {"canary": {"events": {{{canaryErrors}}}, "trials": 100000}, "baseline": {"events": 500, "trials": 100000}{{{extra}}}},
              "latency-p95": {"canary": {{{Samples(canaryLatency, 1)}}}, "baseline": {{{Samples(200, 2)}}}},
              "registrations": {"canary": {"events": {{{canarySignUps}}}, "trials": 3600}, "baseline": {"events": 120, "trials": 3600}}
            }}
            """);
        return dir;
    }

    private static Dictionary<string, string?> GitHub(TempDirectory dir) => new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_OUTPUT"] = Path.Combine(dir.Path, "output"),
        ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir.Path, "summary"),
    };

    [TestMethod]
    public void A_healthy_canary_passes_and_the_report_is_written()
    {
        using var dir = Setup();
        var env = GitHub(dir);

        var run = CliRunner.Run(dir.Path, env, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(0, run.ExitCode, run.StandardError + run.StandardOutput);
        var outputs = GitHubOutputFile.Parse(File.ReadAllText(env["GITHUB_OUTPUT"]!));
        Assert.AreEqual("pass", outputs["verdict"]);
        Assert.AreEqual("100", outputs["score"]);
        Assert.AreEqual("gate-report.md", outputs["report"]);
        var report = File.ReadAllText(Path.Combine(dir.Path, "gate-report.md"));
        StringAssert.Contains(report, "| `server-errors` | 500 / 100,000 (0.5%) | 500 / 100,000 (0.5%) | rate-ratio (exact, conditional) |");
        StringAssert.Contains(File.ReadAllText(env["GITHUB_STEP_SUMMARY"]!), "Metrics gate: pass");
    }

    [TestMethod]
    public void The_report_shows_both_sides_and_a_chart_of_canary_against_baseline()
    {
        using var dir = Setup(canaryLatency: 300);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var report = File.ReadAllText(Path.Combine(dir.Path, "gate-report.md"));
        StringAssert.Contains(report, "| `latency-p95` | median ");
        StringAssert.Contains(report, "(n=30)");
        StringAssert.Contains(report, "![canary vs baseline](gate-report.svg)");
        StringAssert.Contains(report, "```mermaid\nxychart-beta\n  title \"latency-p95: canary (first line) vs baseline\"");
        var svg = System.Xml.Linq.XDocument.Load(Path.Combine(dir.Path, "gate-report.svg"));
        var ns = (System.Xml.Linq.XNamespace)"http://www.w3.org/2000/svg";
        Assert.AreEqual(2, svg.Descendants(ns + "polyline").Count(), "canary and baseline lines for the one continuous metric");
        Assert.AreEqual(30, svg.Descendants(ns + "polyline").First().Attribute("points")!.Value.Split(' ').Length);
        Assert.AreEqual(4, svg.Descendants(ns + "rect").Count(r => r.Attribute("fill")?.Value is "#d9480f" or "#1c7ed6"), "two bars for each events metric");
    }

    [TestMethod]
    public void Twice_the_errors_on_the_critical_metric_fail_the_gate()
    {
        using var dir = Setup(canaryErrors: 1000);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json", "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("fail", json.GetProperty("verdict").GetString());
        Assert.AreEqual(0, json.GetProperty("score").GetDouble());
        var errors = json.GetProperty("metrics")[0];
        Assert.AreEqual("fail", errors.GetProperty("answer").GetString());
        Assert.AreEqual(1.0, errors.GetProperty("effect").GetDouble(), 1e-9);
    }

    [TestMethod]
    public void Too_little_traffic_is_inconclusive_and_the_report_says_what_the_data_could_see_and_how_much_more_bake_would_decide()
    {
        using var dir = Setup();
        dir.Write("data.json", $$$"""
            {"metrics": {
              "server-errors": {"canary": {"events": 15, "trials": 1500}, "baseline": {"events": 60, "trials": 6000}},
              "latency-p95": {"canary": {{{Samples(200, 1)}}}, "baseline": {{{Samples(200, 2)}}}},
              "registrations": {"canary": {"events": 120, "trials": 3600}, "baseline": {"events": 120, "trials": 3600}}
            }}
            """);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json", "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("inconclusive", json.GetProperty("verdict").GetString());
        var errors = json.GetProperty("metrics")[0];
        Assert.AreEqual("undecided", errors.GetProperty("answer").GetString());
        Assert.IsGreaterThan(0.5, errors.GetProperty("detectableEffect").GetDouble());
        var report = File.ReadAllText(Path.Combine(dir.Path, "gate-report.md"));
        StringAssert.Contains(report, "min more at this traffic");
        StringAssert.Contains(report, "could have caught");
    }

    [TestMethod]
    public void A_marginal_verdict_exits_1_unless_allowed()
    {
        using var dir = Setup(canaryLatency: 320); // latency fails: 3 of 4 weight passes, score 75

        var blocked = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json", "--json");
        var allowed = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json", "--allow-marginal");

        Assert.AreEqual(1, blocked.ExitCode, blocked.StandardError);
        Assert.AreEqual("marginal", JsonDocument.Parse(blocked.StandardOutput).RootElement.GetProperty("verdict").GetString());
        Assert.AreEqual(0, allowed.ExitCode, allowed.StandardError);
    }

    [TestMethod]
    public void A_partial_answer_is_inconclusive_and_never_a_pass()
    {
        using var dir = Setup(extra: ", \"complete\": false");

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json", "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("inconclusive", json.GetProperty("verdict").GetString());
        StringAssert.Contains(json.GetProperty("metrics")[0].GetProperty("reason").GetString(), "partial result");
    }

    [TestMethod]
    public void A_misspelled_metric_key_is_bad_input_with_file_line_and_a_hint()
    {
        using var dir = Setup();
        dir.Write(".pipelines/pipelines.yml", Gate.Replace("tolerance: 50%\n      critical", "tolerence: 50%\n      critical", StringComparison.Ordinal));

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, ".pipelines/pipelines.yml(7,7):");
        StringAssert.Contains(run.StandardError, "gate.metrics[0].tolerence: unknown key");
        StringAssert.Contains(run.StandardError, "did you mean 'tolerance'");
    }

    [TestMethod]
    public void The_file_provider_without_data_is_bad_input_naming_the_option()
    {
        using var dir = Setup();

        var run = CliRunner.Run(dir.Path, "metrics-gate");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--data");
    }

    [TestMethod]
    public void The_scrape_provider_reads_the_instances_own_metrics_and_fails_a_canary_with_ten_times_the_errors()
    {
        FaultServer Instance(int errorsPerScrape)
        {
            var scrapes = 0;
            return new FaultServer(_ =>
            {
                var n = Interlocked.Increment(ref scrapes);
                return new FaultResponse(200, $"requests_total{{code=\"200\"}} {n * (200 - errorsPerScrape)}\nrequests_total{{code=\"500\"}} {n * errorsPerScrape}\n");
            });
        }

        using var canary = Instance(20);
        using var baseline = Instance(2);
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", $$"""
            gate:
              provider: scrape
              interval: 0.1s
              window: 1s
              canary: { targets: "{{canary.BaseAddress}}metrics" }
              baseline: { targets: "{{baseline.BaseAddress}}metrics" }
              metrics:
                - name: server-errors
                  kind: ratio
                  query: requests_total{code=~"5.."} / requests_total
                  critical: true
            """);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("fail", json.GetProperty("verdict").GetString());
        Assert.AreEqual(9.0, json.GetProperty("metrics")[0].GetProperty("effect").GetDouble(), 1e-9); // 10% against 1%: +900%
    }

    /// <summary>Stands in for Prometheus' HTTP API: the error counter's increase is 10% of requests where the query names the canary's label, 1% elsewhere.</summary>
    private static FaultServer Prometheus(string canaryLabel) => new(request =>
    {
        var query = Uri.UnescapeDataString(request.Body.Replace('+', ' '));
        var value = (query.Contains(canaryLabel, StringComparison.Ordinal), query.Contains("5..", StringComparison.Ordinal)) switch
        {
            (true, true) => 1000,
            (false, true) => 100,
            _ => 10000,
        };
        return new FaultResponse(200, $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"{{{value}}}"]}]}}""");
    });

    [TestMethod]
    public void The_prometheus_provider_queries_the_gates_endpoint_with_each_sides_selector()
    {
        using var prometheus = Prometheus(canaryLabel: "v2");
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", $$$"""
            gate:
              provider: prometheus
              endpoint: {{{prometheus.BaseAddress}}}
              canary: { version: v2 }
              baseline: { version: v1 }
              metrics:
                - name: server-errors
                  kind: ratio
                  query: http_requests_total{code=~"5..", {selector}} / http_requests_total{{selector}}
                  critical: true
            """);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        Assert.AreEqual("fail", JsonDocument.Parse(run.StandardOutput).RootElement.GetProperty("verdict").GetString());
        var queries = prometheus.Requests.Select(r => Uri.UnescapeDataString(r.Body.Replace('+', ' '))).ToList();
        Assert.IsTrue(queries.Any(q => q.Contains("http_requests_total{code=~\"5..\", version=\"v2\"}", StringComparison.Ordinal)), string.Join("\n", queries));
        Assert.IsTrue(prometheus.Requests.All(r => r.Path == "/api/v1/query"));
    }

    [TestMethod]
    public void Version_and_previous_tell_the_sides_apart_in_the_selectors_and_a_placeholder_without_its_option_is_bad_input()
    {
        using var prometheus = Prometheus(canaryLabel: "a1b2c3");
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", $$$"""
            gate:
              provider: prometheus
              endpoint: {{{prometheus.BaseAddress}}}
              canary: { version: "{version}" }
              baseline: { version: "{previous}" }
              metrics:
                - name: server-errors
                  kind: ratio
                  query: http_requests_total{code=~"5..", {selector}} / http_requests_total{{selector}}
                  critical: true
            """);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--version", "a1b2c3", "--previous", "9f8e7d", "--json");
        var asked = prometheus.Requests.Count;
        var missing = CliRunner.Run(dir.Path, "metrics-gate", "--version", "a1b2c3");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var queries = prometheus.Requests.Select(r => Uri.UnescapeDataString(r.Body.Replace('+', ' '))).ToList();
        Assert.IsTrue(queries.Any(q => q.Contains("version=\"a1b2c3\"", StringComparison.Ordinal)), string.Join("\n", queries));
        Assert.IsTrue(queries.Any(q => q.Contains("version=\"9f8e7d\"", StringComparison.Ordinal)), string.Join("\n", queries));
        Assert.AreEqual(2, missing.ExitCode);
        StringAssert.Contains(missing.StandardError, "gate.baseline.version: '{previous}' needs --previous");
        Assert.AreEqual(asked, prometheus.Requests.Count, "nothing is asked with a placeholder left in");
    }

    [TestMethod]
    public void The_prometheus_provider_without_an_endpoint_is_bad_input_naming_the_key()
    {
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", """
            gate:
              provider: prometheus
              metrics:
                - name: latency
                  kind: continuous
                  query: latency_p95_seconds{{selector}}
            """);

        var run = CliRunner.Run(dir.Path, "metrics-gate");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "gate.endpoint");
    }

    private static TempDirectory WatchSetup(long releaseErrors)
    {
        var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", """
            gate:
              provider: file
              interval: 0.05s
              metrics:
                - name: server-errors
                  kind: ratio
                  critical: true
                - name: latency-p95
                  kind: continuous
            """);
        dir.Write("data.json", $$$"""
            {"metrics": {
              "server-errors": {"canary": {"events": {{{releaseErrors}}}, "trials": 1000}, "baseline": {"events": 10, "trials": 1000}},
              "latency-p95": {"canary": [200], "baseline": [200]}
            }}
            """);
        return dir;
    }

    [TestMethod]
    public void Watch_mode_fails_at_the_first_alarm_when_the_release_triples_the_errors()
    {
        using var dir = WatchSetup(releaseErrors: 30);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json", "--watch", "2s", "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("fail", json.GetProperty("verdict").GetString());
        Assert.IsLessThan(40, json.GetProperty("looks").GetInt32(), "stopped before the watch's 40 looks");
        Assert.IsTrue(json.GetProperty("metrics")[0].GetProperty("alarm").GetBoolean());
        StringAssert.Contains(File.ReadAllText(Path.Combine(dir.Path, "gate-report.md")), "Metrics watch: fail");
    }

    [TestMethod]
    public void Watch_mode_passes_an_unchanged_release_after_every_look()
    {
        using var dir = WatchSetup(releaseErrors: 10);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json", "--watch", "0.5s", "--json");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("pass", json.GetProperty("verdict").GetString());
        Assert.AreEqual(10, json.GetProperty("looks").GetInt32());
    }

    [TestMethod]
    public void Watch_mode_with_a_duration_that_is_not_one_is_bad_input_naming_the_option()
    {
        using var dir = WatchSetup(releaseErrors: 10);

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json", "--watch", "forever");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--watch");
    }

    [TestMethod]
    public void On_Azure_Pipelines_for_a_pull_request_the_verdict_becomes_a_pull_request_status_once()
    {
        using var dir = Setup(canaryErrors: 1000);
        using var bare = new TempDirectory("pipelines-origin");
        Programs.RunOrThrow("git", ["init", "--quiet", "--bare", bare.Path]);
        using var repos = new AzureReposEmulator("fabrikam", "Shop", "shop", bare.Path);
        var env = new Dictionary<string, string?>
        {
            ["TF_BUILD"] = "True",
            ["AGENT_TEMPDIRECTORY"] = dir.Path,
            ["SYSTEM_ACCESSTOKEN"] = "ado-token-never-printed",
            ["SYSTEM_COLLECTIONURI"] = repos.CollectionUri.ToString(),
            ["SYSTEM_TEAMPROJECT"] = "Shop",
            ["BUILD_REPOSITORY_NAME"] = "shop",
            ["BUILD_BUILDID"] = "77",
            ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "5",
        };

        var first = CliRunner.Run(dir.Path, env, "metrics-gate", "--data", "data.json");
        var again = CliRunner.Run(dir.Path, env, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(1, first.ExitCode, first.StandardError + string.Join('\n', repos.Errors));
        Assert.AreEqual(1, again.ExitCode);
        var status = repos.PullRequestStatuses[5].Single();
        Assert.AreEqual("failed", (string?)status["state"]);
        Assert.AreEqual("metrics-gate", (string?)status["context"]!["name"]);
        Assert.AreEqual("pipelines", (string?)status["context"]!["genre"]);
        StringAssert.EndsWith((string?)status["targetUrl"], "/Shop/_build/results?buildId=77");
    }

    [TestMethod]
    public void On_GitHub_with_a_token_the_verdict_becomes_a_commit_status_and_the_token_is_masked()
    {
        using var dir = Setup(canaryErrors: 1000);
        using var api = new FaultServer(request => request.Method == "GET" ? new FaultResponse(200, "[]") : new FaultResponse(201, "{}"));
        var env = GitHub(dir);
        env["GITHUB_TOKEN"] = "ghs_secret_token_value";
        env["GITHUB_REPOSITORY"] = "shop/web";
        env["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567";
        env["GITHUB_API_URL"] = api.BaseAddress.ToString();

        var run = CliRunner.Run(dir.Path, env, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var post = api.Requests.Single(r => r.Method == "POST");
        Assert.AreEqual("/repos/shop/web/statuses/0123456789abcdef0123456789abcdef01234567", post.Path);
        Assert.AreEqual("{\"state\":\"failure\",\"description\":\"fail, score 0\",\"context\":\"pipelines/metrics-gate\"}", post.Body);
        StringAssert.Contains(run.StandardOutput, "::add-mask::ghs_secret_token_value");
        Assert.AreEqual(1, run.StandardOutput.Split("ghs_secret_token_value").Length - 1, "the token appears only in the mask command");
    }
}

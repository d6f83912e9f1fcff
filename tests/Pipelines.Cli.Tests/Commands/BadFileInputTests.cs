using System.Diagnostics;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// What the fuzz suite found in the files the commands read (gate, gate data, timing cache, result history, event
/// payload), kept: each is bad input (exit 2) naming the file and the line or JSON path — never exit 4.
/// </summary>
[TestClass]
public sealed class BadFileInputTests
{
    private const string FileGate = """
        gate:
          provider: file
          metrics:
            - name: errors
              kind: ratio
            - name: latency
              kind: continuous
          min-samples: 5
        """;

    private static CliRun Gate(TempDirectory dir, string data)
    {
        dir.Write("gate.yml", FileGate);
        dir.Write("data.json", data);
        return CliRunner.Run(dir.Path, "metrics-gate", "--gate", "gate.yml", "--data", "data.json");
    }

    [TestMethod]
    public void A_scrape_query_with_an_invalid_regex_exits_2_when_the_gate_is_read_before_any_scrape()
    {
        using var dir = new TempDirectory();
        dir.Write("gate.yml", """
            gate:
              provider: scrape
              interval: 1s
              window: 1m
              min-samples: 10
              canary: { targets: "http://127.0.0.1:9/metrics" }
              baseline: { targets: "http://127.0.0.1:9/metrics" }
              metrics:
                - name: errors
                  kind: ratio
                  query: http_requests_total{code=~"5(("} / http_requests_total
            """);
        var clock = Stopwatch.StartNew();

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--gate", "gate.yml");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        Assert.IsLessThan(10, clock.Elapsed.TotalSeconds, "not after a minute of scraping");
        StringAssert.Contains(run.StandardError, "error: gate.yml(11,");
        StringAssert.Contains(run.StandardError, "gate.metrics[0].query: code=~\"5((\" is not a regular expression: insufficient closing parentheses");
    }

    [TestMethod]
    public void A_scrape_target_that_is_not_a_url_names_the_gate_file_and_line()
    {
        using var dir = new TempDirectory();
        dir.Write("gate.yml", "gate:\n  provider: scrape\n  canary: { targets: \"htp://x/metrics\" }\n  metrics: [{name: e, kind: ratio, query: a / b}]\n");

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--gate", "gate.yml");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "error: gate.yml(3,");
        StringAssert.Contains(run.StandardError, "gate.canary.targets: 'htp://x/metrics' is not an http(s) URL");
    }

    [TestMethod]
    public void Missing_scrape_targets_name_the_gate_file()
    {
        using var dir = new TempDirectory();
        dir.Write("gate.yml", "gate:\n  provider: scrape\n  metrics: [{name: e, kind: ratio, query: a / b}]\n");

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--gate", "gate.yml");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "error: gate.yml: gate.canary.targets: the scrape provider needs");
    }

    [TestMethod]
    [DataRow("""{"metrics": {"latency": {"canary": [1, 2, 1e400], "baseline": [1, 2, 3]}}}""", "data.json: $.metrics.latency.canary[2]: expected a finite number, found 1e400", DisplayName = "an infinite sample")]
    [DataRow("""{"metrics": {"latency": {"canary": [1, "2", 3], "baseline": [1, 2, 3]}}}""", "data.json: $.metrics.latency.canary[1]: expected a number, found a string", DisplayName = "a sample that is text")]
    [DataRow("""{"metrics": {"errors": {"canary": {"events": 1.5, "trials": 10}, "baseline": {"events": 1, "trials": 10}}}}""", "data.json: $.metrics.errors.canary.events: expected a whole number from 0, found 1.5", DisplayName = "a fraction of an event")]
    [DataRow("""{"metrics": {"errors": {"canary": {"events": 1, "trials": 10}}}}""", "data.json: $.metrics.errors: expected a \"baseline\" member", DisplayName = "no baseline")]
    [DataRow("""{"metrics": {"errors": {"complete": "no", "canary": {"events": 1, "trials": 10}, "baseline": {"events": 1, "trials": 10}}}}""", "data.json: $.metrics.errors.complete: expected true or false, found a string", DisplayName = "complete as text")]
    [DataRow("""{"metrics": {"errors": {"canary": {"events": 20, "trials": 10}, "baseline": {"events": 1, "trials": 10}}}}""", "data.json: metric 'errors', canary: 20 events out of 10 trials", DisplayName = "more events than trials")]
    [DataRow("""{"metrics": {"errors": {"canary": {"events": 1, "trials": 10}, "baseline": {"events": 1, "trials": 10}}}, "x": "\ud800"}""", "data.json: $.x: the text has an unpaired UTF-16 escape", DisplayName = "an unpaired surrogate")]
    [DataRow("""{"metrics": {"latency": {"canary": [1, 2, 3}}}""", "data.json(1,44): the gate data file is not valid JSON: '}' is invalid without a matching open.", DisplayName = "not JSON")]
    public void Gate_data_of_the_wrong_shape_is_bad_input_naming_the_file_and_the_JSON_path(string data, string expected)
    {
        using var dir = new TempDirectory();

        var run = Gate(dir, data);

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "error: " + expected);
    }

    [TestMethod]
    [DataRow("""{"format":"pipelines-timings/1","tests":[{"id":null,"class":"C","seconds":[1]}]}""", "$.tests[0].id: expected a string, found null", DisplayName = "a null id")]
    [DataRow("""{"format":"pipelines-timings/1","tests":[{"id":"C.t","class":"C","seconds":[-1]}]}""", "$.tests[0].seconds[0]: expected a finite number from 0 to 2592000, found -1", DisplayName = "a negative duration")]
    [DataRow("""{"format":"pipelines-timings/1","tests":[{"id":"C.t","class":"C","seconds":[1e400]}]}""", "$.tests[0].seconds[0]: expected a finite number from 0 to 2592000, found 1e400", DisplayName = "an infinite duration")]
    [DataRow("""{"format":"pipelines-timings/1","tests":{}}""", "$.tests: expected a list, found an object", DisplayName = "tests not a list")]
    [DataRow("""{"format":"pipelines-timings/1","tests":[{"id":"\udc00","class":"C","seconds":[1]}]}""", "$.tests[0].id: the text has an unpaired UTF-16 escape", DisplayName = "an unpaired surrogate")]
    public void A_timing_file_of_the_wrong_shape_is_bad_input_naming_the_JSON_path(string timings, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("timings.json", timings);

        var run = CliRunner.Run(dir.Path, "plan-tests", "--repo", "no-repo", "--seed", "1", "--timings", "timings.json", "--out", "plan.json");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, $"error: {path}: {expected}");
    }

    [TestMethod]
    [DataRow("-1")]
    [DataRow("-00:00:05")]
    public void A_history_with_negative_durations_plans_instead_of_crashing_the_report(string duration)
    {
        using var dir = new TempDirectory();
        dir.Write("history/run.trx", $"""
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results>
                <UnitTestResult testId="a" testName="Adds" duration="{duration}" outcome="Passed" />
                <UnitTestResult testId="b" testName="Removes" duration="00:00:02" outcome="Passed" />
              </Results>
              <TestDefinitions>
                <UnitTest id="a"><TestMethod className="Shop.Tests.Cart" name="Adds" /></UnitTest>
                <UnitTest id="b"><TestMethod className="Shop.Tests.Stock" name="Removes" /></UnitTest>
              </TestDefinitions>
            </TestRun>
            """);

        var run = CliRunner.Run(dir.Path, "plan-tests", "--repo", "no-repo", "--seed", "1", "--history", "history", "--shards", "2", "--out", "plan.json");

        Assert.AreEqual(0, run.ExitCode, run.StandardError + run.StandardOutput);
    }

    [TestMethod]
    public void A_history_with_infinite_durations_writes_a_plan_and_a_timing_file()
    {
        using var dir = new TempDirectory();
        dir.Write("history/run.xml", "<test-run><test-case classname=\"Shop.Tests.Cart\" methodname=\"Adds\" result=\"Passed\" duration=\"1e309\" /></test-run>");

        var run = CliRunner.Run(dir.Path, "plan-tests", "--repo", "no-repo", "--seed", "1", "--history", "history", "--timings", "timings.json", "--out", "plan.json");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var again = CliRunner.Run(dir.Path, "plan-tests", "--repo", "no-repo", "--seed", "1", "--timings", "timings.json", "--out", "plan.json");
        Assert.AreEqual(0, again.ExitCode, again.StandardError);
    }
}

using System.Text.Json;
using System.Xml.Linq;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Core.TestResults;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary><c>pipelines run-tests</c> running a real MSTest project with <c>dotnet test</c>.</summary>
[TestClass]
public sealed class RunTestsCommandTests
{
    private const string FailsOnce = "Samples.MsTest.FlakyTests.FailsOnce";
    private const string RedOnRequest = "Samples.MsTest.FlakyTests.AlwaysFailsWhenAsked";

    private static TempDirectory Planned()
    {
        var dir = new TempDirectory();
        dir.Write("tests.txt", $"{FailsOnce}\n{RedOnRequest}\nSamples.MsTest.MixedTests.Tagged\n");
        var plan = CliRunner.Run(dir.Path, "plan-tests", "--tests", "tests.txt", "--shards", "1", "--seed", "3");
        Assert.AreEqual(0, plan.ExitCode, plan.StandardError);
        return dir;
    }

    private static CliRun RunShard(TempDirectory dir, Dictionary<string, string?> environment, params string[] extra) =>
        CliRunner.Run(dir.Path, environment, ["run-tests", "--shard", "1", "--dotnet-test-args", SampleProjects.Build("MsTestSample"), .. extra]);

    [TestMethod]
    public void A_test_that_fails_once_and_passes_on_a_retry_is_flaky_not_red()
    {
        using var dir = Planned();
        var env = new Dictionary<string, string?>
        {
            ["SAMPLES_FLAKY_MARKER"] = Path.Combine(dir.Path, "flaky-marker"),
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = Path.Combine(dir.Path, "output"),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir.Path, "summary"),
        };

        var run = RunShard(dir, env);

        Assert.AreEqual(0, run.ExitCode, run.StandardError + run.StandardOutput);
        var outputs = GitHubOutputFile.Parse(File.ReadAllText(Path.Combine(dir.Path, "output")));
        Assert.AreEqual("flaky", outputs["verdict"]);
        Assert.AreEqual(FailsOnce, outputs["flaky"]);
        Assert.AreEqual("", outputs["failed"]);
        Assert.AreEqual("0", outputs["failed-count"]);
        Assert.AreEqual("test-results/shard-1/shard-1.trx,test-results/shard-1/shard-1.xml", outputs["results"]);

        // The merged TRX reads back (the next plan's history), and JUnit marks the flaky test the Surefire way.
        var merged = ResultFileReader.Read(Path.Combine(dir.Path, "test-results/shard-1/shard-1.trx"));
        Assert.IsTrue(merged.Results.All(r => r.Outcome == TestOutcome.Passed), string.Join(", ", merged.Results));
        CollectionAssert.IsSubsetOf(new[] { FailsOnce, RedOnRequest }, merged.Results.Select(r => r.Id).ToList());
        var junit = XDocument.Load(Path.Combine(dir.Path, "test-results/shard-1/shard-1.xml"));
        var flakyCase = junit.Descendants("testcase").Single(c => (string?)c.Attribute("name") == "FailsOnce");
        StringAssert.Contains((string?)flakyCase.Element("flakyFailure")!.Attribute("message"), "first run fails", "the earlier failure is kept");
        StringAssert.Contains(File.ReadAllText(Path.Combine(dir.Path, "summary")), "### Flaky: failed, then passed on a re-run");
    }

    [TestMethod]
    public void A_test_that_fails_every_retry_is_red_and_fails_the_step()
    {
        using var dir = Planned();
        var env = new Dictionary<string, string?> { ["SAMPLES_RED"] = "1" };

        var run = RunShard(dir, env, "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("red", json.GetProperty("verdict").GetString());
        Assert.AreEqual(RedOnRequest, json.GetProperty("failed")[0].GetString());
        Assert.AreEqual(3, json.GetProperty("failures")[0].GetProperty("attempts").GetInt32());
        StringAssert.Contains(json.GetProperty("failures")[0].GetProperty("message").GetString(), "red on request");
        Assert.AreEqual(3, json.GetProperty("invocations").GetInt32()); // the shard, then two re-runs of the one red test
    }

    [TestMethod]
    public void A_second_run_in_the_same_results_folder_reads_only_its_own_results()
    {
        using var dir = Planned();

        var red = RunShard(dir, new Dictionary<string, string?> { ["SAMPLES_RED"] = "1" }, "--retries", "0");
        var green = RunShard(dir, [], "--json");

        Assert.AreEqual(1, red.ExitCode, red.StandardError);
        Assert.AreEqual(0, green.ExitCode, green.StandardOutput + green.StandardError);
        Assert.AreEqual("passed", JsonDocument.Parse(green.StandardOutput).RootElement.GetProperty("verdict").GetString());
    }

    [TestMethod]
    public void Without_retries_a_failure_is_red_at_once()
    {
        using var dir = Planned();
        var env = new Dictionary<string, string?> { ["SAMPLES_FLAKY_MARKER"] = Path.Combine(dir.Path, "marker") };

        var run = RunShard(dir, env, "--retries", "0", "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        Assert.AreEqual(FailsOnce, JsonDocument.Parse(run.StandardOutput).RootElement.GetProperty("failed")[0].GetString());
    }

    [TestMethod]
    public void A_run_that_breaks_without_failed_tests_is_an_infrastructure_failure_not_retried()
    {
        using var dir = Planned();

        var run = CliRunner.Run(dir.Path, "run-tests", "--dotnet-test-args", "does/not/exist.csproj", "--json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("infrastructure", json.GetProperty("verdict").GetString());
        Assert.AreEqual(1, json.GetProperty("invocations").GetInt32());
        Assert.AreEqual(0, json.GetProperty("failedCount").GetInt32());
    }

    [TestMethod]
    public void A_shard_the_plan_does_not_have_is_bad_input()
    {
        using var dir = Planned();

        var run = CliRunner.Run(dir.Path, "run-tests", "--shard", "2");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--shard: the plan has shards 1 to 1, got 2");
    }

    [TestMethod]
    public void A_missing_plan_is_bad_input_that_says_to_plan_first()
    {
        using var dir = new TempDirectory();

        var run = CliRunner.Run(dir.Path, "run-tests");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "run 'pipelines plan-tests' first");
    }
}

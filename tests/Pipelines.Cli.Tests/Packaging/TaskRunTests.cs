using System.Text.Json;
using Pipelines.Cli.Tests.Commands;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// Each task run from the built extension the way the agent runs it: its index.js under Node with the agent's
/// variables and every input as the agent sets it (defaults filled in, hyphen-free names), the bundled
/// framework-dependent build doing the work, and the output variables read back from the log.
/// </summary>
[TestClass]
public sealed class TaskRunTests
{
    private static string Task(string name) => Path.Combine(ReleaseBuild.Extension, "tasks", name);

    [TestMethod]
    public void Select_tests_on_a_pull_request_build_selects_from_the_target_branch_with_the_renamed_syntax_input()
    {
        using var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  tags:\n    web: [\"src/Web/**\"]\n  infer: none\n").Write("src/Web/Page.cs", "class Page {}").Commit("initial");
        repo.Git("checkout", "--quiet", "-b", "feature");
        var head = repo.Write("src/Web/Page.cs", "class Page { int x; }").Commit("page");

        var run = AzureTaskRunner.Run(Task("SelectTests"), repo.Path, new Dictionary<string, string> { ["filterSyntax"] = "nunit" }, new Dictionary<string, string>
        {
            ["BUILD_REASON"] = "PullRequest",
            ["SYSTEM_PULLREQUEST_TARGETBRANCH"] = "refs/heads/main",
            ["BUILD_SOURCEVERSION"] = head,
        });

        Assert.AreEqual(0, run.ExitCode, run.Log);
        Assert.AreEqual("web", run.OutputVariables["tags"]);
        Assert.AreEqual("Category=web", run.OutputVariables["filter"], "filterSyntax reached the CLI's --filter-syntax");
        Assert.AreEqual("false", run.OutputVariables["runAll"]);
    }

    [TestMethod]
    public void Plan_tests_writes_a_matrix_variable_and_run_tests_runs_a_leg_of_it()
    {
        using var work = new TempDirectory();
        work.Write("tests.txt", "Samples.MsTest.MixedTests.Tagged\nSamples.MsTest.FlakyTests.FailsOnce\n");
        var flaky = new Dictionary<string, string> { ["SAMPLES_FLAKY_MARKER"] = Path.Combine(work.Path, "marker") };

        var plan = AzureTaskRunner.Run(Task("PlanTests"), work.Path, new Dictionary<string, string> { ["tests"] = "tests.txt", ["shards"] = "1" });
        Assert.AreEqual(0, plan.ExitCode, plan.Log);
        using var matrix = JsonDocument.Parse(plan.OutputVariables["matrix"]);
        var leg = matrix.RootElement.GetProperty("shard1");
        var run = AzureTaskRunner.Run(Task("RunTests"), work.Path, new Dictionary<string, string>
        {
            ["shard"] = leg.GetProperty("shard").ToString(),
            ["plan"] = plan.OutputVariables["plan"],
            ["dotnetTestArgs"] = SampleProjects.Build("MsTestSample"),
        }, flaky);

        Assert.AreEqual(0, run.ExitCode, run.Log);
        Assert.AreEqual("flaky", run.OutputVariables["verdict"]);
        Assert.AreEqual("0", run.OutputVariables["failedCount"]);
        foreach (var file in run.OutputVariables["results"].Split(','))
        {
            Assert.IsTrue(File.Exists(Path.Combine(work.Path, file)), $"{file}, for PublishTestResults@2");
        }
    }

    [TestMethod]
    public void Revert_on_red_reverts_the_culprit_of_the_red_build_in_the_sources_directory()
    {
        using var repo = new TemporaryRepository();
        var green = repo.Write("state.txt", "ok\n").Commit("green");
        var culprit = repo.Write("state.txt", "broken\n").Commit("Break the state");

        var run = AzureTaskRunner.Run(Task("RevertOnRed"), repo.Path, new Dictionary<string, string>
        {
            ["provider"] = "git",
            ["green"] = green,
            ["testCommand"] = "grep -qx ok state.txt",
            ["failedTests"] = "Shop.Tests.StateTests.IsOk",
        }, new Dictionary<string, string> { ["BUILD_SOURCEVERSION"] = culprit, ["BUILD_SOURCEBRANCH"] = "refs/heads/main" });

        Assert.AreEqual(0, run.ExitCode, run.Log);
        Assert.AreEqual("reverted", run.OutputVariables["verdict"]);
        Assert.AreEqual(culprit, run.OutputVariables["culprit"]);
        Assert.AreEqual(run.OutputVariables["revertSha"], repo.Git("rev-parse", "main").Trim());
    }

    [TestMethod]
    public void Metrics_gate_fails_the_task_on_a_worse_canary_and_says_so_to_the_agent()
    {
        using var work = new TempDirectory();
        work.Write(".pipelines/pipelines.yml", "gate:\n  provider: file\n  min-samples: 20\n  metrics:\n    - name: server-errors\n      kind: ratio\n      bad: increase\n      critical: true\n");
        work.Write("worse.json", """{"metrics": {"server-errors": {"canary": {"events": 200, "trials": 10000}, "baseline": {"events": 50, "trials": 10000}}}}""");

        var run = AzureTaskRunner.Run(Task("MetricsGate"), work.Path, new Dictionary<string, string> { ["data"] = "worse.json" });

        Assert.AreEqual(1, run.ExitCode, run.Log);
        Assert.AreEqual("fail", run.OutputVariables["verdict"]);
        StringAssert.Contains(run.Log, "##vso[task.complete result=Failed;]pipelines metrics-gate exited with code 1");
    }

    [TestMethod]
    public void Canary_with_the_default_phase_ramps_and_promotes_and_an_unknown_phase_never_starts_the_program()
    {
        using var fleet = new Fleet(size: 2);
        var inputs = new Dictionary<string, string> { ["hosts"] = fleet.Hosts, ["version"] = "v2", ["previous"] = "v1", ["steps"] = "1,2" };

        var run = AzureTaskRunner.Run(Task("Canary"), fleet.Work.Path, inputs);
        var hostile = AzureTaskRunner.Run(Task("Canary"), fleet.Work.Path, new Dictionary<string, string>(inputs) { ["phase"] = "rollback --hosts evil" });

        Assert.AreEqual(0, run.ExitCode, run.Log);
        Assert.AreEqual("promoted", run.OutputVariables["result"]);
        CollectionAssert.AreEqual(new[] { "v2", "v2" }, fleet.Versions.ToArray());
        Assert.AreEqual(2, hostile.ExitCode, hostile.Log);
        CollectionAssert.AreEqual(new[] { "v2", "v2" }, fleet.Versions.ToArray(), "nothing was rolled back");
    }

    [TestMethod]
    public void On_an_agent_without_dotnet_the_task_fails_and_says_to_add_UseDotNet()
    {
        using var work = new TempDirectory();
        using var bin = new TempDirectory("agent-bin");
        var node = Programs.RunOrThrow("bash", ["-c", "command -v node"]).Trim();
        File.CreateSymbolicLink(Path.Combine(bin.Path, "node"), node);

        var run = AzureTaskRunner.Run(Task("PlanTests"), work.Path, new Dictionary<string, string> { ["tests"] = "tests.txt" }, new Dictionary<string, string> { ["PATH"] = bin.Path });

        Assert.AreEqual(3, run.ExitCode, run.Log);
        StringAssert.Contains(run.Log, "##vso[task.complete result=Failed;]pipelines could not start");
        StringAssert.Contains(run.Log, "add UseDotNet@2 (packageType: runtime, version: 10.x) before this task");
    }
}

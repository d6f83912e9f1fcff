using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Cli.Tests.Commands;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// Each action run the way a runner runs it, from a release ref (action.yml, actions/ and the dist/ a real release
/// build made): inputs through <c>with:</c>, the runner's environment with real event payloads from
/// @octokit/webhooks-examples, and the outputs read back the way a later step's <c>${{ steps.x.outputs.y }}</c> would.
/// </summary>
[TestClass]
public sealed class ActionRunTests
{
    private static string EventFile(TempDirectory dir, JsonObject payload) => dir.Write("event.json", payload.ToJsonString());

    [TestMethod]
    public void Select_tests_on_a_pull_request_event_selects_from_the_target_branch_and_declares_the_filter()
    {
        using var action = ReleaseBuild.ActionCheckout();
        using var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  tags:\n    billing: [\"src/Billing/**\"]\n  always: [smoke]\n  infer: none\n")
            .Write("src/Billing/Invoice.cs", "class Invoice {}").Write("src/Web/Page.cs", "class Page {}").Commit("initial");
        var target = repo.Git("rev-parse", "HEAD").Trim();
        repo.Git("checkout", "--quiet", "-b", "feature");
        var head = repo.Write("src/Billing/Invoice.cs", "class Invoice { int total; }").Commit("bill in cents");
        using var runner = new TempDirectory();
        var payload = TestTools.WebhookExample("pull_request", "opened");
        payload["pull_request"]!["base"]!["ref"] = "main";
        payload["pull_request"]!["base"]!["sha"] = target;
        payload["pull_request"]!["head"]!["sha"] = head;

        var run = CompositeActionRunner.Run(Path.Combine(action.Path, "actions/select-tests"), repo.Path, new Dictionary<string, string>(), new Dictionary<string, string>
        {
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = EventFile(runner, payload),
            ["GITHUB_BASE_REF"] = "main",
            ["GITHUB_HEAD_REF"] = "feature",
            ["GITHUB_SHA"] = head,
        });

        Assert.AreEqual(0, run.ExitCode, run.Log);
        Assert.AreEqual("billing,smoke", run.Outputs["tags"]);
        Assert.AreEqual("TestCategory=billing|TestCategory=smoke", run.Outputs["filter"]);
        Assert.AreEqual("false", run.Outputs["run-all"]);
        StringAssert.Contains(run.Summary, "src/Billing/Invoice.cs", "the step summary says why");
        Assert.DoesNotContain("Building pipelines from source", run.Log, "a release ref runs its prebuilt binary");
        Assert.IsEmpty(run.Used, "and sets up no .NET");
    }

    [TestMethod]
    public void Plan_tests_makes_a_matrix_and_run_tests_runs_its_shard_with_dotnet_test()
    {
        using var action = ReleaseBuild.ActionCheckout();
        using var work = new TempDirectory();
        work.Write("tests.txt", "Samples.MsTest.FlakyTests.FailsOnce\nSamples.MsTest.MixedTests.Tagged\n");
        var job = new Dictionary<string, string>
        {
            ["GITHUB_EVENT_NAME"] = "push",
            ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
            ["SAMPLES_FLAKY_MARKER"] = Path.Combine(work.Path, "flaky-marker"),
        };

        var plan = CompositeActionRunner.Run(Path.Combine(action.Path, "actions/plan-tests"), work.Path,
            new Dictionary<string, string> { ["tests"] = "tests.txt", ["shards"] = "1" }, job);
        Assert.AreEqual(0, plan.ExitCode, plan.Log);
        using var matrix = JsonDocument.Parse(plan.Outputs["matrix"]);
        var shard = matrix.RootElement.GetProperty("include")[0].GetProperty("shard").ToString();

        var run = CompositeActionRunner.Run(Path.Combine(action.Path, "actions/run-tests"), work.Path,
            new Dictionary<string, string> { ["shard"] = shard, ["plan"] = plan.Outputs["plan"], ["dotnet-test-args"] = SampleProjects.Build("MsTestSample") }, job);

        Assert.AreEqual(0, run.ExitCode, run.Log);
        Assert.AreEqual("81985529216486895", plan.Outputs["seed"], "the seed comes from GITHUB_SHA");
        Assert.AreEqual("flaky", run.Outputs["verdict"], "the test that fails once passed on its retry");
        Assert.AreEqual("Samples.MsTest.FlakyTests.FailsOnce", run.Outputs["flaky"]);
        Assert.AreEqual("0", run.Outputs["failed-count"]);
        foreach (var file in run.Outputs["results"].Split(','))
        {
            Assert.IsTrue(File.Exists(Path.Combine(work.Path, file)), file);
        }
    }

    [TestMethod]
    public void Revert_on_red_started_by_a_failed_workflow_run_reverts_the_culprit_in_the_checkout()
    {
        using var action = ReleaseBuild.ActionCheckout();
        using var repo = new TemporaryRepository();
        var green = repo.Write("state.txt", "ok\n").Commit("green");
        var culprit = repo.Write("state.txt", "broken\n").Commit("Break the state");
        var red = repo.Write("other.txt", "x\n").Commit("unrelated, still red");
        using var runner = new TempDirectory();
        var payload = TestTools.WebhookExample("workflow_run", "completed");
        payload["workflow_run"]!["head_sha"] = red;
        payload["workflow_run"]!["head_branch"] = "main";
        payload["workflow_run"]!["conclusion"] = "failure";

        var run = CompositeActionRunner.Run(Path.Combine(action.Path, "actions/revert-on-red"), repo.Path, new Dictionary<string, string>
        {
            ["provider"] = "git",
            ["green"] = green,
            ["test-command"] = "grep -qx ok state.txt",
            ["failed-tests"] = "Shop.Tests.StateTests.IsOk",
        }, new Dictionary<string, string> { ["GITHUB_EVENT_NAME"] = "workflow_run", ["GITHUB_EVENT_PATH"] = EventFile(runner, payload) });

        Assert.AreEqual(0, run.ExitCode, run.Log);
        Assert.AreEqual("reverted", run.Outputs["verdict"]);
        Assert.AreEqual(culprit, run.Outputs["culprit"]);
        Assert.AreEqual(run.Outputs["revert-sha"], repo.Git("rev-parse", "main").Trim(), "main now ends in the revert");
        Assert.AreEqual("ok\n", File.ReadAllText(Path.Combine(repo.Path, "state.txt")));
    }

    [TestMethod]
    public void Metrics_gate_through_the_root_action_fails_a_worse_canary_and_passes_an_equal_one()
    {
        using var action = ReleaseBuild.ActionCheckout();
        using var work = new TempDirectory();
        work.Write(".pipelines/pipelines.yml", "gate:\n  provider: file\n  min-samples: 20\n  metrics:\n    - name: server-errors\n      kind: ratio\n      bad: increase\n      critical: true\n");
        work.Write("equal.json", """{"metrics": {"server-errors": {"canary": {"events": 50, "trials": 10000}, "baseline": {"events": 50, "trials": 10000}}}}""");
        work.Write("worse.json", """{"metrics": {"server-errors": {"canary": {"events": 200, "trials": 10000}, "baseline": {"events": 50, "trials": 10000}}}}""");
        var job = new Dictionary<string, string> { ["GITHUB_EVENT_NAME"] = "push" };

        var equal = CompositeActionRunner.Run(action.Path, work.Path, new Dictionary<string, string> { ["command"] = "metrics-gate", ["data"] = "equal.json" }, job);
        var worse = CompositeActionRunner.Run(action.Path, work.Path, new Dictionary<string, string> { ["command"] = "metrics-gate", ["data"] = "worse.json" }, job);
        var unknown = CompositeActionRunner.Run(action.Path, work.Path, new Dictionary<string, string> { ["command"] = "metrics-gate --data worse.json" }, job);

        Assert.AreEqual(0, equal.ExitCode, equal.Log);
        Assert.AreEqual("pass", equal.Outputs["verdict"]);
        Assert.AreEqual(1, worse.ExitCode, worse.Log);
        Assert.AreEqual("fail", worse.Outputs["verdict"]);
        StringAssert.Contains(worse.Summary, "server-errors", "the report is in the job summary");
        Assert.AreEqual(2, unknown.ExitCode, "a command input that is not a command name is bad input, never extra arguments");
    }

    [TestMethod]
    public void Canary_run_from_the_action_ramps_a_good_build_over_a_live_fleet_and_promotes_it()
    {
        using var action = ReleaseBuild.ActionCheckout();
        using var fleet = new Fleet(size: 2);

        var run = CompositeActionRunner.Run(Path.Combine(action.Path, "actions/canary"), fleet.Work.Path, new Dictionary<string, string>
        {
            ["hosts"] = fleet.Hosts,
            ["version"] = "v2",
            ["previous"] = "v1",
            ["steps"] = "1,2",
        }, new Dictionary<string, string> { ["GITHUB_EVENT_NAME"] = "push" });

        Assert.AreEqual(0, run.ExitCode, run.Log);
        Assert.AreEqual("promoted", run.Outputs["result"]);
        CollectionAssert.AreEqual(new[] { "v2", "v2" }, fleet.Versions.ToArray());
        Assert.IsTrue(File.Exists(Path.Combine(fleet.Work.Path, run.Outputs["state"])), "the state file a later job's rollback reads");
    }

    [TestMethod]
    public void A_ref_without_dist_on_a_runner_without_dotnet_sets_it_up_and_builds_once_per_job()
    {
        using var checkout = new TempDirectory("pipelines-action-source-ref");
        foreach (var file in new[] { "action.yml", "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
        {
            File.Copy(SourceTree.PathOf(file), Path.Combine(checkout.Path, file));
        }

        foreach (var folder in new[] { "actions", "src" })
        {
            FileTree.Copy(SourceTree.PathOf(folder), Path.Combine(checkout.Path, folder));
        }

        using var work = new TempDirectory();
        using var runnerTemp = new TempDirectory("runner-temp");
        work.Write("tests.txt", "Shop.Tests.A.One\nShop.Tests.B.Two\n");
        using var bare = RunnerWithoutDotnet();
        var job = new Dictionary<string, string>
        {
            ["GITHUB_EVENT_NAME"] = "push",
            ["RUNNER_TEMP"] = runnerTemp.Path,
            ["GITHUB_PATH"] = Path.Combine(runnerTemp.Path, "github_path"),
            ["PATH"] = bare.Path,
        };
        var with = new Dictionary<string, string> { ["tests"] = "tests.txt", ["shards"] = "2", ["seed"] = "1" };

        var first = CompositeActionRunner.Run(Path.Combine(checkout.Path, "actions/plan-tests"), work.Path, with, job);
        var second = CompositeActionRunner.Run(Path.Combine(checkout.Path, "actions/plan-tests"), work.Path, with, job);

        Assert.AreEqual(0, first.ExitCode, first.Log);
        Assert.AreEqual(0, second.ExitCode, second.Log);
        CollectionAssert.AreEqual(new[] { "actions/setup-dotnet@d4c94342e560b34958eacfc5d055d21461ed1c5d" }, first.Used.ToArray());
        StringAssert.Contains(first.Log, "Building pipelines from source");
        Assert.IsEmpty(second.Used, "the job has .NET now");
        Assert.DoesNotContain("Building pipelines from source", second.Log, "the job's build is reused");
        Assert.AreEqual(first.Outputs["matrix"], second.Outputs["matrix"]);
        Assert.AreEqual("2", first.Outputs["shards"]);
    }

    /// <summary>A PATH with every program of this machine's but dotnet, as on a runner that has not set .NET up.</summary>
    private static TempDirectory RunnerWithoutDotnet()
    {
        var bin = new TempDirectory("runner-bin");
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Where(Directory.Exists))
        {
            foreach (var program in Directory.EnumerateFiles(folder))
            {
                var link = Path.Combine(bin.Path, Path.GetFileName(program));
                if (Path.GetFileName(program) != "dotnet" && !File.Exists(link) && !Directory.Exists(link))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }

        return bin;
    }
}

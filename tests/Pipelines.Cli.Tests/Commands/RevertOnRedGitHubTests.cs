using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// <c>revert-on-red --provider github</c> end to end: probes in a real clone, the revert published to an emulated
/// GitHub whose repository is a real bare git repository, started by a real workflow_run payload.
/// </summary>
[TestClass]
public sealed class RevertOnRedGitHubTests
{
    private const string Token = "ghs_SecretTokenThatMustNeverBePrinted01";
    private const string Passes = "grep -qx ok state.txt";
    private const long Workflow = 16340987;

    private sealed class Setup : IDisposable
    {
        private readonly TempDirectory _bare = new("pipelines-origin");
        private readonly TempDirectory _events = new("pipelines-events");

        public Setup()
        {
            Programs.RunOrThrow("git", ["init", "--quiet", "--bare", "--initial-branch", "main", _bare.Path]);
            Clone = new TemporaryRepository();
            Clone.Git("remote", "add", "origin", _bare.Path);
            Clone.Write("state.txt", "ok\n").Write("notes.txt", "a\nb\nc\nd\ne\n");
            Green = Clone.Commit("green: everything passes");
            Culprit = Clone.Write("state.txt", "broken\n").Write("notes.txt", "A\nb\nc\nd\ne\n").Write("added.txt", "new\n").Commit("Break the state");
            Red = Clone.Write("notes.txt", "A\nb\nc\nd\nE\n").Commit("An innocent change to the notes");
            Clone.Git("push", "--quiet", "origin", "main");
            GitHub = new GitHubEmulator("octo", "shop", _bare.Path);
            GitHub.SuccessfulRuns.Add((Workflow, "main", Green));
        }

        public TemporaryRepository Clone { get; }

        public GitHubEmulator GitHub { get; }

        public string Green { get; }

        public string Culprit { get; }

        public string Red { get; }

        public string OriginMain => GitHub.Git("rev-parse", "main").Trim();

        /// <summary>The environment of a job started by a failed trunk run: the event names the red commit and the workflow.</summary>
        public Dictionary<string, string?> Environment()
        {
            var payload = TestTools.WebhookExample("workflow_run", "completed");
            var run = payload["workflow_run"]!.AsObject();
            run["head_sha"] = Red;
            run["head_branch"] = "main";
            run["workflow_id"] = Workflow;
            run["conclusion"] = "failure";
            var eventPath = System.IO.Path.Combine(_events.Path, "event-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(eventPath, payload.ToJsonString());
            return new Dictionary<string, string?>
            {
                ["GITHUB_TOKEN"] = Token,
                ["GITHUB_API_URL"] = GitHub.ApiRoot.ToString(),
                ["GITHUB_REPOSITORY"] = "octo/shop",
                ["GITHUB_EVENT_NAME"] = "workflow_run",
                ["GITHUB_EVENT_PATH"] = eventPath,
                ["GITHUB_SERVER_URL"] = "https://github.com",
                ["GITHUB_RUN_ID"] = "42",
            };
        }

        public (int Exit, JsonElement Json, string Output) Run(params string[] extra)
        {
            var run = CliRunner.Run(Clone.Path, Environment(),
                ["revert-on-red", "--provider", "github", "--test-command", Passes, "--failed-tests", "Shop.Tests.StateTests.IsOk", "--json", .. extra]);
            var json = run.StandardOutput.Length > 0 ? JsonDocument.Parse(run.StandardOutput).RootElement.Clone() : default;
            return (run.ExitCode, json, run.StandardOutput + run.StandardError);
        }

        public void Dispose()
        {
            GitHub.Dispose();
            Clone.Dispose();
            _bare.Dispose();
            _events.Dispose();
        }
    }

    [TestMethod]
    public void A_hanging_GitHub_costs_revert_on_red_its_budget_once_and_it_exits_3_naming_it()
    {
        using var setup = new Setup();
        using var hanging = new FaultServer(_ => new FaultResponse(200, "[]", Delay: TimeSpan.FromMinutes(5)));
        var environment = setup.Environment();
        environment["GITHUB_API_URL"] = hanging.BaseAddress.ToString();
        environment["PIPELINES_CALL_BUDGET"] = "3s";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var run = CliRunner.Run(setup.Clone.Path, environment,
            ["revert-on-red", "--provider", "github", "--test-command", Passes, "--failed-tests", "Shop.Tests.StateTests.IsOk"]);

        Assert.AreEqual(3, run.ExitCode, run.StandardOutput + run.StandardError);
        StringAssert.Contains(run.StandardOutput + run.StandardError, "no answer within the time budget for outside calls (revert-on-red: 3 s, retries included)");
        Assert.IsLessThan(TimeSpan.FromSeconds(3 + 10), clock.Elapsed, "one budget of 3 s (and the local probes), not 5 min per call");
        Assert.IsFalse(hanging.Requests.Any(r => r.Method != "GET"), "nothing was written to a server that never answered");
    }

    [TestMethod]
    public void A_red_trunk_from_a_workflow_run_event_is_reverted_on_GitHub_with_the_author_told_and_the_token_never_shown()
    {
        using var setup = new Setup();

        var (exit, json, output) = setup.Run();

        Assert.AreEqual(0, exit, output + string.Join('\n', setup.GitHub.Errors));
        Assert.AreEqual("reverted", json.GetProperty("verdict").GetString());
        Assert.AreEqual(setup.Culprit, json.GetProperty("culprit").GetString());
        var revert = json.GetProperty("revertSha").GetString()!;
        Assert.AreEqual(revert, setup.OriginMain, "main on GitHub moved to the revert");
        Assert.AreEqual(setup.Red, setup.GitHub.Git("rev-parse", revert + "^").Trim(), "fast-forward from the red head");
        Assert.AreEqual("ok\n", setup.GitHub.Git("show", "main:state.txt"));
        Assert.AreEqual("a\nb\nc\nd\nE\n", setup.GitHub.Git("show", "main:notes.txt"), "the later change to the same file is kept: a merged blob was uploaded");
        Assert.AreNotEqual(0, Programs.Run("git", ["cat-file", "-e", "main:added.txt"], setup.GitHub.BareRepository).ExitCode, "the culprit's new file is removed");
        var message = setup.GitHub.Git("log", "-1", "--format=%B", revert);
        StringAssert.Contains(message, "Reverts: " + setup.Culprit);
        StringAssert.Contains(message, "Build: https://github.com/octo/shop/actions/runs/42");

        var status = setup.GitHub.Statuses[setup.Culprit].Single();
        Assert.AreEqual("failure", (string?)status["state"]);
        Assert.AreEqual("pipelines/revert-on-red", (string?)status["context"]);
        StringAssert.Contains(setup.GitHub.Comments["commits/" + setup.Culprit].Single(), "Shop.Tests.StateTests.IsOk");
        Assert.IsFalse(output.Contains(Token, StringComparison.Ordinal), "the token is never printed");
        Assert.IsTrue(setup.GitHub.Requests.Any(r => r.Path.Contains("/actions/workflows/16340987/runs", StringComparison.Ordinal)), "green came from the run history");
    }

    [TestMethod]
    public void With_post_mortems_on_one_blameless_issue_is_opened_with_the_evidence_and_the_missing_test_to_add_even_when_throttled()
    {
        using var setup = new Setup();
        setup.Clone.Write(".pipelines/pipelines.yml", "revert:\n  post-mortem: true\n");
        setup.GitHub.ThrottleOnce("POST /repos/octo/shop/issues");
        setup.GitHub.ThrottleOnce("PATCH /repos/octo/shop/git/refs/heads/main");
        setup.GitHub.LoseAnswerOnce("POST /repos/octo/shop/issues");

        var (exit, _, output) = setup.Run();

        Assert.AreEqual(0, exit, output);
        var issue = setup.GitHub.Issues.Single();
        StringAssert.StartsWith(issue.Title, "Post-mortem: main went red at " + setup.Culprit[..10]);
        CollectionAssert.Contains(issue.Labels, "post-mortem");
        StringAssert.Contains(issue.Body, "- [ ] Add the test that would have caught this");
        StringAssert.Contains(issue.Body, "`Shop.Tests.StateTests.IsOk`");
        StringAssert.Contains(issue.Body, "https://github.com/octo/shop/actions/runs/42");
        Assert.AreEqual(2, setup.GitHub.Requests.Count(r => r.Method == "PATCH"), "the throttled move of main was tried again");

        Assert.AreEqual(0, setup.Run("--red", setup.Red).Exit);
        Assert.AreEqual(1, setup.GitHub.Issues.Count, "a second run (already reverted) opens none");
    }

    [TestMethod]
    public void A_second_run_finds_the_revert_on_GitHub_and_changes_nothing()
    {
        using var setup = new Setup();
        Assert.AreEqual(0, setup.Run().Exit);
        var after = setup.OriginMain;

        var (exit, json, output) = setup.Run("--red", setup.Red);

        Assert.AreEqual(0, exit, output);
        Assert.AreEqual("already-reverted", json.GetProperty("verdict").GetString());
        Assert.AreEqual(after, setup.OriginMain);
        Assert.AreEqual(1, setup.GitHub.Comments["commits/" + setup.Culprit].Count(c => c.Contains("verdict=reverted", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Pull_request_mode_opens_one_pull_request_and_comments_on_the_culprits_own_even_when_answers_are_lost()
    {
        using var setup = new Setup();
        setup.GitHub.Pulls.Add(new EmulatedPull(7, "feature/state", "main", "Break the state", "", "closed", "2026-11-23T08:00:00Z", setup.Culprit));
        setup.GitHub.LoseAnswerOnce("POST /repos/octo/shop/pulls");
        setup.GitHub.LoseAnswerOnce("POST /repos/octo/shop/issues/7/comments");
        setup.GitHub.LoseAnswerOnce("POST /repos/octo/shop/statuses/" + setup.Culprit);
        setup.GitHub.LoseAnswerOnce("POST /repos/octo/shop/git/commits");
        var before = setup.OriginMain;

        var (exit, json, output) = setup.Run("--mode", "pull-request");

        Assert.AreEqual(0, exit, output);
        Assert.AreEqual(before, setup.OriginMain, "main itself is untouched");
        var pull = setup.GitHub.Pulls.Single(p => p.Head.StartsWith("pipelines/revert-", StringComparison.Ordinal));
        Assert.AreEqual("https://github.com/octo/shop/pull/8", json.GetProperty("pullRequest").GetString());
        Assert.AreEqual(json.GetProperty("revertSha").GetString(), setup.GitHub.Git("rev-parse", "refs/heads/" + pull.Head).Trim());
        StringAssert.StartsWith(pull.Title, "Revert \"Break the state\"");
        Assert.AreEqual(1, setup.GitHub.Comments["issues/7"].Count, "one comment on the pull request that brought the culprit in");
        Assert.AreEqual(1, setup.GitHub.Statuses[setup.Culprit].Count, "one status");
        Assert.AreEqual(2, setup.GitHub.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/git/commits", StringComparison.Ordinal)),
            "the commit whose answer was lost was sent again, and named the same (it carries its dates)");
    }

    [TestMethod]
    public void A_flaky_red_on_GitHub_writes_nothing()
    {
        using var setup = new Setup();

        // The failing tests pass when run again at the red commit: the red was a flake.
        var run = CliRunner.Run(setup.Clone.Path, setup.Environment(), "revert-on-red", "--provider", "github", "--test-command", "true", "--json");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        Assert.AreEqual("flaky", JsonDocument.Parse(run.StandardOutput).RootElement.GetProperty("verdict").GetString());
        Assert.IsFalse(setup.GitHub.Requests.Any(r => r.Method != "GET"), "no writes");
        Assert.AreEqual(setup.Red, setup.OriginMain);
    }
}

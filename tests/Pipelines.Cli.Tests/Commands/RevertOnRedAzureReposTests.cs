using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// <c>revert-on-red --provider azure-devops</c> end to end: probes in a real clone, the revert made by an emulated
/// Reverts API over a real bare repository, with the variables an Azure Pipelines job has.
/// </summary>
[TestClass]
public sealed class RevertOnRedAzureReposTests
{
    private const string Token = "ado-SecretAccessTokenThatMustNeverBePrinted";
    private const string Passes = "grep -qx ok state.txt";

    private sealed class Setup : IDisposable
    {
        private readonly TempDirectory _bare = new("pipelines-origin");
        private readonly TempDirectory _agentTemp = new("pipelines-agent-temp");

        public Setup(bool conflicting = false)
        {
            Programs.RunOrThrow("git", ["init", "--quiet", "--bare", "--initial-branch", "main", _bare.Path]);
            Clone = new TemporaryRepository();
            Clone.Git("remote", "add", "origin", _bare.Path);
            Clone.Write("state.txt", "ok\n");
            Green = Clone.Commit("green: everything passes");
            Culprit = Clone.Write("state.txt", "broken\n").Commit("Break the state");
            Red = conflicting ? Clone.Write("state.txt", "broken harder\n").Commit("Edit the same line again") : Culprit;
            Clone.Git("push", "--quiet", "origin", "main");
            Repos = new AzureReposEmulator("fabrikam", "Shop", "shop", _bare.Path);
        }

        public TemporaryRepository Clone { get; }

        public AzureReposEmulator Repos { get; }

        public string Green { get; }

        public string Culprit { get; }

        public string Red { get; }

        /// <summary>SYSTEM_COLLECTIONURI in place of the emulator's.</summary>
        public string? Collection { get; init; }

        public string OriginMain => Repos.Git("rev-parse", "main").Trim();

        public (int Exit, JsonElement Json, string Output) Run(params string[] extra) => Run(withGreen: true, extra);

        public (int Exit, JsonElement Json, string Output) Run(bool withGreen, params string[] extra)
        {
            var environment = new Dictionary<string, string?>
            {
                ["TF_BUILD"] = "True",
                ["AGENT_TEMPDIRECTORY"] = _agentTemp.Path,
                ["SYSTEM_ACCESSTOKEN"] = Token,
                ["SYSTEM_COLLECTIONURI"] = Collection ?? Repos.CollectionUri.ToString(),
                ["SYSTEM_TEAMPROJECT"] = "Shop",
                ["BUILD_REPOSITORY_NAME"] = "shop",
                ["BUILD_SOURCEBRANCH"] = "refs/heads/main",
                ["BUILD_SOURCEVERSION"] = Red,
                ["BUILD_BUILDID"] = "77",
                ["SYSTEM_DEFINITIONID"] = "12",
            };
            string[] green = withGreen ? ["--green", Green] : [];
            var run = CliRunner.Run(Clone.Path, environment,
                ["revert-on-red", "--provider", "azure-devops", .. green, "--test-command", Passes, "--failed-tests", "Shop.Tests.StateTests.IsOk", "--json", .. extra]);
            var json = run.StandardOutput.Length > 0 ? JsonDocument.Parse(run.StandardOutput).RootElement.Clone() : default;
            return (run.ExitCode, json, run.StandardOutput + run.StandardError + string.Join('\n', Repos.Errors));
        }

        public void Dispose()
        {
            Repos.Dispose();
            Clone.Dispose();
            _bare.Dispose();
            _agentTemp.Dispose();
        }
    }

    [TestMethod]
    public void The_Reverts_API_makes_the_revert_and_the_branch_is_fast_forwarded_to_it_with_the_culprit_marked_failed()
    {
        using var setup = new Setup();

        var (exit, json, output) = setup.Run();

        Assert.AreEqual(0, exit, output);
        Assert.AreEqual("reverted", json.GetProperty("verdict").GetString());
        var revert = json.GetProperty("revertSha").GetString()!;
        Assert.AreEqual(revert, setup.OriginMain);
        Assert.AreEqual("ok\n", setup.Repos.Git("show", "main:state.txt"));
        Assert.AreEqual(revert, setup.Repos.Git("rev-parse", "refs/heads/pipelines/revert-" + setup.Culprit[..10]).Trim(), "the generated branch is the record");
        var status = setup.Repos.Statuses[setup.Culprit].Single();
        Assert.AreEqual("failed", (string?)status["state"]);
        Assert.AreEqual("revert-on-red", (string?)status["context"]!["name"]);
        Assert.IsTrue(setup.Repos.Requests.Any(r => r.Path.Contains("/reverts/1", StringComparison.Ordinal)), "the queued revert was polled");
        Assert.IsTrue(output.Split('\n').Where(l => l.Contains(Token, StringComparison.Ordinal)).All(l => l.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal)),
            "the token appears only where the agent is told to mask it (the agent swallows that line)");
    }

    [TestMethod]
    [DataRow("not a url")]
    [DataRow("dev.azure.com/fabrikam")]
    [DataRow("ftp://dev.azure.com/fabrikam/")]
    public void A_collection_uri_that_is_not_an_http_url_is_bad_input_naming_the_variable(string collection)
    {
        using var setup = new Setup { Collection = collection };

        var (exit, _, output) = setup.Run();

        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "SYSTEM_COLLECTIONURI: expected the organization's http(s) URL, e.g. https://dev.azure.com/contoso/");
        Assert.IsEmpty(setup.Repos.Requests, "nothing was sent");
    }

    [TestMethod]
    public void A_second_run_on_Azure_Repos_finds_the_revert_and_starts_no_other()
    {
        using var setup = new Setup();
        Assert.AreEqual(0, setup.Run().Exit);
        var after = setup.OriginMain;

        var (exit, json, output) = setup.Run();

        Assert.AreEqual(0, exit, output);
        Assert.AreEqual("already-reverted", json.GetProperty("verdict").GetString());
        Assert.AreEqual(after, setup.OriginMain);
        Assert.AreEqual(1, setup.Repos.Requests.Count(r => r.Method == "POST" && r.Path.Split('?')[0].EndsWith("/reverts", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Pull_request_mode_opens_one_auto_completing_pull_request_with_the_evidence_in_a_thread_even_when_answers_are_lost()
    {
        using var setup = new Setup();
        setup.Clone.Write(".pipelines/pipelines.yml", "revert:\n  auto-merge: squash\n");
        setup.Repos.LoseAnswerOnce("POST /fabrikam/Shop/_apis/git/repositories/shop/reverts");
        setup.Repos.LoseAnswerOnce("POST /fabrikam/Shop/_apis/git/repositories/shop/pullrequests");
        setup.Repos.LoseAnswerOnce("POST /fabrikam/Shop/_apis/git/repositories/shop/pullRequests/1/threads");
        var before = setup.OriginMain;

        var (exit, json, output) = setup.Run("--mode", "pull-request");

        Assert.AreEqual(0, exit, output);
        Assert.AreEqual(before, setup.OriginMain);
        var pull = setup.Repos.PullRequests.Single();
        Assert.AreEqual("refs/heads/pipelines/revert-" + setup.Culprit[..10], (string?)pull["sourceRefName"]);
        Assert.AreEqual("build-service-identity", (string?)pull["autoCompleteSetBy"]!["id"]);
        StringAssert.Contains((string?)pull["completionOptions"]!["mergeCommitMessage"], "Reverts: " + setup.Culprit, "the squash keeps our trailer");
        StringAssert.EndsWith(json.GetProperty("pullRequest").GetString(), "/fabrikam/Shop/_git/shop/pullrequest/1");
        Assert.AreEqual(1, setup.Repos.Threads[1].Count);
        StringAssert.Contains(setup.Repos.Threads[1][0], "Shop.Tests.StateTests.IsOk");
        Assert.AreEqual(1, setup.Repos.Requests.Count(r => r.Method == "POST" && r.Path.Split('?')[0].EndsWith("/reverts", StringComparison.Ordinal)), "one revert operation");
    }

    [TestMethod]
    public void A_revert_the_service_reports_as_conflicting_is_a_conflict_verdict_with_the_commands_and_nothing_moves()
    {
        using var setup = new Setup(conflicting: true);
        var before = setup.OriginMain;

        // The red head edits the culprit's line again, so the culprit's revert cannot apply; the probes still
        // pin the culprit (its parent passes, it fails).
        var (exit, json, output) = setup.Run();

        Assert.AreEqual(1, exit, output);
        Assert.AreEqual("conflict", json.GetProperty("verdict").GetString());
        StringAssert.Contains(json.GetProperty("manualRevert").GetString(), "git revert " + setup.Culprit);
        Assert.AreEqual(before, setup.OriginMain);
    }

    [TestMethod]
    public void Without_green_the_last_successful_run_of_this_pipeline_on_the_branch_bounds_the_search()
    {
        using var setup = new Setup();
        setup.Repos.SucceededBuilds.Add((12, "refs/heads/main", setup.Green));
        setup.Repos.SucceededBuilds.Add((13, "refs/heads/main", setup.Culprit)); // another pipeline's run says nothing about ours

        var (exit, json, output) = setup.Run(withGreen: false, "--dry-run");

        Assert.AreEqual(0, exit, output);
        Assert.AreEqual(setup.Culprit, json.GetProperty("culprit").GetString());
    }
}

using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary><c>pipelines revert-on-red</c> with the local git provider, on real repositories and real probe runs.</summary>
[TestClass]
public sealed class RevertOnRedCommandTests
{
    private const string Passes = "grep -qx ok state.txt";

    /// <summary>A repository whose tests pass while state.txt says "ok"; returns the green commit.</summary>
    private static (TemporaryRepository Repo, string Green) Repository()
    {
        var repo = new TemporaryRepository();
        repo.Write("state.txt", "ok\n").Write("README.md", "shop\n");
        var green = repo.Commit("green: everything passes");
        return (repo, green);
    }

    private static (int Exit, JsonElement Json, string Error) Revert(TemporaryRepository repo, string green, params string[] extra)
    {
        var run = CliRunner.Run(repo.Path, ["revert-on-red", "--green", green, "--test-command", Passes, "--json", .. extra]);
        var json = run.StandardOutput.Length > 0 ? JsonDocument.Parse(run.StandardOutput).RootElement.Clone() : default;
        return (run.ExitCode, json, run.StandardError);
    }

    private static string Head(TemporaryRepository repo) => repo.Git("rev-parse", "main").Trim();

    [TestMethod]
    public void A_single_red_commit_is_reverted_on_the_branch_with_its_trailer_and_the_author_is_told()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        var culprit = repo.Write("state.txt", "broken\n").Commit("Break the state");

        var (exit, json, error) = Revert(repo, green, "--failed-tests", "Shop.Tests.StateTests.IsOk");

        Assert.AreEqual(0, exit, error);
        Assert.AreEqual("reverted", json.GetProperty("verdict").GetString());
        Assert.AreEqual(culprit, json.GetProperty("culprit").GetString());
        var revert = json.GetProperty("revertSha").GetString()!;
        Assert.AreEqual(revert, Head(repo));
        Assert.AreEqual("ok\n", repo.Git("show", "main:state.txt"));
        var message = repo.Git("log", "-1", "--format=%B", revert);
        StringAssert.StartsWith(message, "Revert \"Break the state\"");
        StringAssert.Contains(message, "- Shop.Tests.StateTests.IsOk");
        StringAssert.Contains(message, "Reverts: " + culprit);
        CollectionAssert.AreEqual(new[] { culprit, green }, json.GetProperty("probes").EnumerateArray().Select(p => p.GetProperty("sha").GetString()).ToArray());
        StringAssert.Contains(repo.Git("notes", "--ref", "refs/notes/pipelines", "show", culprit), "revert-on-red: reverted");
    }

    [TestMethod]
    public void The_culprit_among_eight_commits_is_found_by_bisection_in_three_rounds()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        var shas = new List<string>();
        for (var i = 1; i <= 8; i++)
        {
            if (i == 5)
            {
                repo.Write("state.txt", "broken\n");
            }

            shas.Add(repo.Write($"file{i}.txt", $"{i}\n").Commit($"change {i}"));
        }

        var (exit, json, error) = Revert(repo, green);

        Assert.AreEqual(0, exit, error);
        Assert.AreEqual(shas[4], json.GetProperty("culprit").GetString());
        var probes = json.GetProperty("probes").EnumerateArray().Select(p => p.GetProperty("purpose").GetString()!).ToList();
        Assert.AreEqual(3, probes.Count(p => p.StartsWith("bisect", StringComparison.Ordinal)), string.Join("\n", probes));
        Assert.IsLessThanOrEqualTo(1 + 3 + 1, probes.Count);
        Assert.AreEqual("ok\n", repo.Git("show", "main:state.txt"));
        Assert.AreEqual("8\n", repo.Git("show", "main:file8.txt"), "only the culprit is undone");
    }

    [TestMethod]
    public void A_red_that_passes_on_a_retry_is_flaky_and_nothing_is_reverted()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        var red = repo.Write("code.txt", "harmless\n").Commit("Harmless change");

        // Fails the first time in each checkout, passes after: a flaky test.
        var run = CliRunner.Run(repo.Path, "revert-on-red", "--green", green, "--json",
            "--test-command", "sh -c \"if [ -f .ran ]; then exit 0; else touch .ran; exit 1; fi\"");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        Assert.AreEqual("flaky", JsonDocument.Parse(run.StandardOutput).RootElement.GetProperty("verdict").GetString());
        Assert.AreEqual(red, Head(repo));
    }

    [TestMethod]
    public void A_culprit_that_is_itself_a_revert_is_declined()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        repo.Write("state.txt", "broken\n").Commit("Revert \"Fix the state\"");
        var head = Head(repo);

        var (exit, json, _) = Revert(repo, green);

        Assert.AreEqual(1, exit);
        Assert.AreEqual("declined", json.GetProperty("verdict").GetString());
        StringAssert.Contains(json.GetProperty("reason").GetString(), "is itself a revert");
        Assert.AreEqual(head, Head(repo));
    }

    [TestMethod]
    public void A_second_run_finds_the_revert_and_makes_no_second_commit()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        var red = repo.Write("state.txt", "broken\n").Commit("Break the state");
        var first = Revert(repo, green, "--red", red);
        var afterFirst = Head(repo);

        var (exit, json, error) = Revert(repo, green, "--red", red);

        Assert.AreEqual(0, first.Exit, first.Error);
        Assert.AreEqual(0, exit, error);
        Assert.AreEqual("already-reverted", json.GetProperty("verdict").GetString());
        Assert.AreEqual(afterFirst, Head(repo));
        Assert.AreEqual("2", repo.Git("rev-list", "--count", green + "..main").Trim());
    }

    [TestMethod]
    public void A_revert_that_conflicts_pushes_nothing_and_says_how_to_do_it_by_hand()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        var culprit = repo.Write("state.txt", "broken\n").Commit("Break the state");
        var red = repo.Write("state.txt", "broken worse\n").Commit("Build on the broken state");

        var (exit, json, _) = Revert(repo, green);

        Assert.AreEqual(1, exit);
        Assert.AreEqual("conflict", json.GetProperty("verdict").GetString());
        Assert.AreEqual(culprit, json.GetProperty("culprit").GetString());
        StringAssert.Contains(json.GetProperty("manualRevert").GetString(), "git revert " + culprit);
        Assert.AreEqual(red, Head(repo));
        Assert.AreEqual(string.Empty, repo.Git("status", "--porcelain"));
    }

    [TestMethod]
    public void A_dry_run_finds_the_culprit_and_changes_nothing()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        var red = repo.Write("state.txt", "broken\n").Commit("Break the state");

        var (exit, json, error) = Revert(repo, green, "--dry-run", "--decision-log", "decisions.jsonl");

        Assert.AreEqual(0, exit, error);
        Assert.AreEqual("reverted", json.GetProperty("verdict").GetString());
        Assert.IsTrue(json.GetProperty("dryRun").GetBoolean());
        Assert.AreEqual(red, Head(repo));
        Assert.IsFalse(File.Exists(Path.Combine(repo.Path, "decisions.jsonl")));
        Assert.AreEqual(string.Empty, repo.Git("notes", "--ref", "refs/notes/pipelines", "list").Trim());
    }

    [TestMethod]
    public void Pull_request_mode_leaves_the_revert_on_a_branch_of_its_own_and_logs_the_decision()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        var red = repo.Write("state.txt", "broken\n").Commit("Break the state");

        var (exit, json, error) = Revert(repo, green, "--mode", "pull-request", "--decision-log", "logs/decisions.jsonl");

        Assert.AreEqual(0, exit, error);
        var branch = json.GetProperty("pullRequest").GetString()!;
        Assert.AreEqual("pipelines/revert-" + red[..10], branch);
        Assert.AreEqual(red, Head(repo));
        Assert.AreEqual("ok\n", repo.Git("show", branch + ":state.txt"));
        var line = JsonDocument.Parse(File.ReadAllLines(Path.Combine(repo.Path, "logs", "decisions.jsonl")).Single()).RootElement;
        Assert.AreEqual("reverted", line.GetProperty("verdict").GetString());
        Assert.AreEqual(2, line.GetProperty("probes").GetArrayLength());
    }

    [TestMethod]
    public void Without_the_last_green_commit_it_is_bad_input_naming_the_option()
    {
        var (repo, _) = Repository();
        using var __ = repo;

        var run = CliRunner.Run(repo.Path, "revert-on-red", "--test-command", Passes);

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--green");
    }

    [TestMethod]
    public void The_failing_tests_can_be_a_folder_of_the_red_runs_result_files()
    {
        var (repo, green) = Repository();
        using var _ = repo;
        repo.Write("state.txt", "broken\n").Commit("Break the state");
        using var results = new TempDirectory("pipelines-red-results");
        Directory.CreateDirectory(Path.Combine(results.Path, "shard-1"));
        ResultFileWriter.Trx(Path.Combine(results.Path, "shard-1", "shard-1.trx"), [("Shop.Tests.StateTests.IsOk", 0.1, "Failed"), ("Shop.Tests.CartTests.Adds", 0.1, "Passed")]);
        ResultFileWriter.Trx(Path.Combine(results.Path, "shard-2.trx"), [("Shop.Tests.PriceTests.Rounds", 0.1, "Failed")]);

        var (exit, json, error) = Revert(repo, green, "--failed-tests", results.Path);

        Assert.AreEqual(0, exit, error);
        CollectionAssert.AreEquivalent(new[] { "Shop.Tests.PriceTests.Rounds", "Shop.Tests.StateTests.IsOk" },
            json.GetProperty("failingTests").EnumerateArray().Select(t => t.GetString()).ToArray());
    }
}

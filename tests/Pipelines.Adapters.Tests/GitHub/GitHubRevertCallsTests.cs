using System.Text;
using Pipelines.Adapters.GitHub;
using Pipelines.Adapters.Http;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.GitHub;

/// <summary>
/// The calls revert-on-red makes on GitHub, against our recordings of them (Recordings/, made by
/// tools/github-fixtures/compose.mjs from GitHub's own examples), served as strictly as GitHub's recorded scenarios
/// (method, path, query, headers and exact body), and the recordings checked against GitHub's OpenAPI description.
/// </summary>
[TestClass]
public sealed class GitHubRevertCallsTests
{
    private const string Owner = "octokit-fixture-org";
    private const string Repo = "pipelines-revert-on-red";

    private static readonly HttpRetryOptions Fast = new(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));

    private static string Sha(int n) => n.ToString("x", System.Globalization.CultureInfo.InvariantCulture).PadLeft(40, '0');

    private static async Task<GitHubClient> Recorded(string scenario, HttpClient http) =>
        new(http, await OctokitFixtures.LoadAsync(scenario), OctokitFixtures.Token, Fast);

    [TestMethod]
    public async Task A_revert_is_published_as_blob_tree_commit_and_a_fast_forward_of_the_branch()
    {
        using var http = new HttpClient();
        var client = await Recorded("pipelines-revert-publish", http);
        var signature = new Signature("Pipelines revert-on-red", "revert-on-red@pipelines.invalid", "2026-11-23T10:00:00+00:00");

        var head = await client.GetRefAsync(Owner, Repo, "heads/main", CancellationToken.None);
        var blob = await client.CreateBlobAsync(Owner, Repo, Encoding.UTF8.GetBytes("ok\n"), CancellationToken.None);
        var tree = await client.CreateTreeAsync(Owner, Repo,
            new NewTree(Sha(0xc0), [new TreeEntry("state.txt", "100644", "blob", blob), new TreeEntry("added.txt", "100644", "blob", null)]), CancellationToken.None);
        var commit = await client.CreateCommitAsync(Owner, Repo,
            new NewCommit("Revert \"Break the state\"\n\nReverts: " + Sha(0xd0) + "\n", tree, [head!.Target.Sha], signature, signature), CancellationToken.None);
        await client.UpdateRefAsync(Owner, Repo, "refs/heads/main", commit, force: false, CancellationToken.None);

        Assert.AreEqual(Sha(0xa1), head.Target.Sha);
        Assert.AreEqual(Sha(0xb1), blob);
        Assert.AreEqual(Sha(0xc1), tree);
        Assert.AreEqual(Sha(0xe1), commit);
    }

    [TestMethod]
    public async Task A_revert_pull_request_is_opened_after_looking_for_one_from_the_same_branch()
    {
        using var http = new HttpClient();
        var client = await Recorded("pipelines-revert-pull-request", http);

        var pull = await client.CreatePullRequestAsync(Owner, Repo,
            new NewPullRequest("Revert \"Break the state\"", "pipelines/revert-00000000d0", "main", "Reverts: " + Sha(0xd0) + "\n"), CancellationToken.None);

        Assert.AreEqual(8, pull.Number);
        Assert.AreEqual("PR_kwDOfixture8", pull.NodeId);
        StringAssert.EndsWith(pull.HtmlUrl, $"/{Owner}/{Repo}/pull/8", $"the server rewrites hosts in what it serves: {pull.HtmlUrl}");
    }

    [TestMethod]
    public async Task The_author_is_told_on_their_pull_request_once_and_a_commit_already_told_gets_nothing_more()
    {
        using var http = new HttpClient();
        var client = await Recorded("pipelines-revert-notify", http);

        var pulls = await client.PullRequestsOfCommitAsync(Owner, Repo, Sha(0xd0), CancellationToken.None);
        await client.CommentOnIssueAsync(Owner, Repo, pulls.Single().Number, "Broke main.\n<!-- key-1 -->\n", "key-1", CancellationToken.None);
        await client.CommentOnCommitAsync(Owner, Repo, Sha(0xd1), "Told already.\n<!-- key-2 -->\n", "key-2", CancellationToken.None);

        Assert.AreEqual(7, pulls.Single().Number);
        Assert.IsNotNull(pulls.Single().MergedAt);
    }

    [TestMethod]
    public async Task The_daily_cap_counts_automatic_reverts_in_the_branchs_commits_and_the_last_green_run_is_read()
    {
        using var http = new HttpClient();
        var client = await Recorded("pipelines-revert-history", http);

        var commits = await client.ListCommitsSinceAsync(Owner, Repo, "main", new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), CancellationToken.None);
        var runs = await client.SuccessfulRunsAsync(Owner, Repo, 161335, "main", CancellationToken.None);

        Assert.AreEqual(1, commits.Count(c => c.Commit.Message.Contains(Core.Revert.RevertMessage.AutomaticMarker, StringComparison.Ordinal)));
        Assert.IsTrue(runs.Count > 0 && runs.All(r => r.HeadSha.Length == 40));
    }

    [TestMethod]
    public async Task A_post_mortem_issue_is_opened_after_looking_for_one_with_the_same_key()
    {
        using var http = new HttpClient();
        var client = await Recorded("pipelines-revert-post-mortem", http);

        var issue = await client.OpenIssueOnceAsync(Owner, Repo, "Post-mortem: main went red at 00000000d0", "- [ ] Add the test\n<!-- key-3 -->\n", "post-mortem", "key-3", CancellationToken.None);

        Assert.AreEqual(12, issue.Number);
    }

    [TestMethod]
    public void The_recordings_match_GitHubs_OpenAPI_description()
    {
        var recordings = Directory.GetFiles(SourceTree.PathOf("tests/Pipelines.Adapters.Tests/GitHub/Recordings"), "*.json");
        TestTools.PathOf("@octokit/openapi/generated/api.github.com.deref.json");

        var run = Programs.Run("node", [SourceTree.PathOf("tools/github-fixtures/check.mjs"), .. recordings]);

        Assert.AreEqual(0, run.ExitCode, run.StandardOutput + run.StandardError);
        StringAssert.Contains(run.StandardOutput, "15 recorded calls checked");
    }

    [TestMethod]
    public void The_OpenAPI_check_rejects_a_recording_that_GitHub_would_not_accept()
    {
        using var folder = new TempDirectory("pipelines-recording");
        var bad = """
            [{"scope":"https://api.github.com:443","method":"patch","path":"/repos/o/r/git/refs/heads/main","body":{"sha":5},"status":200,"response":{},"reqheaders":{}},
             {"scope":"https://api.github.com:443","method":"post","path":"/repos/o/r/git/trees/extra","body":{},"status":201,"response":{},"reqheaders":{}}]
            """;
        folder.Write("bad.json", bad);

        var run = Programs.Run("node", [SourceTree.PathOf("tools/github-fixtures/check.mjs"), System.IO.Path.Combine(folder.Path, "bad.json")]);

        Assert.AreEqual(1, run.ExitCode, run.StandardOutput);
        StringAssert.Contains(run.StandardError, "request body: data/sha must be string");
        StringAssert.Contains(run.StandardError, "no such operation");
    }
}

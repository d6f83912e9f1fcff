using System.Text;
using Pipelines.Adapters.Git;
using Pipelines.Core.Errors;
using Pipelines.Core.Revert;

namespace Pipelines.Adapters.GitHub;

/// <summary>Where the revert happens on GitHub and how it is merged.</summary>
/// <param name="Remote">The local clone's name for the GitHub repository (to fetch missing commits).</param>
/// <param name="AutoMergeMethod">MERGE, SQUASH or REBASE to turn on auto-merge for a revert pull request; null leaves it off.</param>
public sealed record GitHubRepository(string Owner, string Name, string Branch, string Remote = "origin", string? AutoMergeMethod = null)
{
    public override string ToString() => Owner + "/" + Name;
}

/// <summary>
/// revert-on-red on GitHub. Probes and the revert itself run in the local clone with real git (so merge rules and
/// conflicts are git's own); the revert is then published through the REST API (blobs, tree, commit, ref), which
/// keeps the token in an HTTP header and makes every step safe to repeat. The author is told with a commit status
/// and a comment on the pull request that brought the commit in (or on the commit).
/// </summary>
public sealed class GitHubRevertTarget(GitHubClient client, GitHubRepository github, GitRepository clone, string workDirectory) : IRevertTarget
{
    public const string StatusContext = "pipelines/revert-on-red";

    public string Name => "GitHub";

    public async Task<string> BranchHeadAsync(CancellationToken cancellation)
    {
        var head = await client.GetRefAsync(github.Owner, github.Name, "heads/" + github.Branch, cancellation).ConfigureAwait(false)
            ?? throw new InputException($"--branch: {github.Branch} does not exist in {github}");
        CommitHistory.EnsurePresent(clone, github.Remote, github.Branch, head.Target.Sha);
        return head.Target.Sha;
    }

    public Task<IReadOnlyList<CommitInfo>> CommitsBetweenAsync(string green, string red, CancellationToken cancellation)
    {
        CommitHistory.EnsurePresent(clone, github.Remote, github.Branch, green, red);
        return Task.FromResult(CommitHistory.Between(clone, green, red));
    }

    public async Task<string?> FindExistingRevertAsync(string culprit, CancellationToken cancellation)
    {
        var head = await BranchHeadAsync(cancellation).ConfigureAwait(false);
        if (CommitHistory.FindRevert(clone, culprit, head) is { } local)
        {
            return local;
        }

        // Our own review branch and its pull request, open, merged or closed, even when the clone has not fetched them.
        var review = LocalRevert.ReviewBranch(culprit);
        var pulls = await client.PullRequestsFromAsync(github.Owner, github.Name, review, cancellation).ConfigureAwait(false);
        if (pulls.Count > 0)
        {
            var pull = pulls[0];
            return $"pull request #{pull.Number} ({(pull.MergedAt is null ? pull.State : "merged")})";
        }

        return await client.GetRefAsync(github.Owner, github.Name, "heads/" + review, cancellation).ConfigureAwait(false) is { } branch
            ? $"branch {review} ({branch.Target.Sha[..10]})"
            : null;
    }

    public async Task<int> AutomaticRevertsSinceAsync(DateTimeOffset since, CancellationToken cancellation)
    {
        var commits = await client.ListCommitsSinceAsync(github.Owner, github.Name, github.Branch, since, cancellation).ConfigureAwait(false);
        return commits.Count(c => c.Commit.Message.Contains(RevertMessage.AutomaticMarker, StringComparison.Ordinal));
    }

    public async Task<RevertAttempt> RevertAsync(CommitInfo culprit, string message, RevertMode mode, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(culprit);
        if (mode == RevertMode.CommentOnly)
        {
            return new RevertAttempt(null, null, null);
        }

        var head = await BranchHeadAsync(cancellation).ConfigureAwait(false);
        var local = LocalRevert.Make(clone, workDirectory, head, github.Branch, culprit, message);
        if (local.Sha is not { } localSha)
        {
            return new RevertAttempt(null, null, local.Conflict);
        }

        var revert = await PublishAsync(localSha, head, culprit, cancellation).ConfigureAwait(false);
        if (mode == RevertMode.Push)
        {
            // Fast-forward only: if the branch moved since the revert was made from it, GitHub refuses and nothing changes.
            await client.UpdateRefAsync(github.Owner, github.Name, "refs/heads/" + github.Branch, revert, force: false, cancellation).ConfigureAwait(false);
            return new RevertAttempt(revert, null, null);
        }

        var review = LocalRevert.ReviewBranch(culprit.Sha);
        await client.CreateRefAsync(github.Owner, github.Name, "refs/heads/" + review, revert, cancellation).ConfigureAwait(false);
        var title = message.Split('\n')[0];
        var pull = await client.CreatePullRequestAsync(github.Owner, github.Name, new NewPullRequest(title, review, github.Branch, message), cancellation).ConfigureAwait(false);
        if (github.AutoMergeMethod is { } method)
        {
            var (enabled, reason) = await client.EnableAutoMergeAsync(pull, method, cancellation).ConfigureAwait(false);
            if (!enabled)
            {
                return new RevertAttempt(revert, pull.HtmlUrl + $" (auto-merge not enabled: {reason})", null);
            }
        }

        return new RevertAttempt(revert, pull.HtmlUrl, null);
    }

    public async Task NotifyAsync(RevertNotice notice, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var sha = notice.Culprit.Sha;
        var headline = notice.Headline.Length > 140 ? notice.Headline[..139] + "…" : notice.Headline;
        await client.CreateStatusAsync(github.Owner, github.Name, sha, new NewStatus("failure", notice.BuildLink, headline, StatusContext), cancellation).ConfigureAwait(false);

        var body = notice.Text + "\n<!-- " + notice.Key + " -->\n";
        var pulls = await client.PullRequestsOfCommitAsync(github.Owner, github.Name, sha, cancellation).ConfigureAwait(false);
        if (pulls.FirstOrDefault(p => p.MergedAt is not null) is { } merged)
        {
            await client.CommentOnIssueAsync(github.Owner, github.Name, merged.Number, body, notice.Key, cancellation).ConfigureAwait(false);
        }
        else
        {
            await client.CommentOnCommitAsync(github.Owner, github.Name, sha, body, notice.Key, cancellation).ConfigureAwait(false);
        }

        if (notice.PostMortem is { } postMortem)
        {
            await client.OpenIssueOnceAsync(github.Owner, github.Name, postMortem.Title, postMortem.Body + "\n<!-- " + notice.Key + " -->\n", PostMortemLabel, notice.Key, cancellation)
                .ConfigureAwait(false);
        }
    }

    /// <summary>The label post-mortem issues carry, and are found again by.</summary>
    public const string PostMortemLabel = "post-mortem";

    /// <summary>
    /// Sends the local revert commit to GitHub: blobs GitHub may lack, the tree on top of the branch head's tree, the
    /// commit with its own dates. GitHub names objects by content as git does, so the tree must come out the same.
    /// </summary>
    private async Task<string> PublishAsync(string localSha, string head, CommitInfo culprit, CancellationToken cancellation)
    {
        var diff = GitRepository.Require(clone.Run("diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", head, localSha), "list the revert's changes").StandardOutput;
        var entries = new List<TreeEntry>();
        var fields = diff.Split('\0');
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            // ":100644 100644 <old> <new> M", then the path
            var meta = fields[i].TrimStart(':').Split(' ');
            var path = fields[i + 1];
            if (meta[4] == "D")
            {
                entries.Add(new TreeEntry(path, meta[0], meta[0] == "160000" ? "commit" : "blob", null));
                continue;
            }

            var mode = meta[1];
            var blob = meta[3];
            if (mode != "160000" && !KnownToGitHub(culprit, path, blob))
            {
                var stored = await client.CreateBlobAsync(github.Owner, github.Name, clone.ReadObjectBytes("blob", blob), cancellation).ConfigureAwait(false);
                if (stored != blob)
                {
                    throw new OutsideSystemException(GitHubClient.SystemName, $"stored {path} as {stored}, but git names its content {blob}");
                }
            }

            entries.Add(new TreeEntry(path, mode, mode == "160000" ? "commit" : "blob", blob));
        }

        var baseTree = GitRepository.Require(clone.Run("rev-parse", head + "^{tree}"), "read the branch head's tree").StandardOutput.Trim();
        var localTree = GitRepository.Require(clone.Run("rev-parse", localSha + "^{tree}"), "read the revert's tree").StandardOutput.Trim();
        var tree = await client.CreateTreeAsync(github.Owner, github.Name, new NewTree(baseTree, entries), cancellation).ConfigureAwait(false);
        if (tree != localTree)
        {
            throw new OutsideSystemException(GitHubClient.SystemName, $"built tree {tree} for the revert, but git built {localTree}; nothing was pushed");
        }

        var raw = Encoding.UTF8.GetString(clone.ReadObjectBytes("commit", localSha));
        var split = raw.IndexOf("\n\n", StringComparison.Ordinal);
        var message = raw[(split + 2)..];
        var who = GitRepository.Require(clone.Run("show", "-s", "--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI", localSha), "read the revert's author").StandardOutput.TrimEnd('\n').Split('\0');
        return await client.CreateCommitAsync(github.Owner, github.Name,
            new NewCommit(message, tree, [head], new Signature(who[0], who[1], who[2]), new Signature(who[3], who[4], who[5])), cancellation).ConfigureAwait(false);
    }

    /// <summary>A blob is on GitHub already when it is the culprit's parent's version of the path (what a clean revert restores).</summary>
    private bool KnownToGitHub(CommitInfo culprit, string path, string blob) =>
        culprit.Parents.Count > 0 && clone.Run("rev-parse", "--verify", "--quiet", culprit.Parents[0] + ":" + path).StandardOutput.Trim() == blob;
}

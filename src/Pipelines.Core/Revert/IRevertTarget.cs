namespace Pipelines.Core.Revert;

/// <summary>How a revert reaches the branch.</summary>
public enum RevertMode
{
    /// <summary>Straight onto the branch.</summary>
    Push,

    /// <summary>On a branch of its own, for review (a pull request where the host has them).</summary>
    PullRequest,

    /// <summary>No revert: only tell the author.</summary>
    CommentOnly,
}

/// <summary>A commit as revert-on-red needs to know it.</summary>
public sealed record CommitInfo(
    string Sha,
    string Subject,
    string Message,
    string Author,
    string AuthorEmail,
    IReadOnlyList<string> Parents,
    IReadOnlyList<string> ChangedFiles);

/// <summary>How a revert attempt ended.</summary>
/// <param name="RevertSha">The revert commit, when one was made.</param>
/// <param name="PullRequest">Where it waits for review: a pull request, or a branch.</param>
/// <param name="Conflict">When the revert does not apply: what a person should run instead.</param>
public sealed record RevertAttempt(string? RevertSha, string? PullRequest, string? Conflict);

/// <summary>What the author is told about their commit.</summary>
/// <param name="Text">The full note: verdict, reason, failing tests, evidence, how to re-land.</param>
/// <param name="Headline">One line for a commit status.</param>
/// <param name="Key">The same for a repeat of the same decision, so a retried run does not tell twice.</param>
/// <param name="PostMortem">When asked for (revert.post-mortem): a blameless post-mortem to open as an issue, title and body.</param>
public sealed record RevertNotice(CommitInfo Culprit, RevertVerdict Verdict, string Text, string Headline, string Key, string? BuildLink, (string Title, string Body)? PostMortem = null);

/// <summary>
/// The system that holds the branch: a local repository, GitHub, or Azure Repos. Everything revert-on-red reads from
/// or writes to it goes through here; every write is safe to repeat (it looks for its own earlier result first).
/// </summary>
public interface IRevertTarget
{
    /// <summary>For messages: "git", "GitHub", "Azure Repos".</summary>
    string Name { get; }

    /// <summary>Where the branch points now, on the system that holds it (not a possibly stale local copy).</summary>
    Task<string> BranchHeadAsync(CancellationToken cancellation);

    /// <summary>(green, red] on the branch's first-parent line, oldest first.</summary>
    Task<IReadOnlyList<CommitInfo>> CommitsBetweenAsync(string green, string red, CancellationToken cancellation);

    /// <summary>A revert of <paramref name="culprit"/> that exists anywhere (merged, open or abandoned), described; null if none.</summary>
    Task<string?> FindExistingRevertAsync(string culprit, CancellationToken cancellation);

    /// <summary>Automatic reverts on the branch since the given time.</summary>
    Task<int> AutomaticRevertsSinceAsync(DateTimeOffset since, CancellationToken cancellation);

    Task<RevertAttempt> RevertAsync(CommitInfo culprit, string message, RevertMode mode, CancellationToken cancellation);

    /// <summary>Tells the author: a comment and a status on the commit or its pull request (a git note locally).</summary>
    Task NotifyAsync(RevertNotice notice, CancellationToken cancellation);
}

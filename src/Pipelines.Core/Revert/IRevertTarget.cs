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

/// <summary>
/// The system that holds the branch: a local repository, GitHub, or Azure Repos. Everything revert-on-red reads from
/// or writes to it goes through here; every write is safe to repeat (it looks for its own earlier result first).
/// </summary>
public interface IRevertTarget
{
    /// <summary>For messages: "git", "GitHub", "Azure Repos".</summary>
    string Name { get; }

    string BranchHead();

    /// <summary>(green, red] on the branch's first-parent line, oldest first.</summary>
    IReadOnlyList<CommitInfo> CommitsBetween(string green, string red);

    /// <summary>A revert of <paramref name="culprit"/> that exists anywhere (merged, open or abandoned), described; null if none.</summary>
    string? FindExistingRevert(string culprit);

    /// <summary>Automatic reverts on the branch since the given time.</summary>
    int AutomaticRevertsSince(DateTimeOffset since);

    RevertAttempt Revert(CommitInfo culprit, string message, RevertMode mode);

    /// <summary>Tells the author: a comment on the commit or pull request (a git note locally).</summary>
    void Notify(CommitInfo culprit, string message);
}

using Pipelines.Core.Revert;

namespace Pipelines.Adapters.Git;

/// <summary>A revert made by real <c>git revert</c> in a throwaway worktree: the commit, or why it does not apply.</summary>
/// <param name="Sha">The revert commit, in the local object store only.</param>
/// <param name="Conflict">What a person should run instead, when the revert does not apply.</param>
public sealed record LocalRevert(string? Sha, string? Conflict)
{
    public const string Committer = "Pipelines revert-on-red";
    public const string CommitterEmail = "revert-on-red@pipelines.invalid";

    /// <summary>Reverts <paramref name="culprit"/> on top of <paramref name="onto"/> with the given message.</summary>
    public static LocalRevert Make(GitRepository repository, string workDirectory, string onto, string branch, CommitInfo culprit, string message)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(culprit);
        using var worktree = ProbeWorktree.Create(repository, workDirectory, onto);
        var merge = culprit.Parents.Count > 1;
        string[] revert = merge ? ["revert", "--no-commit", "--mainline", "1", culprit.Sha] : ["revert", "--no-commit", culprit.Sha];
        if (!GitRepository.RunIn(worktree.Path, revert).Succeeded)
        {
            GitRepository.RunIn(worktree.Path, "revert", "--abort");
            return new LocalRevert(null,
                $"git switch {branch} && git pull && git revert {(merge ? "-m 1 " : string.Empty)}{culprit.Sha}   # resolve the conflicts, then: git revert --continue && git push");
        }

        var messageFile = Path.Combine(workDirectory, "revert-message-" + culprit.Sha[..10] + ".txt");
        File.WriteAllText(messageFile, message);
        try
        {
            GitRepository.Require(GitRepository.RunIn(worktree.Path, "-c", "user.name=" + Committer, "-c", "user.email=" + CommitterEmail, "-c", "commit.gpgsign=false",
                "commit", "--quiet", "--no-verify", "--file", messageFile), "commit the revert");
        }
        finally
        {
            File.Delete(messageFile);
        }

        return new LocalRevert(GitRepository.Require(GitRepository.RunIn(worktree.Path, "rev-parse", "HEAD"), "read the revert commit").StandardOutput.Trim(), null);
    }

    /// <summary>Where every automatic revert branch lives.</summary>
    public const string ReviewBranchPrefix = "pipelines/revert-";

    /// <summary>The branch a revert waits on for review, named for the culprit so a second run finds it.</summary>
    public static string ReviewBranch(string culprit) => ReviewBranchPrefix + culprit[..10];
}

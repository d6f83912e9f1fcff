using System.Globalization;
using Pipelines.Adapters.Processes;
using Pipelines.Core.Errors;
using Pipelines.Core.Revert;

namespace Pipelines.Adapters.Git;

/// <summary>
/// revert-on-red on a local repository (the embedded default): reverts are real <c>git revert</c> commits on the
/// branch, found again by their <c>Reverts:</c> trailer; the author is told in a git note on the culprit.
/// </summary>
public sealed class GitRevertTarget(GitRepository repository, string branch, string workDirectory) : IRevertTarget
{
    public const string NotesRef = "refs/notes/pipelines";
    public const string Committer = "Pipelines revert-on-red";
    public const string CommitterEmail = "revert-on-red@pipelines.invalid";

    public string Name => "git";

    public string Branch => branch;

    public string BranchHead() => repository.ResolveCommit("refs/heads/" + branch, "--branch");

    public IReadOnlyList<CommitInfo> CommitsBetween(string green, string red)
    {
        var list = GitRepository.Require(repository.Run("rev-list", "--first-parent", "--reverse", green + ".." + red), "list the commits between green and red");
        return [.. list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Commit)];
    }

    public CommitInfo Commit(string sha)
    {
        var fields = GitRepository.Require(repository.Run("show", "-s", "--format=%H%x00%s%x00%an%x00%ae%x00%P%x00%B", sha), $"read commit {sha}")
            .StandardOutput.Split('\0');
        var parents = fields[4].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var against = parents.Length == 0 ? GitRepository.EmptyTree : parents[0];
        var files = GitRepository.Require(repository.Run("diff", "--name-only", "-z", "--no-renames", against, sha), $"list the files of {sha}")
            .StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        return new CommitInfo(fields[0], fields[1], fields[5].TrimEnd(), fields[2], fields[3], parents, files);
    }

    public string? FindExistingRevert(string culprit)
    {
        // Every ref counts: a revert on a review branch, merged or abandoned, is still a revert of this commit.
        var found = repository.Run("log", "--all", "--fixed-strings", "--format=%H%x00%D",
            "--grep=" + RevertPolicy.ReferenceTrailer + ": " + culprit, "--grep=This reverts commit " + culprit);
        var first = found.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        var parts = first.Split('\0');
        return parts.Length > 1 && parts[1].Length > 0 ? $"{parts[0][..10]} ({parts[1]})" : parts[0][..10];
    }

    public int AutomaticRevertsSince(DateTimeOffset since)
    {
        var log = repository.Run("log", "refs/heads/" + branch, "--first-parent", "--fixed-strings", "--format=%H",
            "--since=" + since.ToString("o", CultureInfo.InvariantCulture), "--grep=Reverted automatically by pipelines revert-on-red");
        return log.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    public RevertAttempt Revert(CommitInfo culprit, string message, RevertMode mode)
    {
        ArgumentNullException.ThrowIfNull(culprit);
        if (mode == RevertMode.CommentOnly)
        {
            return new RevertAttempt(null, null, null);
        }

        var head = BranchHead();
        using var worktree = ProbeWorktree.Create(repository, workDirectory, head);
        string[] revert = culprit.Parents.Count > 1
            ? ["revert", "--no-commit", "--mainline", "1", culprit.Sha]
            : ["revert", "--no-commit", culprit.Sha];
        if (!GitRepository.RunIn(worktree.Path, revert).Succeeded)
        {
            GitRepository.RunIn(worktree.Path, "revert", "--abort");
            return new RevertAttempt(null, null,
                $"git switch {branch} && git revert {(culprit.Parents.Count > 1 ? "-m 1 " : string.Empty)}{culprit.Sha}   # resolve the conflicts, then: git revert --continue && git push");
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

        var revertSha = GitRepository.Require(GitRepository.RunIn(worktree.Path, "rev-parse", "HEAD"), "read the revert commit").StandardOutput.Trim();
        var reviewBranch = "pipelines/revert-" + culprit.Sha[..10];
        if (mode == RevertMode.PullRequest)
        {
            GitRepository.Require(repository.Run("branch", "--force", reviewBranch, revertSha), "create the review branch");
            return new RevertAttempt(revertSha, reviewBranch, null);
        }

        return MoveBranch(head, revertSha, reviewBranch);
    }

    public void Notify(CommitInfo culprit, string message)
    {
        ArgumentNullException.ThrowIfNull(culprit);
        GitRepository.Require(repository.Run("-c", "user.name=" + Committer, "-c", "user.email=" + CommitterEmail,
            "notes", "--ref", NotesRef, "append", "-m", message, culprit.Sha), "add a note to the culprit");
    }

    /// <summary>
    /// Moves the branch to the revert, only if it still points where the revert was made from. A checked-out branch
    /// moves only when its working tree is clean; otherwise the revert waits on a branch of its own.
    /// </summary>
    private RevertAttempt MoveBranch(string from, string to, string reviewBranch)
    {
        var checkedOut = repository.Run("symbolic-ref", "--quiet", "HEAD").StandardOutput.Trim() == "refs/heads/" + branch;
        if (checkedOut)
        {
            if (repository.Run("status", "--porcelain", "--untracked-files=no").StandardOutput.Trim().Length > 0)
            {
                GitRepository.Require(repository.Run("branch", "--force", reviewBranch, to), "create the revert branch");
                return new RevertAttempt(to, reviewBranch, null);
            }

            GitRepository.Require(repository.Run("merge", "--ff-only", "--quiet", to), $"move {branch} to the revert");
            return new RevertAttempt(to, null, null);
        }

        GitRepository.Require(repository.Run("update-ref", "-m", "pipelines revert-on-red", "refs/heads/" + branch, to, from), $"move {branch} to the revert");
        return new RevertAttempt(to, null, null);
    }
}

using System.Globalization;
using Pipelines.Core.Revert;

namespace Pipelines.Adapters.Git;

/// <summary>
/// revert-on-red on a local repository (the embedded default): reverts are real <c>git revert</c> commits on the
/// branch, found again by their <c>Reverts:</c> trailer; the author is told in a git note on the culprit.
/// </summary>
public sealed class GitRevertTarget(GitRepository repository, string branch, string workDirectory) : IRevertTarget
{
    public const string NotesRef = "refs/notes/pipelines";

    public string Name => "git";

    public Task<string> BranchHeadAsync(CancellationToken cancellation) =>
        Task.FromResult(repository.ResolveCommit("refs/heads/" + branch, "--branch"));

    public Task<IReadOnlyList<CommitInfo>> CommitsBetweenAsync(string green, string red, CancellationToken cancellation) =>
        Task.FromResult(CommitHistory.Between(repository, green, red));

    public Task<string?> FindExistingRevertAsync(string culprit, CancellationToken cancellation) =>
        Task.FromResult(CommitHistory.FindRevert(repository, culprit));

    public Task<int> AutomaticRevertsSinceAsync(DateTimeOffset since, CancellationToken cancellation)
    {
        var log = repository.Run("log", "refs/heads/" + branch, "--first-parent", "--fixed-strings", "--format=%H",
            "--since=" + since.ToString("o", CultureInfo.InvariantCulture), "--grep=" + RevertMessage.AutomaticMarker);
        return Task.FromResult(log.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    public async Task<RevertAttempt> RevertAsync(CommitInfo culprit, string message, RevertMode mode, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(culprit);
        if (mode == RevertMode.CommentOnly)
        {
            return new RevertAttempt(null, null, null);
        }

        var head = await BranchHeadAsync(cancellation).ConfigureAwait(false);
        var revert = LocalRevert.Make(repository, workDirectory, head, branch, culprit, message);
        if (revert.Sha is not { } revertSha)
        {
            return new RevertAttempt(null, null, revert.Conflict);
        }

        var reviewBranch = LocalRevert.ReviewBranch(culprit.Sha);
        if (mode == RevertMode.PullRequest)
        {
            GitRepository.Require(repository.Run("branch", "--force", reviewBranch, revertSha), "create the review branch");
            return new RevertAttempt(revertSha, reviewBranch, null);
        }

        return MoveBranch(head, revertSha, reviewBranch);
    }

    public Task NotifyAsync(RevertNotice notice, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var existing = repository.Run("notes", "--ref", NotesRef, "show", notice.Culprit.Sha);
        if (!existing.Succeeded || !existing.StandardOutput.Contains(notice.Key, StringComparison.Ordinal))
        {
            GitRepository.Require(repository.Run("-c", "user.name=" + LocalRevert.Committer, "-c", "user.email=" + LocalRevert.CommitterEmail,
                "notes", "--ref", NotesRef, "append", "-m", notice.Text + (notice.PostMortem is { } postMortem ? $"\n# {postMortem.Title}\n\n{postMortem.Body}" : string.Empty) + "\n" + notice.Key,
                notice.Culprit.Sha), "add a note to the culprit");
        }

        return Task.CompletedTask;
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

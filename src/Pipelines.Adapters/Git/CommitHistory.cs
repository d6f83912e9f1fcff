using Pipelines.Core.Revert;

namespace Pipelines.Adapters.Git;

/// <summary>Reads commits for revert-on-red from a local clone; every provider probes and reads history there.</summary>
public static class CommitHistory
{
    /// <summary>(green, red] on the first-parent line, oldest first.</summary>
    public static IReadOnlyList<CommitInfo> Between(GitRepository repository, string green, string red)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var list = GitRepository.Require(repository.Run("rev-list", "--first-parent", "--reverse", green + ".." + red), "list the commits between green and red");
        return [.. list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(sha => Read(repository, sha))];
    }

    public static CommitInfo Read(GitRepository repository, string sha)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var fields = GitRepository.Require(repository.Run("show", "-s", "--format=%H%x00%s%x00%an%x00%ae%x00%P%x00%B", sha), $"read commit {sha}")
            .StandardOutput.Split('\0');
        var parents = fields[4].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var against = parents.Length == 0 ? GitRepository.EmptyTree : parents[0];
        var files = GitRepository.Require(repository.Run("diff", "--name-only", "-z", "--no-renames", against, sha), $"list the files of {sha}")
            .StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        return new CommitInfo(fields[0], fields[1], fields[5].TrimEnd(), fields[2], fields[3], parents, files);
    }

    /// <summary>
    /// A commit on any ref, or in the history of <paramref name="alsoIn"/> (a hosted branch's head that no local ref
    /// names yet), that reverts <paramref name="culprit"/> (by our trailer or git's own line), described.
    /// </summary>
    public static string? FindRevert(GitRepository repository, string culprit, params string[] alsoIn)
    {
        ArgumentNullException.ThrowIfNull(repository);

        // Every ref counts: a revert on a review branch, merged or abandoned, is still a revert of this commit.
        var found = repository.Run(["log", "--all", .. alsoIn, "--fixed-strings", "--format=%H%x00%D",
            "--grep=" + RevertPolicy.ReferenceTrailer + ": " + culprit, "--grep=This reverts commit " + culprit, "--"]);
        var first = found.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        var parts = first.Split('\0');
        return parts.Length > 1 && parts[1].Length > 0 ? $"{parts[0][..10]} ({parts[1]})" : parts[0][..10];
    }

    /// <summary>Makes sure the commits exist locally, fetching from <paramref name="remote"/> once if one is missing.</summary>
    public static void EnsurePresent(GitRepository repository, string remote, string branch, params string[] commits)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (commits.All(c => repository.Run("cat-file", "-e", c + "^{commit}").Succeeded))
        {
            return;
        }

        repository.Run("fetch", "--no-tags", "--quiet", remote, "+refs/heads/" + branch + ":refs/remotes/" + remote + "/" + branch);
        var missing = commits.FirstOrDefault(c => !repository.Run("cat-file", "-e", c + "^{commit}").Succeeded);
        if (missing is not null)
        {
            throw new Core.Errors.InputException(
                $"--repo: commit {missing} is not in the local clone at {repository.Root}, even after fetching {branch} from {remote}; check out with full history (actions/checkout with fetch-depth: 0, or 'fetchDepth: 0' in Azure Pipelines)");
        }
    }
}

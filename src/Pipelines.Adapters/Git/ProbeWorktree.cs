using Pipelines.Adapters.Processes;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Git;

/// <summary>
/// A linked worktree where commits are checked out one after another to run the failing tests at each, leaving the
/// repository's own working tree alone. Ignored build output is kept between checkouts so builds stay incremental.
/// </summary>
public sealed class ProbeWorktree : IDisposable
{
    private readonly GitRepository _repository;

    private ProbeWorktree(GitRepository repository, string path)
    {
        _repository = repository;
        Path = path;
    }

    public string Path { get; }

    public static ProbeWorktree Create(GitRepository repository, string parentDirectory, string commit)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var path = System.IO.Path.Combine(parentDirectory, "probe-" + Guid.NewGuid().ToString("N")[..8]);
        GitRepository.Require(repository.Run("worktree", "add", "--detach", "--force", path, commit), "create the probe worktree");
        return new ProbeWorktree(repository, path);
    }

    public void Checkout(string commit)
    {
        GitRepository.Require(GitRepository.RunIn(Path, "checkout", "--force", "--detach", commit), $"check out {commit}");
        GitRepository.Require(GitRepository.RunIn(Path, "clean", "-fd", "--quiet"), "clean the probe worktree");
    }

    /// <summary>Runs the test command here; exit code 0 is a pass.</summary>
    public async Task<bool> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(command);
        var result = await ProcessRunner.RunAsync(command[0], command.Skip(1), Path, environment, cancellation).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    public void Dispose()
    {
        _repository.Run("worktree", "remove", "--force", Path);
        _repository.Run("worktree", "prune");
    }
}

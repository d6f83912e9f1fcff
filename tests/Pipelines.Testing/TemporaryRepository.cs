namespace Pipelines.Testing;

/// <summary>
/// A real git repository in a temp folder, for tests that must see what git really does
/// (renames, deletions, binary files, merge bases) rather than a mock of it.
/// </summary>
public sealed class TemporaryRepository : IDisposable
{
    private readonly TempDirectory _directory;

    public TemporaryRepository(string defaultBranch = "main")
    {
        _directory = new TempDirectory("pipelines-repo");
        Git("init", "--quiet", "--initial-branch", defaultBranch);
        Git("config", "user.email", "dev@example.com");
        Git("config", "user.name", "Dev Eloper");
        Git("config", "commit.gpgsign", "false");
        Git("config", "core.autocrlf", "false");
    }

    public string Path => _directory.Path;

    public TemporaryRepository Write(string relativePath, string content)
    {
        _directory.Write(relativePath, content);
        return this;
    }

    public TemporaryRepository WriteBytes(string relativePath, byte[] content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return this;
    }

    public TemporaryRepository Delete(string relativePath)
    {
        Git("rm", "--quiet", "-r", relativePath);
        return this;
    }

    public TemporaryRepository Move(string from, string to)
    {
        var target = System.IO.Path.GetDirectoryName(System.IO.Path.Combine(Path, to));
        if (target is not null)
        {
            Directory.CreateDirectory(target);
        }

        Git("mv", from, to);
        return this;
    }

    /// <summary>Stages everything and commits; returns the new commit's full sha.</summary>
    public string Commit(string message = "change")
    {
        Git("add", "--all");
        Git("commit", "--quiet", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    // Keep the developer's own git configuration out of the tests.
    private static readonly Dictionary<string, string> IsolatedGit = new()
    {
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
    };

    public string Git(params string[] args) => Programs.RunOrThrow("git", args, Path, IsolatedGit);

    public void Dispose() => _directory.Dispose();
}

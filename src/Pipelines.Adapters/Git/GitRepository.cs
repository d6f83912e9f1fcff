using System.Diagnostics;
using System.Text;
using Pipelines.Adapters.Processes;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;

namespace Pipelines.Adapters.Git;

/// <summary>
/// A local git repository, driven through the git command line with argument lists (no shell).
/// Read-only operations here; git's own messages are kept in errors because they say what to do.
/// </summary>
public sealed class GitRepository : IChangeSource
{
    private static readonly string[] CommonConfig = ["-c", "core.quotepath=off", "-c", "color.ui=false"];

    /// <summary>Git's empty tree: the base to compare a repository's first commit with.</summary>
    public const string EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    private GitRepository(string root) => Root = root;

    /// <summary>The repository's top folder.</summary>
    public string Root { get; }

    /// <summary>Opens the repository that holds <paramref name="path"/>, or fails with exit 2 naming the option.</summary>
    public static GitRepository Open(string path, string optionName = "--repo")
    {
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new InputException($"{optionName}: the folder '{path}' does not exist");
        }

        var result = RunGit(full, "rev-parse", "--show-toplevel");
        if (!result.Succeeded)
        {
            throw new InputException($"{optionName}: '{path}' is not inside a git repository ({FirstLine(result.StandardError)})");
        }

        return new GitRepository(result.StandardOutput.Trim());
    }

    /// <summary>True for a shallow clone (<c>actions/checkout</c> without <c>fetch-depth: 0</c>).</summary>
    public bool IsShallow => Run("rev-parse", "--is-shallow-repository").StandardOutput.Trim() == "true";

    /// <summary>The full sha of the commit <paramref name="revision"/> names, or exit 2 naming the option.</summary>
    public string ResolveCommit(string revision, string optionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(revision);
        if (revision.StartsWith('-'))
        {
            throw new InputException($"{optionName}: '{revision}' is not a revision (it starts with '-')");
        }

        var result = Run("rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}");
        if (!result.Succeeded)
        {
            var hint = IsShallow
                ? " This is a shallow clone: fetch more history (actions/checkout with 'fetch-depth: 0', or 'git fetch --unshallow')."
                : " Check the name, or fetch it first.";
            throw new InputException($"{optionName}: '{revision}' is not a commit in {Root}.{hint}");
        }

        return result.StandardOutput.Trim();
    }

    /// <summary>The best common ancestor of two commits, or null when they share no history.</summary>
    public string? MergeBase(string first, string second)
    {
        var result = Run("merge-base", first, second);
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    /// <summary>The checked-out branch's short name, or null when HEAD is detached.</summary>
    public string? CurrentBranch()
    {
        var result = Run("symbolic-ref", "--quiet", "--short", "HEAD");
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    /// <summary>The commit's first parent, or null for a root commit.</summary>
    public string? FirstParent(string commit)
    {
        var result = Run("rev-parse", "--verify", "--quiet", commit + "^1");
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    /// <summary>
    /// The default branch as a revision: the remote's HEAD when known (<c>origin/main</c>), otherwise the first of
    /// main, master, trunk that exists locally; null when none can be found.
    /// </summary>
    public string? DefaultBranch()
    {
        var remoteHead = Run("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD");
        if (remoteHead.Succeeded && remoteHead.StandardOutput.Trim().Length > 0)
        {
            return remoteHead.StandardOutput.Trim();
        }

        foreach (var candidate in new[] { "origin/main", "origin/master", "main", "master", "trunk" })
        {
            if (Run("rev-parse", "--verify", "--quiet", candidate + "^{commit}").Succeeded)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public IReadOnlyList<FileChange> GetChanges(string baseCommit, string headCommit)
    {
        // -z keeps names exact (spaces, quotes, non-ASCII); -M reports renames as one change with both paths.
        var result = Run("diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-textconv", "--ignore-submodules=none", baseCommit, headCommit, "--");
        if (!result.Succeeded)
        {
            throw new OutsideSystemException("git", $"git diff {baseCommit} {headCommit} failed: {FirstLine(result.StandardError)}");
        }

        return ParseNameStatus(result.StandardOutput);
    }

    /// <summary>The files of <paramref name="commit"/>, read from git's object store (the work tree is not used).</summary>
    public GitTree ReadTree(string commit) => GitTree.Read(this, commit);

    internal static IReadOnlyList<FileChange> ParseNameStatus(string output)
    {
        var fields = output.Split('\0');
        var changes = new List<FileChange>();
        for (var i = 0; i + 1 < fields.Length;)
        {
            var status = fields[i];
            if (status.Length == 0)
            {
                i++;
                continue;
            }

            switch (status[0])
            {
                case 'R':
                    changes.Add(new FileChange(ChangeKind.Renamed, fields[i + 2], fields[i + 1]));
                    i += 3;
                    break;
                case 'C':
                    changes.Add(new FileChange(ChangeKind.Copied, fields[i + 2], fields[i + 1]));
                    i += 3;
                    break;
                default:
                    var kind = status[0] switch
                    {
                        'A' => ChangeKind.Added,
                        'D' => ChangeKind.Deleted,
                        'T' => ChangeKind.TypeChanged,
                        _ => ChangeKind.Modified, // M, U (unmerged), X (unknown): the path changed in some way
                    };
                    changes.Add(new FileChange(kind, fields[i + 1]));
                    i += 2;
                    break;
            }
        }

        return changes;
    }

    internal ProcessResult Run(params string[] args) => RunGit(Root, args);

    /// <summary>Tracked files whose working-tree or staged content differs from HEAD (untracked files are not listed).</summary>
    public IReadOnlyList<string> ModifiedTrackedFiles()
    {
        var result = Require(Run("status", "--porcelain=v1", "-z", "--untracked-files=no", "--ignore-submodules=all"), "list modified files");
        var fields = result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var files = new List<string>();
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Length > 3)
            {
                files.Add(fields[i][3..]);
                if (fields[i][0] is 'R' or 'C')
                {
                    i++; // a rename's old name follows as its own field
                }
            }
        }

        return files;
    }

    /// <summary>True when <paramref name="ancestor"/> is in <paramref name="descendant"/>'s history (false also when either is missing).</summary>
    public bool IsAncestor(string ancestor, string descendant) =>
        Run("merge-base", "--is-ancestor", ancestor, descendant).Succeeded;

    /// <summary>An object's exact bytes (a blob may be binary, so not through a text reader).</summary>
    public byte[] ReadObjectBytes(string type, string sha)
    {
        using var process = Process.Start(CreateStartInfo(Root, ["cat-file", type, sha]))
            ?? throw new OutsideSystemException("git", "could not start git");
        process.StandardInput.Close();
        using var buffer = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        return process.ExitCode == 0
            ? buffer.ToArray()
            : throw new OutsideSystemException("git", $"could not read {type} {sha}: {stderr.GetAwaiter().GetResult().Trim()}");
    }

    /// <summary>The result of a git command that must succeed, or exit 3 naming what could not be done.</summary>
    internal static ProcessResult Require(ProcessResult result, string what) =>
        result.Succeeded ? result : throw new OutsideSystemException("git", $"could not {what}: {result.StandardError.Trim()}");

    /// <summary>Runs git in another folder of this repository, such as a linked worktree.</summary>
    internal static ProcessResult RunIn(string directory, params string[] args) => RunGit(directory, args);

    internal ProcessStartInfo StartInfo(params string[] args) => CreateStartInfo(Root, args);

    private static ProcessResult RunGit(string workingDirectory, params string[] args)
    {
        using var process = Process.Start(CreateStartInfo(workingDirectory, args))
            ?? throw new OutsideSystemException("git", "could not start git");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr);
    }

    private static ProcessStartInfo CreateStartInfo(string workingDirectory, string[] args)
    {
        try
        {
            var start = ProcessRunner.CreateStartInfo("git", [.. CommonConfig, .. args], workingDirectory, null);
            start.StandardOutputEncoding = new UTF8Encoding(false);
            start.Environment["GIT_TERMINAL_PROMPT"] = "0";
            start.Environment["GIT_OPTIONAL_LOCKS"] = "0"; // reads must not take the index lock from a concurrent step
            start.Environment["LC_ALL"] = "C";
            return start;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new OutsideSystemException("git", "git is not installed or not on PATH", ex);
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length == 0 ? "no message" : line;
    }
}

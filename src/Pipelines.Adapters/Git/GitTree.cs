using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Git;

/// <summary>
/// The files of one commit: listed with one <c>git ls-tree</c>, read on demand through one long-lived
/// <c>git cat-file --batch</c> process, so reading hundreds of project files costs one process start.
/// </summary>
public sealed class GitTree : IFileTree, IDisposable
{
    private readonly GitRepository _repository;
    private readonly Dictionary<string, string> _objects;
    private readonly HashSet<string> _directories;
    private readonly Lock _gate = new();
    private Process? _catFile;

    private GitTree(GitRepository repository, string commit, Dictionary<string, string> objects)
    {
        _repository = repository;
        Commit = commit;
        _objects = objects;
        var files = objects.Keys.ToList();
        files.Sort(StringComparer.Ordinal);
        Files = files;
        _directories = FileTreePaths.DirectoriesOf(files);
    }

    public string Commit { get; }

    public IReadOnlyList<string> Files { get; }

    /// <summary>Every file's blob id (its content hash, as <c>git ls-tree</c> prints it), by path.</summary>
    public IReadOnlyDictionary<string, string> ObjectIds => _objects;

    public bool FileExists(string path) => _objects.ContainsKey(FileTreePaths.Normalize(path));

    public bool DirectoryExists(string path) => _directories.Contains(FileTreePaths.Normalize(path));

    public string? ReadText(string path)
    {
        if (!_objects.TryGetValue(FileTreePaths.Normalize(path), out var objectId))
        {
            return null;
        }

        var bytes = ReadObject(objectId);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_catFile is null)
            {
                return;
            }

            try
            {
                _catFile.StandardInput.Close();
                if (!_catFile.WaitForExit(2000))
                {
                    _catFile.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }

            _catFile.Dispose();
            _catFile = null;
        }
    }

    internal static GitTree Read(GitRepository repository, string commit)
    {
        var result = repository.Run("ls-tree", "-r", "-z", "--full-tree", commit);
        if (!result.Succeeded)
        {
            throw new OutsideSystemException("git", $"git ls-tree {commit} failed: {result.StandardError.Trim()}");
        }

        var objects = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> SP <type> SP <object> TAB <path>"; submodules are "commit" entries and hold no files here.
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            var header = entry[..tab].Split(' ');
            if (header[1] == "blob")
            {
                objects[entry[(tab + 1)..]] = header[2];
            }
        }

        return new GitTree(repository, commit, objects);
    }

    private byte[]? ReadObject(string objectId)
    {
        lock (_gate)
        {
            _catFile ??= StartCatFile();
            var input = _catFile.StandardInput;
            input.Write(objectId + "\n");
            input.Flush();
            var output = _catFile.StandardOutput.BaseStream;
            var header = ReadLine(output);
            var parts = header.Split(' ');
            if (parts.Length < 3 || parts[1] != "blob")
            {
                return null;
            }

            var size = int.Parse(parts[2], CultureInfo.InvariantCulture);
            var buffer = new byte[size];
            output.ReadExactly(buffer);
            output.ReadExactly(new byte[1]); // the LF after the content
            return buffer;
        }
    }

    private Process StartCatFile()
    {
        var start = _repository.StartInfo("cat-file", "--batch");
        start.StandardOutputEncoding = null;
        var process = Process.Start(start) ?? throw new OutsideSystemException("git", "could not start git cat-file");
        process.StandardInput.AutoFlush = false;
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static string ReadLine(Stream stream)
    {
        var bytes = new List<byte>(64);
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
            bytes.Add((byte)b);
        }

        if (b < 0)
        {
            throw new OutsideSystemException("git", "git cat-file ended unexpectedly");
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}

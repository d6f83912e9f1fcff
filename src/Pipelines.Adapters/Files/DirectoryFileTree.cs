namespace Pipelines.Adapters.Files;

/// <summary>The files below a folder on disk, listed once when created. The <c>.git</c> folder is left out.</summary>
public sealed class DirectoryFileTree : IFileTree
{
    private readonly string _root;
    private readonly HashSet<string> _files;
    private readonly HashSet<string> _directories;

    public DirectoryFileTree(string root)
    {
        _root = Path.GetFullPath(root);
        var files = new List<string>();
        Collect(_root, string.Empty, files);
        files.Sort(StringComparer.Ordinal);
        Files = files;
        _files = new HashSet<string>(files, StringComparer.Ordinal);
        _directories = FileTreePaths.DirectoriesOf(files);
    }

    public IReadOnlyList<string> Files { get; }

    public bool FileExists(string path) => _files.Contains(FileTreePaths.Normalize(path));

    public bool DirectoryExists(string path) => _directories.Contains(FileTreePaths.Normalize(path));

    public string? ReadText(string path)
    {
        var normalized = FileTreePaths.Normalize(path);
        return _files.Contains(normalized) ? File.ReadAllText(Path.Combine(_root, normalized)) : null;
    }

    private static void Collect(string directory, string prefix, List<string> files)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            files.Add(prefix + Path.GetFileName(file));
        }

        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            var name = Path.GetFileName(child);
            if (prefix.Length == 0 && name == ".git")
            {
                continue;
            }

            Collect(child, prefix + name + "/", files);
        }
    }
}

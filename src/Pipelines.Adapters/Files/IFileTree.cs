namespace Pipelines.Adapters.Files;

/// <summary>
/// A read-only view of one tree of files: a commit read from git, or a folder on disk.
/// Paths are relative to the tree's root with '/' separators and no leading "./".
/// </summary>
public interface IFileTree
{
    /// <summary>Every file in the tree, ordered by ordinal comparison.</summary>
    IReadOnlyList<string> Files { get; }

    bool FileExists(string path);

    /// <summary>True when at least one file lies below <paramref name="path"/> (the root "" always exists).</summary>
    bool DirectoryExists(string path);

    /// <summary>The file's text, or null when there is no such file.</summary>
    string? ReadText(string path);
}

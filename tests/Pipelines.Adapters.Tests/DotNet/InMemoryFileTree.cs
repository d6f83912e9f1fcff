using Pipelines.Adapters.Files;

namespace Pipelines.Adapters.Tests.DotNet;

/// <summary>A file tree in memory, for evaluator tests that need dozens of small trees.</summary>
internal sealed class InMemoryFileTree : IFileTree
{
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Files => [.. _files.Keys];

    public InMemoryFileTree Add(string path, string text)
    {
        _files[path] = text;
        return this;
    }

    public bool FileExists(string path) => _files.ContainsKey(FileTreePaths.Normalize(path));

    public bool DirectoryExists(string path)
    {
        var normalized = FileTreePaths.Normalize(path);
        return normalized.Length == 0 || _files.Keys.Any(f => f.StartsWith(normalized + "/", StringComparison.Ordinal));
    }

    public string? ReadText(string path) => _files.GetValueOrDefault(FileTreePaths.Normalize(path));
}

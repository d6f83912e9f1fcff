using Microsoft.Extensions.FileSystemGlobbing;

namespace Pipelines.Adapters.Files;

/// <summary>
/// Expands what a user gives for "files": a file, a folder (every file below it with one of the wanted
/// extensions), or a glob such as <c>artifacts/**/*.trx</c>, relative to a base folder or absolute.
/// </summary>
public static class FileGlob
{
    private static readonly char[] Wildcards = ['*', '?', '['];

    /// <returns>Full paths, sorted; empty when nothing matches.</returns>
    public static IReadOnlyList<string> Expand(string baseDirectory, string pattern, IReadOnlyList<string> folderExtensions)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(folderExtensions);
        var full = Path.GetFullPath(pattern, baseDirectory);
        if (pattern.IndexOfAny(Wildcards) < 0)
        {
            if (File.Exists(full))
            {
                return [full];
            }

            if (!Directory.Exists(full))
            {
                return [];
            }

            return [.. Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                .Where(f => folderExtensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal)];
        }

        // The folder part before the first wildcard is where the search starts.
        var normalized = full.Replace('\\', '/');
        var firstWildcard = normalized.IndexOfAny(Wildcards);
        var root = normalized[..(normalized.LastIndexOf('/', firstWildcard) + 1)];
        if (!Directory.Exists(root))
        {
            return [];
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(normalized[root.Length..]);
        return [.. matcher.GetResultsInFullPath(root).Select(Path.GetFullPath).Order(StringComparer.Ordinal)];
    }
}

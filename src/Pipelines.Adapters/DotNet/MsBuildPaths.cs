using System.Text;
using System.Text.RegularExpressions;
using Pipelines.Adapters.Files;
using Pipelines.Core.Text;

namespace Pipelines.Adapters.DotNet;

/// <summary>
/// Paths as MSBuild sees them during our evaluation: the repository lives under a made-up absolute root, so
/// <c>$(MSBuildThisFileDirectory)..\..\eng\x.props</c> normalizes like it would on disk, and anything that climbs
/// out of the root, or is absolute elsewhere (an SDK, a NuGet package), is recognizably outside the tree.
/// </summary>
internal static class MsBuildPaths
{
    public const string Root = "/__repo__/";

    /// <summary>The absolute form of a repository-relative folder, with a trailing slash (like MSBuildThisFileDirectory).</summary>
    public static string DirectoryOf(string relativeFile)
    {
        var slash = relativeFile.LastIndexOf('/');
        return slash < 0 ? Root : Root + relativeFile[..(slash + 1)];
    }

    /// <summary>
    /// <paramref name="path"/> (absolute, or relative to <paramref name="baseDirectory"/>) as a repository-relative
    /// path, or null when it lies outside the repository.
    /// </summary>
    public static string? ToRelative(string path, string baseDirectory)
    {
        var unified = path.Trim().Replace('\\', '/');
        if (unified.Length == 0)
        {
            return null;
        }

        var absolute = unified.StartsWith('/') || (unified.Length > 1 && unified[1] == ':') ? unified : baseDirectory + unified;
        if (!absolute.StartsWith(Root, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var part in absolute[Root.Length..].Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count == 0)
                    {
                        return null; // above the repository root
                    }

                    parts.RemoveAt(parts.Count - 1);
                    continue;
                default:
                    parts.Add(part);
                    continue;
            }
        }

        return string.Join('/', parts);
    }

    public static bool HasWildcard(string path) => path.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>The files of <paramref name="tree"/> an MSBuild wildcard (<c>**</c>, <c>*</c>, <c>?</c>) matches.</summary>
    public static IEnumerable<string> Expand(string pattern, string baseDirectory, IFileTree tree)
    {
        var unified = pattern.Trim().Replace('\\', '/');
        var firstWildcard = unified.IndexOfAny(['*', '?']);
        var fixedPart = unified[..(unified.LastIndexOf('/', Math.Max(firstWildcard - 1, 0)) + 1)];
        var folder = fixedPart.Length == 0 ? ToRelative(".", baseDirectory) : ToRelative(fixedPart, baseDirectory);
        if (folder is null)
        {
            return [];
        }

        var prefix = folder.Length == 0 ? string.Empty : folder + "/";
        var regex = new BoundedRegex("^" + Translate(unified[fixedPart.Length..]) + "$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        return FilesUnder(tree, prefix).Where(f => regex.IsMatch(f[prefix.Length..]));
    }

    // Files is sorted ordinally, so the files under a folder are one contiguous run.
    private static IEnumerable<string> FilesUnder(IFileTree tree, string prefix)
    {
        var files = tree.Files;
        if (prefix.Length == 0)
        {
            return files;
        }

        int low = 0, high = files.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (string.CompareOrdinal(files[mid], prefix) < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return files.Skip(low).TakeWhile(f => f.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static string Translate(string wildcard)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < wildcard.Length; i++)
        {
            var c = wildcard[i];
            if (c == '*' && i + 1 < wildcard.Length && wildcard[i + 1] == '*')
            {
                // "**/" is zero or more folders; a trailing "**" is anything.
                var slash = i + 2 < wildcard.Length && wildcard[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        return regex.ToString();
    }
}

namespace Pipelines.Adapters.Files;

/// <summary>Path rules shared by every <see cref="IFileTree"/>: '/' separators, no "./", no trailing '/'.</summary>
public static class FileTreePaths
{
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = path.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }

        return normalized.TrimEnd('/');
    }

    /// <summary>Every folder that holds at least one of <paramref name="files"/>, the root ("") included.</summary>
    public static HashSet<string> DirectoriesOf(IEnumerable<string> files)
    {
        var directories = new HashSet<string>(StringComparer.Ordinal) { string.Empty };
        foreach (var file in files)
        {
            var slash = file.LastIndexOf('/');
            while (slash > 0)
            {
                if (!directories.Add(file[..slash]))
                {
                    break;
                }

                slash = file.LastIndexOf('/', slash - 1);
            }
        }

        return directories;
    }
}

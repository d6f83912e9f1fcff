namespace Pipelines.Core.Selection;

/// <summary>How far a change to a build file reaches.</summary>
public enum BuildFileScope
{
    /// <summary>An ordinary file: it belongs to the projects that own or include it.</summary>
    None,

    /// <summary>Every project at or below the file's folder (<c>Directory.Build.props</c> and its kin).</summary>
    Folder,

    /// <summary>Every project in the repository (<c>global.json</c>, <c>NuGet.config</c>, solutions, lock files).</summary>
    Repository,
}

/// <summary>The files that change how every project builds, wherever they are imported from.</summary>
public static class BuildWideFiles
{
    // MSBuild imports these implicitly into every project below their folder.
    private static readonly HashSet<string> FolderScoped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Directory.Build.props",
        "Directory.Build.targets",
        "Directory.Build.rsp",
        "Directory.Packages.props",

        // Analyzer configuration: the compiler reads every one at or above a source file's folder.
        ".editorconfig",
        ".globalconfig",
    };

    private static readonly HashSet<string> RepositoryScoped = new(StringComparer.OrdinalIgnoreCase)
    {
        "global.json",
        "nuget.config",
        "Directory.Solution.props",
        "Directory.Solution.targets",
        "packages.lock.json",
        "paket.lock",
        "paket.dependencies",
    };

    private static readonly string[] RepositoryScopedExtensions = [".sln", ".slnx", ".slnf"];

    public static BuildFileScope Classify(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = FileName(path);
        if (FolderScoped.Contains(name))
        {
            return BuildFileScope.Folder;
        }

        if (RepositoryScoped.Contains(name)
            || path.Equals(".config/dotnet-tools.json", StringComparison.OrdinalIgnoreCase)
            || RepositoryScopedExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            return BuildFileScope.Repository;
        }

        return BuildFileScope.None;
    }

    internal static string FileName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    internal static string Folder(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }
}

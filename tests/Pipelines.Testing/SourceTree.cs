namespace Pipelines.Testing;

/// <summary>The checkout these tests were built from, for tests that read the repository's own files.</summary>
public static class SourceTree
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipelines.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The folder holding <c>Pipelines.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);
}

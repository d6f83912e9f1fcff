namespace Pipelines.Testing;

/// <summary>
/// tests/samples/Impact (a small library, a tool, and one test project per framework) committed into a repository of
/// its own, so the recorder sees a clean tree whatever state this checkout is in.
/// </summary>
public static class ImpactSamples
{
    /// <summary>Writes the samples under <c>Impact/</c> with the samples' build settings, and commits: the commit's id.</summary>
    public static string CommitInto(TemporaryRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var samples = SourceTree.PathOf(Path.Combine("tests", "samples"));
        foreach (var props in new[] { "Directory.Build.props", "Directory.Packages.props" })
        {
            repository.Write(props, File.ReadAllText(Path.Combine(samples, props)));
        }

        var impact = Path.Combine(samples, "Impact");
        foreach (var file in Directory.EnumerateFiles(impact, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(impact, file).Replace('\\', '/');
            if (relative.Split('/').Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            repository.Write("Impact/" + relative, File.ReadAllText(file));
        }

        repository.Write(".gitignore", "bin/\nobj/\n");
        return repository.Commit("impact samples");
    }

    /// <summary>A sample project's path in that repository.</summary>
    public static string Project(string name) => $"Impact/{name}/{name}.csproj";
}

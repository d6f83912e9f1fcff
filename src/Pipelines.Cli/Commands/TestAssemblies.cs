using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Files;
using Pipelines.Adapters.Git;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;

namespace Pipelines.Cli.Commands;

/// <summary>Finds built test assemblies, as given (<c>--assemblies</c>) or next to the test projects of the repository.</summary>
public static class TestAssemblies
{
    private static readonly string[] AssemblyExtensions = [".dll"];

    /// <summary>Paths or globs, several per value (comma or line separated); each must match something.</summary>
    public static List<string> Given(string root, IReadOnlyList<string> patterns)
    {
        var files = new List<string>();
        foreach (var pattern in patterns.SelectMany(p => p.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var matches = FileGlob.Expand(root, pattern, AssemblyExtensions);
            if (matches.Count == 0)
            {
                throw new InputException($"--assemblies: '{pattern}' matches no file (relative to {root}); build the test projects first");
            }

            files.AddRange(matches);
        }

        return [.. files.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The newest build of each test project at HEAD: bin/ below the project, or the artifacts/ layout; empty when nothing is built.</summary>
    public static List<string> Built(GitRepository repository)
    {
        var head = repository.ResolveCommit("HEAD", "--repo");
        ProjectGraph graph;
        using (var tree = repository.ReadTree(head))
        {
            graph = ProjectGraphReader.Read(tree);
        }

        var found = new List<string>();
        foreach (var project in graph.Projects.Where(p => p.IsTestProject))
        {
            var name = Path.GetFileNameWithoutExtension(project.Path);
            var candidates = new[] { Path.Combine(repository.Root, project.Directory, "bin"), Path.Combine(repository.Root, "artifacts", "bin", name) }
                .Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, name + ".dll", SearchOption.AllDirectories))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .ToList();
            if (candidates.Count > 0)
            {
                found.Add(candidates[0]);
            }
        }

        return found;
    }
}

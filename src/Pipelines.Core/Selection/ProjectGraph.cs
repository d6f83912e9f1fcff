namespace Pipelines.Core.Selection;

/// <summary>
/// One MSBuild project as the graph reader evaluated it. Every path is repository-relative with '/' separators.
/// </summary>
/// <param name="Path">The project file, e.g. <c>src/Billing/Billing.csproj</c>.</param>
/// <param name="IsTestProject">True when evaluation (imports included) makes it a test project.</param>
/// <param name="References">Project files it references through <c>ProjectReference</c>.</param>
/// <param name="Inputs">
/// Files outside the project's own folder that it builds from: linked or wildcard items
/// (<c>&lt;Compile Include="..\Shared\Money.cs" /&gt;</c>) and the .props/.targets files it imports, directly or
/// through other imports. A change to one of them affects this project.
/// </param>
/// <param name="IsTestSupport">
/// A library, not a test project, that references a test framework's assertions or test host: code only tests run
/// (shared fixtures, temporary repositories), whatever else references it.
/// </param>
public sealed record ProjectNode(
    string Path,
    bool IsTestProject,
    IReadOnlyList<string> References,
    IReadOnlyList<string> Inputs,
    bool IsTestSupport = false)
{
    /// <summary>The folder holding the project file, without a trailing '/'; empty at the repository root.</summary>
    public string Directory
    {
        get
        {
            var slash = Path.LastIndexOf('/');
            return slash < 0 ? string.Empty : Path[..slash];
        }
    }
}

/// <summary>The projects of one commit and their references, as plain data.</summary>
public sealed class ProjectGraph
{
    private readonly Dictionary<string, ProjectNode> _byPath;

    public ProjectGraph(IEnumerable<ProjectNode> projects)
    {
        ArgumentNullException.ThrowIfNull(projects);
        _byPath = new Dictionary<string, ProjectNode>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            _byPath[project.Path] = project;
        }

        Projects = [.. _byPath.Values.OrderBy(p => p.Path, StringComparer.Ordinal)];
    }

    public static ProjectGraph Empty { get; } = new([]);

    /// <summary>All projects, ordered by path.</summary>
    public IReadOnlyList<ProjectNode> Projects { get; }

    public ProjectNode? Find(string path) => _byPath.GetValueOrDefault(path);
}

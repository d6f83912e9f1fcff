namespace Pipelines.Core.Selection;

/// <summary>Look-ups over a <see cref="ProjectGraph"/>: who owns a file, and which test projects depend on whom.</summary>
internal sealed class GraphIndex
{
    private readonly ProjectGraph _graph;
    private readonly Dictionary<string, List<string>> _projectsByFolder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _includers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _reachableTests = new(StringComparer.Ordinal);

    public GraphIndex(ProjectGraph graph)
    {
        _graph = graph;
        foreach (var project in graph.Projects)
        {
            Add(_projectsByFolder, project.Directory, project.Path);
            foreach (var input in project.Inputs)
            {
                Add(_includers, input, project.Path);
            }

            foreach (var reference in project.References)
            {
                Add(_dependents, reference, project.Path);
            }
        }

        TestProjects = [.. graph.Projects.Where(p => p.IsTestProject).Select(p => p.Path)];
    }

    /// <summary>Every test project, in path order.</summary>
    public IReadOnlyList<string> TestProjects { get; }

    public bool Contains(string project) => _graph.Find(project) is not null;

    /// <summary>
    /// The projects a file belongs to: those in the nearest folder at or above it that holds a project file,
    /// and those that include or import it from elsewhere (linked sources, shared .props/.targets).
    /// </summary>
    public IReadOnlyList<string> OwnersOf(string path)
    {
        var owners = new List<string>();
        var folder = BuildWideFiles.Folder(path);
        while (true)
        {
            if (_projectsByFolder.TryGetValue(folder, out var projects))
            {
                owners.AddRange(projects);
                break;
            }

            if (folder.Length == 0)
            {
                break;
            }

            folder = BuildWideFiles.Folder(folder);
        }

        if (_includers.TryGetValue(path, out var includers))
        {
            owners.AddRange(includers);
        }

        return [.. owners.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Test projects that build from <paramref name="path"/>, directly or through project references.</summary>
    public IReadOnlyList<string> TestProjectsAffectedBy(string path, BuildFileScope scope)
    {
        IEnumerable<string> owners = OwnersOf(path);
        if (scope == BuildFileScope.Folder)
        {
            var prefix = BuildWideFiles.Folder(path) + "/";
            owners = owners.Concat(_graph.Projects.Where(p => p.Path.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p.Path));
        }

        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var owner in owners)
        {
            result.UnionWith(ReachableTestProjects(owner));
        }

        return [.. result];
    }

    /// <summary>
    /// <paramref name="owners"/> and every non-test project that references them, transitively, in path order: what a
    /// test that builds a project at run time can build their files into (a test project it builds, it runs).
    /// </summary>
    public IReadOnlyList<string> ProjectsBuiltFrom(IReadOnlyList<string> owners)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(owners);
        while (queue.TryDequeue(out var current))
        {
            if (seen.Add(current) && _dependents.TryGetValue(current, out var dependents))
            {
                foreach (var dependent in dependents)
                {
                    queue.Enqueue(dependent);
                }
            }
        }

        return [.. seen.Where(p => owners.Contains(p) || _graph.Find(p)?.IsTestProject != true)];
    }

    /// <summary>The test projects among <paramref name="projects"/> and everything that references them.</summary>
    public IReadOnlyList<string> TestProjectsReaching(IEnumerable<string> projects)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            result.UnionWith(ReachableTestProjects(project));
        }

        return [.. result];
    }

    /// <summary>The test projects among <paramref name="project"/> and everything that references it, transitively.</summary>
    private IReadOnlyList<string> ReachableTestProjects(string project)
    {
        if (_reachableTests.TryGetValue(project, out var cached))
        {
            return cached;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal) { project };
        var queue = new Queue<string>();
        queue.Enqueue(project);
        var tests = new List<string>();
        while (queue.TryDequeue(out var current))
        {
            if (_graph.Find(current) is { IsTestProject: true })
            {
                tests.Add(current);
            }

            if (_dependents.TryGetValue(current, out var dependents))
            {
                foreach (var dependent in dependents)
                {
                    if (seen.Add(dependent))
                    {
                        queue.Enqueue(dependent);
                    }
                }
            }
        }

        tests.Sort(StringComparer.Ordinal);
        return _reachableTests[project] = tests;
    }

    private static void Add(Dictionary<string, List<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}

namespace Pipelines.Core.Selection.Impact;

/// <summary>
/// Narrows the project-level selection inside each test project with an impact map: a test runs when a file it
/// executed changed since the map's commit, when the map does not know it, or when it failed there. What the map
/// cannot see falls back to the project-level answer for the projects concerned, named per file.
/// </summary>
/// <remarks>
/// The changes counted are those since the map's commit, not since the pull request's base: the map ran every test
/// at its commit, so a test whose executed files are all unchanged since then behaves as it did there.
/// </remarks>
public static class ImpactSelector
{
    /// <summary>The default oldest map, in commits behind head, that selection still narrows with.</summary>
    public const int DefaultMaxAge = 100;

    private static readonly string[] ProjectExtensions = [".csproj", ".fsproj", ".vbproj", ".proj", ".props", ".targets"];

    /// <param name="projectLevel">The project-level answer for the change under test (base..head).</param>
    /// <param name="headFiles">Every file tracked at head with its blob id.</param>
    /// <param name="graph">The projects at head.</param>
    /// <param name="projectLevelFor">The project-level answer for other changes, with the same policy and graph.</param>
    /// <param name="sources">Which test sources name a file: the tests that read a file's text or build its projects at run time.</param>
    public static ImpactSelection Narrow(
        SelectionResult projectLevel,
        ImpactMap map,
        IReadOnlyDictionary<string, string> headFiles,
        MapStanding standing,
        int maxAge,
        ProjectGraph graph,
        Func<IReadOnlyList<FileChange>, SelectionResult> projectLevelFor,
        IImpactDiff diff,
        ITestSourceIndex sources)
    {
        ArgumentNullException.ThrowIfNull(projectLevel);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(headFiles);
        ArgumentNullException.ThrowIfNull(standing);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(projectLevelFor);
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(sources);

        var selected = projectLevel.Projects;
        var known = map.Projects.ToDictionary(p => p.Path, StringComparer.Ordinal);
        var notUsed = standing switch
        {
            { InHistory: false } => $"the map's commit {Short(map.Commit)} is not in this clone's history (a shallow clone? fetch with fetch-depth: 0)",
            { IsAncestor: false } => $"the map's commit {Short(map.Commit)} is not an ancestor of head (recorded on another branch, or history was rewritten)",
            { CommitsSince: { } age } when age > maxAge => $"the map is {age} commits behind head, more than the {maxAge} allowed (--impact-max-age)",
            _ when map.Projects.Count == 0 => "the map records no test project",
            _ => null,
        };
        if (notUsed is not null)
        {
            return new ImpactSelection(false, notUsed, map.Commit, standing.CommitsSince, 0,
                [.. selected.Select(p => Whole(p, known, "the impact map is not used: " + notUsed))], new Dictionary<string, string>());
        }

        var mapFiles = new Dictionary<string, (int Index, ImpactFile File)>(StringComparer.Ordinal);
        for (var i = 0; i < map.Files.Count; i++)
        {
            mapFiles[map.Files[i].Path] = (i, map.Files[i]);
        }

        var changed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, hash) in headFiles)
        {
            if (!mapFiles.TryGetValue(path, out var entry) || !string.Equals(entry.File.Hash, hash, StringComparison.Ordinal))
            {
                changed.Add(path);
            }
        }

        changed.UnionWith(map.Files.Where(f => !headFiles.ContainsKey(f.Path)).Select(f => f.Path));

        // Which tests executed each file, and which classes each test source defines.
        var executedBy = new Dictionary<int, List<(string Project, ImpactTest Test)>>();
        foreach (var project in map.Projects)
        {
            foreach (var test in project.Tests)
            {
                foreach (var file in test.Files)
                {
                    if (!executedBy.TryGetValue(file, out var list))
                    {
                        executedBy[file] = list = [];
                    }

                    list.Add((project.Path, test));
                }
            }
        }

        var index = new GraphIndex(graph);
        var tests = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var classes = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var fallback = new List<(string Path, string Why)>();
        var reasons = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var notCode = new List<string>();

        // The code that names a file, one of its folders, or a project it compiles into (directly, or through a script
        // that builds it): a test that ran it reads the file's text, or builds and runs it in another process.
        var projectNamers = new Dictionary<string, IReadOnlyList<NamingSource>>(StringComparer.Ordinal);
        List<NamingSource> Namers(string path, IReadOnlyList<string> owners)
        {
            var found = new List<NamingSource>(sources.SourcesNaming(path, exactly: true));
            foreach (var project in index.ProjectsBuiltFrom(owners))
            {
                found.AddRange(projectNamers.TryGetValue(project, out var named) ? named : projectNamers[project] = sources.SourcesBuilding(project));
            }

            // One entry a source; a name in a constant anywhere in it is what counts.
            return [.. found.GroupBy(n => (n.Path, n.Project)).Select(g => g.FirstOrDefault(n => n.InConstant) ?? g.First())];
        }

        // The recorded tests that executed any of the files, each once, now selected.
        List<(string Project, ImpactTest Test)> RunnersOf(IEnumerable<string> files)
        {
            var runners = files.Distinct(StringComparer.Ordinal)
                .SelectMany(f => mapFiles.TryGetValue(f, out var known) && known.File.Code ? executedBy.GetValueOrDefault(known.Index) ?? [] : [])
                .Distinct().ToList();
            foreach (var (project, test) in runners)
            {
                Add(tests, project, test.Name);
            }

            return runners;
        }

        // What a change reaches beyond its file's own code (a constant's or an enum's users, an interface's implementations,
        // a partial type's other parts) names one of the file's types: the tests that ran a file naming one run. A user
        // that is itself only declarations (another interface, an enum) passes the reach on to its own users.
        string? UsersRun(string path, string? headText, IReadOnlyList<string> lines, Reach reach)
        {
            var names = SourceDeclarations.TypeNames((headText ?? string.Empty) + "\n" + string.Join("\n", lines));
            if (names.Count == 0)
            {
                return null;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal) { path };
            var queue = new Queue<(string File, int Depth)>();
            void Enqueue(IEnumerable<string> typeNames, int depth)
            {
                foreach (var user in typeNames.SelectMany(diff.SourcesNaming))
                {
                    if (seen.Add(user))
                    {
                        queue.Enqueue((user, depth));
                    }
                }
            }

            Enqueue(names, 1);
            var users = new List<string>();
            while (queue.TryDequeue(out var next))
            {
                users.Add(next.File);
                if (mapFiles.TryGetValue(next.File, out var known) && !known.File.Code && next.Depth < 3 && diff.HeadText(next.File) is { } text)
                {
                    Enqueue(SourceDeclarations.TypeNames(text), next.Depth + 1);
                }
            }

            var runners = RunnersOf(users);
            return $"{reach.Why}: the {Count(runners.Count, "recorded test")} that ran the {Count(users.Count, "file")} naming {FirstFew(names)} run";
        }

        // Data that names a file (a recorded API response, a test case list) leads to it only through the code that reads
        // the data, which names the data in turn: that code stands in for it. Data no code names leads nowhere. A
        // project or build file that names it stays (it may copy or embed the file: the map cannot follow).
        List<NamingSource> ThroughData(IReadOnlyList<NamingSource> namers)
        {
            var result = new List<NamingSource>();
            var seen = new HashSet<string>(namers.Select(n => n.Path), StringComparer.Ordinal);
            var queue = new Queue<(NamingSource Namer, int Depth)>(namers.Select(n => (n, 0)));
            while (queue.TryDequeue(out var next))
            {
                if (SourceDeclarations.IsSource(next.Namer.Path) || IsBuildFile(next.Namer.Path) || next.Depth >= 3)
                {
                    result.Add(next.Namer);
                    continue;
                }

                foreach (var reader in sources.SourcesNaming(next.Namer.Path).Where(r => seen.Add(r.Path)))
                {
                    queue.Enqueue((reader, next.Depth + 1));
                }
            }

            return result;
        }

        // A namer whose tests run anyway needs no recording: a changed or new test source runs its own classes whole, and
        // a test project the map did not record runs whole.
        bool RunsWholeAnyway(NamingSource namer) =>
            (changed.Contains(namer.Path) && headFiles.ContainsKey(namer.Path) && index.OwnersOf(namer.Path).Any(o => graph.Find(o)?.IsTestProject == true))
            || index.TestProjectsReaching([namer.Project]) is { Count: > 0 } reaching && reaching.All(p => !known.TryGetValue(p, out var recorded) || recorded.Tests.Count == 0);

        foreach (var path in changed)
        {
            var inMap = mapFiles.TryGetValue(path, out var entry);
            var atHead = headFiles.ContainsKey(path);
            if (!SourceDeclarations.IsSource(path))
            {
                notCode.Add(path);
                continue;
            }

            var lines = diff.ChangedLines(path);
            var headText = atHead ? diff.HeadText(path) : null;
            var said = new List<string>();
            var owners = index.OwnersOf(path);

            // Code no test project compiles (a tool, a benchmark, a sample) reaches tests only when one builds or reads it
            // at run time: the naming rule below is all there is to it.
            var compiledIntoTests = index.TestProjectsReaching(owners).Count > 0;
            var reach = !compiledIntoTests ? null
                : inMap && !entry.File.Code
                ? new Reach("no recorded assembly has code from it (declarations only, or a project no recorded test loads)", ThroughNames: true)
                : SourceDeclarations.ReachBeyondExecutedCode(lines, headText);
            if (!compiledIntoTests)
            {
                said.Add(owners.Count == 0 ? "no project compiles it" : "no test project builds from it");
            }

            if (reach is not null)
            {
                if (!reach.ThroughNames || UsersRun(path, headText, lines, reach) is not { } users)
                {
                    fallback.Add((path, reach.ThroughNames ? reach.Why + ", and it declares no type whose name could lead to that code" : reach.Why));
                    continue;
                }

                said.Add(users);
            }

            var testOwners = owners.Where(o => graph.Find(o)?.IsTestProject == true).ToList();
            var namers = ThroughData(Namers(path, owners));
            if (WhyNotNarrowed(namers, mapFiles, "a test may read or build it at run time", RunsWholeAnyway) is { } unseen)
            {
                fallback.Add((path, unseen));
                continue;
            }

            if (inMap && entry.File.Code)
            {
                var runners = RunnersOf([path]);
                said.Add(runners.Count == 0
                    ? "no recorded test executed it"
                    : $"executed by {Count(runners.Count, "recorded test")} in {Count(runners.Select(r => r.Project).Distinct(StringComparer.Ordinal).Count(), "project")}");
            }
            else if (atHead && testOwners.Count == 0 && compiledIntoTests)
            {
                said.Add("new: no recorded test ran it, and anything that calls it changed too");
            }

            var readers = RunnersOf(namers.Select(n => n.Path));
            if (readers.Count > 0)
            {
                said.Add($"named in {FirstFew([.. namers.Select(n => n.Path).Distinct(StringComparer.Ordinal)])}, so read or built at run time by the {Count(readers.Count, "recorded test")} that ran that code");
            }

            // A test source's classes run whole: a test added to them is unknown to the map.
            if (testOwners.Count > 0 && atHead)
            {
                var declared = path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && headText is not null
                    ? SourceDeclarations.ClassNames(headText)
                    : [];
                if (declared.Count == 0)
                {
                    fallback.Add((path, "a test source whose classes cannot be read (not C#, or no class declared): its tests may be new"));
                    continue;
                }

                foreach (var project in testOwners)
                {
                    foreach (var name in declared)
                    {
                        Add(classes, project, name);
                    }
                }

                said.Add($"test source: its {Count(declared.Count, "class", "classes")} run whole ({FirstFew(declared)})");
            }

            reasons[path] = string.Join("; ", said);
        }

        // A file tests read at run time runs the tests that ran the code naming it, when only such code names it.
        if (notCode.Count > 0)
        {
            var named = projectLevelFor([.. notCode.Select(p => new FileChange(ChangeKind.Modified, p))]).ReadAtRunTime;
            foreach (var path in notCode)
            {
                if (!named.ContainsKey(path))
                {
                    fallback.Add((path, "the map cannot see what reads it (a project or build file, a resource, data no test source names)"));
                    continue;
                }

                var readers = ThroughData(named[path]);
                if (WhyNotNarrowed(readers, mapFiles, "read at run time", RunsWholeAnyway) is { } why)
                {
                    fallback.Add((path, why));
                    continue;
                }

                var runners = RunnersOf(readers.Select(n => n.Path));
                var namers = readers.Select(s => s.Path).Distinct(StringComparer.Ordinal).ToList();
                reasons[path] = (namers.Count == 0 ? "read at run time: named only in data no code names; " : $"read at run time: named in {FirstFew(namers)}; ") + (runners.Count == 0
                    ? "no recorded test ran the code that names it"
                    : $"the {Count(runners.Count, "recorded test")} that ran that code");
            }
        }

        // Fallback files take the project-level answer, as one selection over all of them.
        var whole = new Dictionary<string, string>(StringComparer.Ordinal);
        if (fallback.Count > 0)
        {
            var answer = projectLevelFor([.. fallback.Select(f => new FileChange(ChangeKind.Modified, f.Path))]);
            var selecting = answer.ProjectReasons.Values.SelectMany(r => r.Files).ToHashSet(StringComparer.Ordinal);
            // Reasons list 50 files at most: past that, every file is said to make its projects run whole.
            var truncated = answer.ProjectReasons.Values.Any(r => r.FileCount > r.Files.Count);
            foreach (var (path, why) in fallback)
            {
                var projectSaid = answer.FileReasons.GetValueOrDefault(path) ?? "no project-level answer";
                reasons[path] = truncated || selecting.Contains(path) || answer.RunAllCauses.Any(c => c.Path == path)
                    ? $"the impact map cannot narrow it: {why}; project level: {projectSaid}"
                    : $"runs no test at project level either: {projectSaid}";
            }

            var fallbackProjects = answer.RunAll ? [.. selected] : answer.Projects;
            foreach (var project in fallbackProjects)
            {
                var files = answer.RunAll
                    ? [.. answer.RunAllCauses.Select(c => c.Path).DefaultIfEmpty(fallback[0].Path)]
                    : answer.ProjectReasons.TryGetValue(project, out var reason) ? [.. reason.Files] : fallback.Select(f => f.Path).ToList();
                whole.TryAdd(project, $"the impact map cannot narrow {files[0]}{(files.Count > 1 ? $" and {files.Count - 1} more" : string.Empty)} (see its file reason)");
            }
        }

        var result = new List<ImpactProjectSelection>();
        foreach (var project in selected)
        {
            if (whole.TryGetValue(project, out var why))
            {
                result.Add(Whole(project, known, why));
                continue;
            }

            if (!known.TryGetValue(project, out var recorded))
            {
                result.Add(Whole(project, known, "the map has no recording of this project"));
                continue;
            }

            // A recording with no test knows nothing of the project's tests: narrowing would run none of them.
            if (recorded.Tests.Count == 0)
            {
                result.Add(Whole(project, known, "the map recorded no test of this project"));
                continue;
            }

            var run = tests.GetValueOrDefault(project) ?? new SortedSet<string>(StringComparer.Ordinal);
            var rerun = 0;
            foreach (var test in recorded.Tests.Where(t => t.Outcome != ImpactOutcome.Passed))
            {
                rerun += run.Add(test.Name) ? 1 : 0;
            }

            var runClasses = classes.GetValueOrDefault(project) ?? new SortedSet<string>(StringComparer.Ordinal);
            var parts = new List<string> { $"{run.Count} of {recorded.Tests.Count} recorded tests" };
            if (rerun > 0)
            {
                parts.Add($"{rerun} of them failed or did not run when recorded");
            }

            if (runClasses.Count > 0)
            {
                parts.Add($"and {Count(runClasses.Count, "class", "classes")} whole from changed test sources");
            }

            result.Add(new ImpactProjectSelection(project, false, string.Join(", ", parts), [.. run], [.. runClasses], recorded.Tests.Count));
        }

        return new ImpactSelection(true, null, map.Commit, standing.CommitsSince, changed.Count, result, reasons);
    }

    /// <summary>
    /// Why the tests that ran the naming code may not be all that read the file: a name in data or a project file, a
    /// constant the compiler copies into its users, or code the map did not record.
    /// </summary>
    private static string? WhyNotNarrowed(
        IReadOnlyList<NamingSource> sources, Dictionary<string, (int Index, ImpactFile File)> mapFiles, string how, Func<NamingSource, bool> runsWhole)
    {
        foreach (var source in sources)
        {
            if (!SourceDeclarations.IsSource(source.Path))
            {
                return $"{how}, and named in {source.Path}, which is not code the map records (data or a project file)";
            }

            if (source.InConstant)
            {
                return $"{how}, and named in a constant in {source.Path}, which the compiler copies into the code that uses it";
            }

            if ((!mapFiles.TryGetValue(source.Path, out var entry) || !entry.File.Code) && !runsWhole(source))
            {
                return $"{how}, and named in {source.Path}, which the map holds no code of";
            }
        }

        return null;
    }

    private static bool IsBuildFile(string path) =>
        BuildWideFiles.Classify(path) != BuildFileScope.None || ProjectExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static ImpactProjectSelection Whole(string project, Dictionary<string, ImpactProject> known, string reason) =>
        new(project, true, reason, [], [], known.TryGetValue(project, out var recorded) ? recorded.Tests.Count : 0);

    private static void Add(Dictionary<string, SortedSet<string>> sets, string key, string value)
    {
        if (!sets.TryGetValue(key, out var set))
        {
            sets[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        }

        set.Add(value);
    }

    private static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;

    private static string Count(int count, string noun, string? plural = null) => count == 1 ? $"1 {noun}" : $"{count} {plural ?? noun + "s"}";

    private static string FirstFew(IReadOnlyList<string> items) =>
        items.Count <= 3 ? string.Join(", ", items) : string.Join(", ", items.Take(3)) + $" and {items.Count - 3} more";
}

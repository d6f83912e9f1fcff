namespace Pipelines.Core.Selection;

/// <summary>
/// Changed files → tags (from the policy's globs) ∪ test projects (from the project graph) → what to run.
/// A pure function: git, project files and output formats are the callers' business.
/// </summary>
public static class TestSelector
{
    /// <summary>How many files a reason lists; <see cref="SelectionReason.FileCount"/> keeps the full count.</summary>
    public const int MaxReasonFiles = 50;

    /// <param name="changes">The diff between base and head.</param>
    /// <param name="policy">The repository's selection policy.</param>
    /// <param name="graph">Projects at head; null when inference is off.</param>
    /// <param name="baseGraph">Projects at base, consulted only for files whose project is gone at head.</param>
    /// <param name="testSources">Which projects' sources name a file, for files the graph leads to no test.</param>
    public static SelectionResult Select(
        IReadOnlyList<FileChange> changes,
        SelectionPolicy policy,
        ProjectGraph? graph = null,
        ProjectGraph? baseGraph = null,
        ITestSourceIndex? testSources = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Infer == InferMode.None)
        {
            graph = null;
            baseGraph = null;
        }

        var paths = changes.SelectMany(c => c.Paths).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var ignored = new List<string>();
        var untagged = new List<UntaggedFile>();
        var tagFiles = policy.Tags.ToDictionary(t => t.Name, _ => new List<string>(), StringComparer.Ordinal);
        var tagRules = new Dictionary<string, string>(StringComparer.Ordinal);
        var headIndex = graph is null ? null : new GraphIndex(graph);
        var baseIndex = baseGraph is null ? null : new GraphIndex(baseGraph);
        var projectFiles = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var projectRules = new Dictionary<string, string>(StringComparer.Ordinal);
        var relevant = 0;
        var wholeBuild = new List<RunAllCause>();
        var fileReasons = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var readAtRunTime = new SortedDictionary<string, IReadOnlyList<NamingSource>>(StringComparer.Ordinal);
        var builtBy = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

        foreach (var path in paths)
        {
            if (policy.Ignore.Match(path) is { IsNegated: false } ignoredBy)
            {
                ignored.Add(path);
                fileReasons[path] = $"ignored (tests.ignore: {ignoredBy.Pattern})";
                continue;
            }

            relevant++;
            var covered = false;
            var said = new List<string>();
            foreach (var tag in policy.Tags)
            {
                if (tag.Paths.IsMatch(path))
                {
                    tagFiles[tag.Name].Add(path);
                    var globs = string.Join(", ", tag.Paths.Globs.Where(g => g.IsMatch(path) && !g.IsNegated).Select(g => g.Pattern));
                    tagRules.TryAdd(tag.Name, globs);
                    said.Add($"tag {tag.Name} ({globs})");
                    covered = true;
                }
            }

            if (headIndex is null)
            {
                if (!covered && Housekeeping(policy, path) is { } housekeeping)
                {
                    said.Add(housekeeping);
                    covered = true;
                    relevant--; // like an ignored file, it does not run the always tags
                }

                if (!covered)
                {
                    var why = "no tag's paths match it";
                    untagged.Add(new UntaggedFile(path, why));
                    said.Add("unknown: " + why);
                }

                fileReasons[path] = string.Join("; ", said);
                continue;
            }

            var scope = BuildWideFiles.Classify(path);
            if (scope == BuildFileScope.Repository || (scope == BuildFileScope.Folder && BuildWideFiles.Folder(path).Length == 0))
            {
                var why = scope == BuildFileScope.Repository
                    ? "it configures the whole build"
                    : "it applies to every project below the repository root";
                wholeBuild.Add(new RunAllCause(path, why));
                foreach (var test in headIndex.TestProjects)
                {
                    AddReason(projectFiles, projectRules, test, path, "whole build");
                }

                said.Add("whole build: " + why);
                fileReasons[path] = string.Join("; ", said);
                continue;
            }

            var reached = headIndex.TestProjectsAffectedBy(path, scope);
            var rule = scope == BuildFileScope.Folder ? "build file of its folder" : "project graph";
            var goneWithItsTests = false;
            if (reached.Count == 0 && baseIndex is not null && headIndex.OwnersOf(path).Count == 0)
            {
                // The file's project is gone at head: follow the graph as it was, to projects that still exist.
                var atBase = baseIndex.TestProjectsAffectedBy(path, scope);
                reached = [.. atBase.Where(headIndex.Contains)];
                rule = "project graph at base";

                // Only tests deleted along with it ever depended on it: nothing is left that could break.
                goneWithItsTests = reached.Count == 0 && atBase.Count > 0;
            }

            var owners = headIndex.OwnersOf(path);
            // A tag already covers it as before; only the files nothing else covers pay for reading test sources.
            if (reached.Count == 0 && !goneWithItsTests && !covered && testSources is not null)
            {
                // Read at run time by tests (a workflow they lint, a sample they build), not through the build.
                var sources = testSources.SourcesNaming(path, exactly: owners.Count == 0 && Housekeeping(policy, path) is not null);
                var naming = sources.Select(s => s.Project).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                reached = headIndex.TestProjectsReaching(naming);
                if (reached.Count > 0)
                {
                    rule = "named in test sources";
                    said.Add($"named in the sources of {string.Join(", ", naming)}");
                    readAtRunTime[path] = sources;
                }
            }

            foreach (var test in reached)
            {
                AddReason(projectFiles, projectRules, test, path, rule);
            }

            // A project that tests build at run time (a sample they record, a tool they publish and run) reaches those
            // tests too, though no project references it: their sources name it or a script that builds it.
            if (reached.Count > 0 && owners.Count > 0 && testSources is not null)
            {
                var builders = headIndex.ProjectsBuiltFrom(owners)
                    .SelectMany(p => builtBy.TryGetValue(p, out var known) ? known
                        : builtBy[p] = headIndex.TestProjectsReaching(testSources.SourcesBuilding(p).Select(s => s.Project).Distinct(StringComparer.Ordinal)))
                    .Except(reached, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                foreach (var test in builders)
                {
                    AddReason(projectFiles, projectRules, test, path, "built by test sources");
                }

                if (builders.Count > 0)
                {
                    said.Add($"built at run time by {Count(builders.Count, "test project")} ({FirstFew(builders)})");
                }
            }

            if (reached.Count > 0)
            {
                covered = true;
                if (rule != "named in test sources")
                {
                    said.Add($"{rule}: {Count(reached.Count, "test project")} ({FirstFew(reached)})");
                }
            }
            else if (goneWithItsTests)
            {
                covered = true;
                said.Add("its project and every test that depended on it are gone at head");
            }
            else if (owners.Count > 0 && policy.UntestedProjects == UntestedProjectPolicy.Known)
            {
                covered = true;
                said.Add($"known: belongs to {string.Join(", ", owners)}, which no test project depends on");
            }
            else if (!covered && owners.Count == 0 && Housekeeping(policy, path) is { } housekeeping)
            {
                covered = true;
                said.Add(housekeeping);
                relevant--; // like an ignored file, it does not run the always tags
            }
            else if (covered && owners.Count > 0)
            {
                said.Add($"no test project depends on {string.Join(", ", owners)}");
            }

            if (!covered)
            {
                var why = WhyUncovered(owners, policy.Tags.Count > 0);
                untagged.Add(new UntaggedFile(path, why));
                said.Add("unknown: " + why);
            }

            fileReasons[path] = string.Join("; ", said);
        }

        var tags = new List<string>();
        var tagReasons = new Dictionary<string, SelectionReason>(StringComparer.Ordinal);
        foreach (var tag in policy.Tags)
        {
            var files = tagFiles[tag.Name];
            if (files.Count > 0)
            {
                tags.Add(tag.Name);
                tagReasons[tag.Name] = Reason(files, tagRules[tag.Name]);
            }
        }

        if (relevant > 0)
        {
            foreach (var always in policy.Always)
            {
                if (!tagReasons.ContainsKey(always))
                {
                    tags.Add(always);
                    tagReasons[always] = new SelectionReason([], 0, "always");
                }
            }
        }

        string? runAllReason = null;
        var runAllCauses = new List<RunAllCause>(wholeBuild);
        if (wholeBuild.Count > 0)
        {
            runAllReason = $"'{wholeBuild[0].Path}' affects the whole build";
        }
        else if (untagged.Count > 0 && policy.Untagged == UntaggedPolicy.RunAll)
        {
            runAllReason = untagged.Count == 1
                ? $"'{untagged[0].Path}' is covered by no tag or project (untagged: run-all)"
                : $"{untagged.Count} changed files are covered by no tag or project (untagged: run-all)";
        }

        if (policy.Untagged == UntaggedPolicy.RunAll)
        {
            runAllCauses.AddRange(untagged.Select(u => new RunAllCause(u.Path, "unknown: " + u.Why)));
        }

        var runAll = runAllReason is not null;
        var projects = runAll && headIndex is not null
            ? headIndex.TestProjects
            : [.. projectFiles.Keys.Order(StringComparer.Ordinal)];
        var projectReasons = projectFiles.ToDictionary(p => p.Key, p => Reason(p.Value, projectRules[p.Key]), StringComparer.Ordinal);

        return new SelectionResult(
            Tags: tags,
            Projects: projects,
            Filter: runAll ? string.Empty : TestFilter.ForCategories(tags, policy.FilterSyntax),
            RunAll: runAll,
            RunAllReason: runAllReason,
            Untagged: untagged,
            Ignored: ignored,
            TagReasons: tagReasons,
            ProjectReasons: projectReasons,
            ChangedFileCount: paths.Count,
            UntaggedPolicy: policy.Untagged)
        {
            FileReasons = fileReasons,
            ReadAtRunTime = readAtRunTime,
            RunAllCauses = runAllCauses.Count > 0 && runAllReason is not null ? runAllCauses : [],
        };
    }

    private static string? Housekeeping(SelectionPolicy policy, string path) =>
        policy.Housekeeping.Match(path) is { IsNegated: false } glob
            ? $"housekeeping ({glob.Pattern}): needs no tests"
            : null;

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string FirstFew(IReadOnlyList<string> items) =>
        items.Count <= 3 ? string.Join(", ", items) : string.Join(", ", items.Take(3)) + $" and {items.Count - 3} more";

    private static string WhyUncovered(IReadOnlyList<string> owners, bool hasTags)
    {
        var tagPart = hasTags ? "no tag's paths match it" : "no tags are configured";
        return owners.Count == 0
            ? $"{tagPart}, and no project owns or includes it"
            : $"{tagPart}, and no test project depends on {string.Join(", ", owners)}";
    }

    private static void AddReason(
        Dictionary<string, SortedSet<string>> files, Dictionary<string, string> rules, string project, string path, string rule)
    {
        if (!files.TryGetValue(project, out var set))
        {
            files[project] = set = new SortedSet<string>(StringComparer.Ordinal);
            rules[project] = rule;
        }

        set.Add(path);
    }

    private static SelectionReason Reason(IReadOnlyCollection<string> files, string rule) =>
        new([.. files.Order(StringComparer.Ordinal).Take(MaxReasonFiles)], files.Count, rule);
}

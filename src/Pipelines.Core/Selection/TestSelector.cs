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
    public static SelectionResult Select(
        IReadOnlyList<FileChange> changes,
        SelectionPolicy policy,
        ProjectGraph? graph = null,
        ProjectGraph? baseGraph = null)
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
        string? wholeBuildFile = null;

        foreach (var path in paths)
        {
            if (policy.Ignore.IsMatch(path))
            {
                ignored.Add(path);
                continue;
            }

            relevant++;
            var covered = false;
            foreach (var tag in policy.Tags)
            {
                if (tag.Paths.IsMatch(path))
                {
                    tagFiles[tag.Name].Add(path);
                    tagRules.TryAdd(tag.Name, string.Join(", ", tag.Paths.Globs.Where(g => g.IsMatch(path) && !g.IsNegated).Select(g => g.Pattern)));
                    covered = true;
                }
            }

            if (headIndex is null)
            {
                if (!covered)
                {
                    untagged.Add(new UntaggedFile(path, "no tag's paths match it"));
                }

                continue;
            }

            var scope = BuildWideFiles.Classify(path);
            if (scope == BuildFileScope.Repository || (scope == BuildFileScope.Folder && BuildWideFiles.Folder(path).Length == 0))
            {
                wholeBuildFile ??= path;
                foreach (var test in headIndex.TestProjects)
                {
                    AddReason(projectFiles, projectRules, test, path, "whole build");
                }

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

            foreach (var test in reached)
            {
                AddReason(projectFiles, projectRules, test, path, rule);
            }

            if (reached.Count > 0 || goneWithItsTests)
            {
                covered = true;
            }
            else if (!covered)
            {
                untagged.Add(new UntaggedFile(path, WhyUncovered(headIndex, path, policy.Tags.Count > 0)));
            }
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
        if (wholeBuildFile is not null)
        {
            runAllReason = $"'{wholeBuildFile}' affects the whole build";
        }
        else if (untagged.Count > 0 && policy.Untagged == UntaggedPolicy.RunAll)
        {
            runAllReason = untagged.Count == 1
                ? $"'{untagged[0].Path}' is covered by no tag or project (untagged: run-all)"
                : $"{untagged.Count} changed files are covered by no tag or project (untagged: run-all)";
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
            UntaggedPolicy: policy.Untagged);
    }

    private static string WhyUncovered(GraphIndex index, string path, bool hasTags)
    {
        var owners = index.OwnersOf(path);
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

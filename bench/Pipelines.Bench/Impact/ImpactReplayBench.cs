using System.Globalization;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.Git;
using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Bench.Impact;

/// <summary>
/// Savings of the impact map on this repository's history: one map recorded at an older commit B, then for each of
/// the last code-changing commits C after it (on the first-parent line; a merge's change is its whole branch), the
/// share of test time the project-level selection and the impact selection run, by per-test durations measured at B.
/// </summary>
/// <remarks>
/// The map's age limit is lifted: one map serves the whole replay, so the later commits count every change since B
/// (a nightly map would be younger). Tests new since B have no duration and count as zero time.
/// </remarks>
internal static class ImpactReplayBench
{
    public static IReadOnlyList<BenchRow> Run(string[] args)
    {
        var count = Argument(args, "--commits", 50);
        var root = SourceTree.Root;
        var until = ImpactBenchSupport.Git(root, "rev-parse", Option(args, "--until") ?? "HEAD").Trim();
        var commits = CodeChangingCommits(root, until, count);
        var baseCommit = ImpactBenchSupport.Git(root, "rev-parse", commits[0] + "^1").Trim();
        Console.WriteLine($"impact-replay: {commits.Count} code-changing first-parent commits after B = {ImpactBenchSupport.Short(baseCommit)}, up to {ImpactBenchSupport.Short(until)}");

        var repository = GitRepository.Open(root);
        ProjectGraph baseGraph;
        using (var baseTree = repository.ReadTree(baseCommit))
        {
            baseGraph = ProjectGraphReader.Read(baseTree);
        }

        var testProjects = baseGraph.Projects.Where(p => p.IsTestProject && p.Path.StartsWith("tests/Pipelines.", StringComparison.Ordinal)).Select(p => p.Path).Order(StringComparer.Ordinal).ToList();
        var recordProjects = Option(args, "--record") is { } named ? [.. named.Split(',')] : testProjects;
        var clone = Option(args, "--clone") ?? ImpactBenchSupport.CloneAt(root, baseCommit, "replay-base");
        var mapPath = Option(args, "--map");
        ImpactMap map;
        if (mapPath is null)
        {
            mapPath = Path.Combine(Path.GetDirectoryName(clone)!, "replay-map.json");
            var (recorded, took) = ImpactBenchSupport.Record(clone, recordProjects, mapPath);
            map = recorded;
            Console.WriteLine($"Recorded {string.Join(", ", recordProjects)} at B in {took.TotalSeconds:0} s → {mapPath}");
        }
        else
        {
            map = ImpactMapFile.Read(mapPath, mapPath);
        }

        if (map.Commit != baseCommit)
        {
            throw new InvalidOperationException($"the map is of {map.Commit}, not B = {baseCommit}");
        }

        // Every test project's durations at B, recorded or not: the full suite's time.
        var durations = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var project in testProjects)
        {
            var (seconds, failed, wall) = ImpactBenchSupport.Durations(clone, project, build: true);
            durations[project] = seconds;
            Console.WriteLine($"Durations at B: {project}: {seconds.Count} tests, {seconds.Values.Sum():0.0} s of test time ({wall.TotalSeconds:0} s wall with its build), {failed.Count} failed");
        }

        var projectTime = durations.ToDictionary(d => d.Key, d => d.Value.Values.Sum(), StringComparer.Ordinal);
        var fullTime = projectTime.Values.Sum();
        var recordedSet = map.Projects.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);

        Console.WriteLine();
        Console.WriteLine($"{"commit",-9} {"age",4} {"files",5} {"proj",4} {"project-level",13} {"impact",8} {"impact/proj",11}  narrowed");
        var projectShares = new List<double>();
        var impactShares = new List<double>();
        var ratios = new List<double>();
        foreach (var commit in commits)
        {
            var parent = ImpactBenchSupport.Git(root, "rev-parse", commit + "^1").Trim();
            var changes = repository.GetChanges(parent, commit);
            var (policy, graph, sources, tree) = ImpactBenchSupport.ProjectLevelInputs(repository, commit);
            using var _ = tree;
            ProjectGraph? parentGraph = null;
            if (changes.Any(c => c.Kind is ChangeKind.Deleted or ChangeKind.Renamed && ProjectGraphReader.IsProjectFile(c.OldPath ?? c.Path)))
            {
                using var parentTree = repository.ReadTree(parent);
                parentGraph = ProjectGraphReader.Read(parentTree);
            }

            var projectLevel = TestSelector.Select(changes, policy, graph, parentGraph, sources);
            var age = int.Parse(ImpactBenchSupport.Git(root, "rev-list", "--count", $"{baseCommit}..{commit}").Trim(), CultureInfo.InvariantCulture);
            double projectSeconds;
            double impactSeconds;
            var narrowed = new List<string>();
            if (projectLevel.RunAll)
            {
                // A build-wide file: the map cannot see what it does either, so both run everything.
                projectSeconds = impactSeconds = fullTime;
                narrowed.Add("run-all: " + projectLevel.RunAllReason);
            }
            else
            {
                projectSeconds = projectLevel.Projects.Sum(p => projectTime.GetValueOrDefault(p));
                var standing = new MapStanding(true, repository.IsAncestor(baseCommit, commit), age);
                var diff = new GitImpactDiff(root, baseCommit, commit, tree);
                var selection = ImpactSelector.Narrow(projectLevel, map, tree.ObjectIds, standing, int.MaxValue, graph,
                    c => TestSelector.Select(c, policy, graph, parentGraph, sources), diff);
                impactSeconds = 0;
                foreach (var project in selection.Projects)
                {
                    var times = durations.GetValueOrDefault(project.Project) ?? [];
                    if (project.Whole)
                    {
                        impactSeconds += projectTime.GetValueOrDefault(project.Project);
                        if (recordedSet.Contains(project.Project))
                        {
                            narrowed.Add($"{Name(project.Project)} whole");
                        }

                        continue;
                    }

                    var known = times.Keys.Concat(map.Projects.Single(p => p.Path == project.Project).Tests.Select(t => t.Name)).ToHashSet(StringComparer.Ordinal);
                    var run = ImpactBenchSupport.TestsRun(project, known);
                    impactSeconds += run.Sum(t => times.GetValueOrDefault(t));
                    narrowed.Add($"{Name(project.Project)} {run.Count}/{known.Count}");
                }
            }

            var projectShare = fullTime > 0 ? projectSeconds / fullTime : double.NaN;
            var impactShare = fullTime > 0 ? impactSeconds / fullTime : double.NaN;
            projectShares.Add(projectShare);
            impactShares.Add(impactShare);
            if (projectSeconds > 0)
            {
                ratios.Add(impactSeconds / projectSeconds);
            }

            Console.WriteLine($"{ImpactBenchSupport.Short(commit),-9} {age,4} {changes.Count,5} {projectLevel.Projects.Count,4} {ImpactBenchSupport.Percent(projectShare),13} {ImpactBenchSupport.Percent(impactShare),8} " +
                $"{(projectSeconds > 0 ? ImpactBenchSupport.Percent(impactSeconds / projectSeconds) : "—"),11}  {string.Join("; ", narrowed)}");
        }

        Console.WriteLine();
        Console.WriteLine($"Full suite at B: {fullTime:0.0} s of test time in {testProjects.Count} test projects ({string.Join(", ", testProjects.Select(p => $"{Name(p)} {projectTime[p]:0.0} s"))}); recorded: {string.Join(", ", recordedSet.Select(Name))}");
        Console.WriteLine($"Commits where project level runs something: {ratios.Count} of {commits.Count}; failures at each C: not run (see the README)");
        return
        [
            BenchRow.Info($"impact-replay: project-level share of the full suite's test time (median of {commits.Count} commits)", 100 * ImpactBenchSupport.Median(projectShares), "%"),
            BenchRow.Info($"impact-replay: impact share of the full suite's test time (median of {commits.Count} commits)", 100 * ImpactBenchSupport.Median(impactShares), "%"),
            new BenchRow($"impact-replay: impact time / project-level time (median of the {ratios.Count} commits that run tests)", 100 * ImpactBenchSupport.Median(ratios), 100.0 / 3, "%",
                $"mean {ImpactBenchSupport.Percent(ratios.Count == 0 ? double.NaN : ratios.Average())}; goal at most a third"),
        ];
    }

    /// <summary>The last <paramref name="count"/> first-parent commits whose change touches C# sources or projects under src/ or tests/, oldest first.</summary>
    private static List<string> CodeChangingCommits(string root, string until, int count)
    {
        var picked = new List<string>();
        foreach (var commit in ImpactBenchSupport.Git(root, "rev-list", "--first-parent", until).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parent = ImpactBenchSupport.Git(root, "rev-list", "--parents", "-n", "1", commit).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parent.Length < 2)
            {
                break; // the root commit has no change of its own to replay
            }

            var files = ImpactBenchSupport.Git(root, "diff", "--name-only", parent[1].Trim(), commit).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (files.Any(f => (f.StartsWith("src/", StringComparison.Ordinal) || f.StartsWith("tests/", StringComparison.Ordinal))
                && (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))))
            {
                picked.Add(commit);
                if (picked.Count == count)
                {
                    break;
                }
            }
        }

        picked.Reverse();
        return picked;
    }

    private static string Name(string project) => Path.GetFileNameWithoutExtension(project).Replace("Pipelines.", "", StringComparison.Ordinal);

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Argument(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

using System.Text.Json;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.Git;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Cli.Commands.SelectTests;

/// <summary>One <c>dotnet test</c> run of the impact selection: a whole project (no filter) or one batch of its filter.</summary>
public sealed record ImpactInvocationJson(string Project, string? Filter);

/// <summary>What the impact map did to one test project.</summary>
/// <param name="Run"><c>whole</c>, <c>filtered</c> or <c>none</c>.</param>
public sealed record ImpactProjectJson(
    string Project, string Run, string Reason, int SelectedTests, int SelectedClasses, int KnownTests, IReadOnlyList<string> Tests, IReadOnlyList<string> Classes, IReadOnlyList<string> Filters);

/// <summary>The impact selection file (<c>--impact-out</c>), also the <c>impact</c> member of <c>--json</c>.</summary>
/// <param name="Invocations">What to run, in order: every <c>dotnet test</c> the selection needs.</param>
public sealed record ImpactSelectionJson(
    string Format,
    bool Used,
    string? NotUsedReason,
    string? MapCommit,
    int? MapAge,
    int ChangedSinceMap,
    IReadOnlyList<ImpactInvocationJson> Invocations,
    IReadOnlyList<ImpactProjectJson> Projects,
    IReadOnlyDictionary<string, string> FileReasons)
{
    public const string CurrentFormat = "pipelines-impact-selection/1";

    /// <summary>With <c>--impact-audit</c>: the failed tests of the full run that the selection left out; null without an audit.</summary>
    public IReadOnlyList<MissedTest>? Missed { get; init; }
}

/// <summary>
/// Narrows <c>select-tests</c>' project-level answer with an impact map (<c>--impact-map</c>): reads the map, asks git
/// how it stands to head and what changed since, and writes what to run.
/// </summary>
public static class SelectTestsImpact
{
    /// <summary>The outcome: the selection (whole projects when the map is not used) and the problem, if the map was bad input.</summary>
    public sealed record Outcome(ImpactSelection Raw, ImpactSelectionJson Selection, string? BadInput, string? Missing)
    {
        /// <summary>With <c>--impact-audit</c>: the full run's failures, and those the selection left out.</summary>
        public ImpactAuditResult? Audit { get; init; }
    }

    public static Outcome Narrow(
        GitRepository repository,
        GitTree headTree,
        string mapPath,
        string mapDisplay,
        int maxAge,
        SelectionResult projectLevel,
        ProjectGraph graph,
        Func<IReadOnlyList<FileChange>, SelectionResult> projectLevelFor,
        ITestSourceIndex testSources)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(headTree);
        ArgumentNullException.ThrowIfNull(projectLevel);
        if (!File.Exists(mapPath))
        {
            // A first run or a cache miss: nothing is wrong, there is just nothing to narrow with.
            var missing = $"no impact map at {mapDisplay} (a first run, or the cache missed): every selected project runs whole";
            return NotUsed(projectLevel, missing, null, missing);
        }

        ImpactMap map;
        try
        {
            map = ImpactMapFile.Read(mapPath, mapDisplay);
        }
        catch (InputException ex)
        {
            return NotUsed(projectLevel, "the impact map is bad input: " + ex.Message, ex.Message, null);
        }

        var inHistory = repository.HasCommit(map.Commit);
        var ancestor = inHistory && repository.IsAncestor(map.Commit, headTree.Commit);
        var standing = new MapStanding(inHistory, ancestor, ancestor ? repository.CountCommits(map.Commit, headTree.Commit) : null);
        var diff = new GitImpactDiff(repository, headTree, map.Commit);
        var selection = ImpactSelector.Narrow(projectLevel, map, headTree.ObjectIds, standing, maxAge, graph, projectLevelFor, diff, testSources);
        return new Outcome(selection, ToJson(selection), null, null);
    }

    public static void Write(string path, ImpactSelectionJson selection)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, JsonSerializer.Serialize(selection, PipelinesJsonContext.Relaxed.ImpactSelectionJson));
    }

    private static Outcome NotUsed(SelectionResult projectLevel, string reason, string? badInput, string? missing)
    {
        var selection = new ImpactSelection(false, reason, string.Empty, null, 0,
            [.. projectLevel.Projects.Select(p => new ImpactProjectSelection(p, true, "the impact map is not used: " + reason, [], [], 0))],
            new Dictionary<string, string>());
        return new Outcome(selection, ToJson(selection), badInput, missing);
    }

    private static ImpactSelectionJson ToJson(ImpactSelection selection)
    {
        var projects = new List<ImpactProjectJson>();
        var invocations = new List<ImpactInvocationJson>();
        foreach (var project in selection.Projects)
        {
            var filters = ImpactFilter.Batches(project);
            var run = project.Whole ? "whole" : project.Nothing ? "none" : "filtered";
            projects.Add(new ImpactProjectJson(project.Project, run, project.Reason, project.Tests.Count, project.Classes.Count, project.KnownTests,
                project.Tests, project.Classes, filters));
            if (project.Whole)
            {
                invocations.Add(new ImpactInvocationJson(project.Project, null));
            }

            invocations.AddRange(filters.Select(f => new ImpactInvocationJson(project.Project, f)));
        }

        return new ImpactSelectionJson(ImpactSelectionJson.CurrentFormat, selection.Used, selection.NotUsedReason,
            selection.MapCommit.Length == 0 ? null : selection.MapCommit, selection.MapAge, selection.ChangedSinceMap, invocations, projects, selection.FileReasons);
    }
}

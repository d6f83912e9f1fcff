using Pipelines.Adapters.Formats;
using Pipelines.Adapters.Git;
using Pipelines.Cli.Commands.SelectTests;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Cli.Commands.RecordImpact;

/// <summary>
/// What <c>record-impact --update</c> records: the selection select-tests makes against the previous map for everything
/// changed since its commit, or everything when that map cannot be narrowed with (missing, bad input, not an ancestor).
/// </summary>
/// <param name="Previous">The map to merge into; null when recording in full.</param>
/// <param name="Selection">The selection against it; null when recording in full.</param>
/// <param name="Why">Why the update records in full; null when it narrows.</param>
/// <param name="BadInput">The previous map's problem, when it is bad input (the run records in full, then exits 2).</param>
public sealed record RecordImpactUpdatePlan(ImpactMap? Previous, ImpactSelection? Selection, string? Why, string? BadInput)
{
    public static RecordImpactUpdatePlan Full(string why, string? badInput = null) => new(null, null, why, badInput);

    /// <summary>Plans the update of <paramref name="mapPath"/> to head, with the repository's test-selection policy.</summary>
    public static RecordImpactUpdatePlan Make(CommandSession session, GitRepository repository, string mapPath, string mapDisplay, string? configPath)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(repository);
        if (!File.Exists(mapPath))
        {
            return Full($"no impact map at {mapDisplay} (a first run, or the cache missed)");
        }

        ImpactMap previous;
        try
        {
            previous = ImpactMapFile.Read(mapPath, mapDisplay);
        }
        catch (InputException ex)
        {
            return Full("the previous map is bad input", ex.Message);
        }

        var head = repository.ResolveCommit("HEAD", "--repo");
        if (!repository.HasCommit(previous.Commit) || !repository.IsAncestor(previous.Commit, head))
        {
            // select-tests says why in the same words, and does not narrow with it either.
            return Full($"the previous map's commit {RecordImpactHandler.Short(previous.Commit)} is not an ancestor of HEAD in this clone");
        }

        var config = ConfigLoader.Load(session.Context, repository.Root, configPath);
        var policy = TestsSection.Read(config) with { Infer = InferMode.DotNet };
        using var headTree = repository.ReadTree(head);
        var changes = repository.GetChanges(previous.Commit, head);
        var (graph, baseGraph, testSources) = SelectTestsHandler.ReadGraphs(repository, headTree, previous.Commit, changes);

        var projectLevel = TestSelector.Select(changes, policy, graph, baseGraph, testSources);
        if (ImpactMapUpdate.ChangedFilesSelectTags(projectLevel))
        {
            return Full("the changes since the previous map select categories, which the map does not tie to tests");
        }

        var narrowed = SelectTestsImpact.Narrow(repository, headTree, mapPath, mapDisplay, ImpactSelector.DefaultMaxAge, projectLevel, graph,
            more => TestSelector.Select(more, policy, graph, baseGraph, testSources), testSources);
        return narrowed.Raw.Used
            ? new RecordImpactUpdatePlan(previous, narrowed.Raw, null, null)
            : Full("the previous map cannot be narrowed with: " + narrowed.Raw.NotUsedReason);
    }
}

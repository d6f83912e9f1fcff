using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Git;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Cli.Commands.SelectTests;

/// <summary>Wires git, the config and the .NET project graph to the core's <see cref="TestSelector"/>.</summary>
public static class SelectTestsHandler
{
    public static CommandResult Run(CommandSession session, SelectTestsInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var repository = GitRepository.Open(session.Context.ResolvePath(inputs.Repo));
        var config = ConfigLoader.Load(session.Context, repository.Root, inputs.Config);
        var policy = ApplyOverrides(TestsSection.Read(config), inputs);
        if (inputs.Audit)
        {
            return SelectTestsAudit.Run(session, repository, policy, inputs);
        }

        var head = repository.ResolveCommit(inputs.Head, "--head");
        var baseCommit = BaseCommitResolver.Resolve(repository, session.Context, inputs.Base, head);
        var changes = repository.GetChanges(baseCommit.Sha, head);

        ProjectGraph? graph = null;
        ProjectGraph? baseGraph = null;
        using var headTree = policy.Infer == InferMode.DotNet ? repository.ReadTree(head) : null;
        TestSourceIndex? testSources = null;
        if (headTree is not null)
        {
            (graph, baseGraph, testSources) = ReadGraphs(repository, headTree, baseCommit.Sha, changes);
        }

        var selection = TestSelector.Select(changes, policy, graph, baseGraph, testSources);
        if (inputs.ImpactMap is null)
        {
            return inputs.ImpactAudit.Count > 0
                ? throw new InputException("--impact-audit: checks the selection of --impact-map; give the map too (a missing map file audits the project-level answer)")
                : SelectTestsReport.Build(selection, baseCommit, head, config.DisplayPath);
        }

        if (inputs.ImpactMaxAge < 0)
        {
            throw new InputException($"--impact-max-age: expected a number of commits, 0 or more, got {inputs.ImpactMaxAge}");
        }

        if (headTree is null || graph is null || testSources is null)
        {
            throw new InputException("--impact-map: the map narrows the test projects the .NET project graph selects; set tests.infer: dotnet (or --infer dotnet)");
        }

        var impact = SelectTestsImpact.Narrow(repository, headTree, session.Context.ResolvePath(inputs.ImpactMap), inputs.ImpactMap, inputs.ImpactMaxAge,
            selection, graph, more => TestSelector.Select(more, policy, graph, baseGraph, testSources), testSources);
        if (inputs.ImpactAudit.Count > 0)
        {
            var fullRun = ResultFileInputs.Read(session.Context, inputs.ImpactAudit).SelectMany(given => given.Runs.Count > 0
                ? given.Runs.SelectMany(r => r.Results)
                : throw new InputException($"--impact-audit {given.Pattern}: no result files found (TRX, JUnit or NUnit XML of a full run)")).ToList();
            var audit = ImpactAudit.Check(impact.Raw, fullRun);
            impact = impact with { Selection = impact.Selection with { Missed = audit.Missed }, Audit = audit };
        }

        var outPath = session.Context.ResolvePath(inputs.ImpactOut);
        SelectTestsImpact.Write(outPath, impact.Selection);
        return SelectTestsReport.Build(selection, baseCommit, head, config.DisplayPath, impact, inputs.ImpactOut);
    }

    /// <summary>
    /// The .NET project graph at head with its test sources, and the base's graph when a project file is gone or renamed
    /// since: only then is it needed, to find who depended on it.
    /// </summary>
    internal static (ProjectGraph Graph, ProjectGraph? BaseGraph, TestSourceIndex Sources) ReadGraphs(
        GitRepository repository, GitTree headTree, string baseCommit, IReadOnlyList<FileChange> changes)
    {
        var graph = ProjectGraphReader.Read(headTree);
        ProjectGraph? baseGraph = null;
        if (baseCommit != GitRepository.EmptyTree && changes.Any(c =>
                c.Kind is ChangeKind.Deleted or ChangeKind.Renamed && ProjectGraphReader.IsProjectFile(c.OldPath ?? c.Path)))
        {
            using var tree = repository.ReadTree(baseCommit);
            baseGraph = ProjectGraphReader.Read(tree);
        }

        return (graph, baseGraph, new TestSourceIndex(headTree, graph));
    }

    private static SelectionPolicy ApplyOverrides(SelectionPolicy policy, SelectTestsInputs inputs) => policy with
    {
        Untagged = inputs.Untagged is { } untagged ? TestsSection.UntaggedValues[untagged] : policy.Untagged,
        Infer = inputs.Infer is { } infer ? TestsSection.InferValues[infer] : policy.Infer,
        FilterSyntax = inputs.FilterSyntax is { } syntax ? TestsSection.FilterSyntaxValues[syntax] : policy.FilterSyntax,
    };
}

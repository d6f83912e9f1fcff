using Pipelines.Adapters.Formats;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Planning;

namespace Pipelines.Cli.Commands.PlanTests;

/// <summary>Reads the history, the tests and the config, lets the core choose and plan (<see cref="PlanCandidates"/>, <see cref="ShardPlanner"/>), writes the plan file.</summary>
public static class PlanTestsHandler
{
    public const double DefaultTargetMinutes = 10;
    public const int DefaultMaxShards = 50;

    public static CommandResult Run(CommandSession session, PlanTestsInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var repoPath = context.ResolvePath(inputs.Repo);
        var policy = PlanSection.Read(ConfigLoader.Load(context, repoPath, inputs.Config));
        if (inputs.Shards is not null && inputs.TargetMinutes is not null)
        {
            throw new InputException("--shards and --target-minutes: give one of them, not both");
        }

        if (inputs.Shards is < 1 or > 256)
        {
            throw new InputException($"--shards: expected 1 to 256, got {inputs.Shards}");
        }

        var warnings = new List<string>();
        var history = PlanSources.History(context, inputs, warnings);
        var scope = new PlanScope(inputs.Projects.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), inputs.Filter);
        var discovered = PlanSources.Discover(inputs, repoPath);
        var candidates = inputs.Tests is { } testsFile
            ? PlanCandidates.Listed(PlanSources.TestList(context, testsFile), history)
            : PlanCandidates.Merge(discovered, history, scope);
        var by = inputs.By is { } byText ? PlanSection.ByValues[byText] : policy.By ?? PlanCandidates.DefaultBy(history, candidates);
        var (seed, seedSource) = PlanCandidates.Seed(inputs.Seed,
            context.Ci is { Commit: { } sha, CommitVariable: var variable } ? (sha, variable!) : null, () => PlanSources.Head(repoPath));
        var options = new PlanOptions(
            inputs.Order is { } orderText ? PlanSection.OrderValues[orderText] : policy.Order ?? PlanOrder.SlowestFirst,
            seed,
            policy.Dependencies,
            policy.FixedOrder);

        var tests = candidates.Select(c => c.Test).ToList();
        var units = PlanUnits.Build(tests, history, by, policy.DefaultSeconds);
        var plan = inputs.Shards is { } shards
            ? ShardPlanner.Plan(units, by, shards, options)
            : ShardPlanner.PlanWithin(units, by, (inputs.TargetMinutes ?? policy.TargetMinutes ?? DefaultTargetMinutes) * 60,
                inputs.MaxShards ?? policy.MaxShards ?? DefaultMaxShards, options);

        var document = PlanTestsReport.Document(plan, seedSource, tests.Count, scope, PlanCandidates.Restricted(candidates, by), [.. warnings, .. plan.Warnings]);
        PlanFile.Write(context.ResolvePath(inputs.Out), document);
        return PlanTestsReport.Build(document, inputs.Out, session.Host is Hosting.AzurePipelinesHost);
    }
}

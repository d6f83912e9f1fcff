using System.CommandLine;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.PlanTests;

/// <summary>The options of <c>pipelines plan-tests</c>; what it does is in <see cref="PlanTestsHandler"/>.</summary>
public static class PlanTestsCommand
{
    public const string Name = "plan-tests";

    public static Command Create(CliContext context)
    {
        var history = new Option<string[]>("--history")
        {
            Description = "Earlier result files: TRX or JUnit XML files, folders of them, or globs (several runs; newest count most).",
            AllowMultipleArgumentsPerToken = true,
        };
        var timings = new Option<string?>("--timings")
        {
            Description = "The merged timing file to read and then update with --history (keep it in the CI cache).",
        };
        var tests = new Option<string?>("--tests")
        {
            Description = "A file with the ids of the tests to plan, one per line (default: every test in the history and in the built assemblies).",
        };
        var assemblies = new Option<string[]>("--assemblies")
        {
            Description = "Built test assemblies whose tests to plan too, so new tests are never left out (paths or globs; default: the newest build of each test project, if any).",
            AllowMultipleArgumentsPerToken = true,
        };
        var filter = new Option<string?>("--filter") { Description = "select-tests' filter output: plan only the tests it selects." };
        var projects = new Option<string?>("--projects") { Description = "select-tests' projects output: plan these test projects whole." };
        var shards = new Option<int?>("--shards") { Description = "How many shards (parallel jobs) to plan." };
        var targetMinutes = new Option<double?>("--target-minutes")
        {
            Description = "Instead of --shards: the fewest shards whose predicted time fits (default tests.plan.target-minutes, else 10).",
        };
        var maxShards = new Option<int?>("--max-shards") { Description = "The most shards --target-minutes may use (default 50)." };
        var by = new Option<string?>("--by")
        {
            Description = "The unit placed on a shard: test, class (default for .NET) or file (default for JUnit suites with files).",
        }.AcceptOnlyFromAmong([.. PlanSection.ByValues.Keys]);
        var order = new Option<string?>("--order")
        {
            Description = "Order within a shard: slowest-first (default), random (seeded) or declared.",
        }.AcceptOnlyFromAmong([.. PlanSection.OrderValues.Keys]);
        var seed = new Option<string?>("--seed")
        {
            Description = "The shuffle's seed (default: derived from the head commit). Pass a printed seed to replay an order.",
        };
        var output = new Option<string>("--out")
        {
            Description = "Where to write the plan file.",
            DefaultValueFactory = _ => "test-plan.json",
        };
        var repo = CommonOptions.Repo();
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();

        var command = new Command(Name, "Plan the test run: timing history → balanced shards, ordered slowest-first or shuffled by a seed → a CI matrix.")
        {
            history, timings, tests, assemblies, filter, projects, shards, targetMinutes, maxShards, by, order, seed, output, repo, config, json,
        };
        command.SetAction(parse => PipelinesCli.Execute(context, Name, parse.GetValue(json), session =>
            PlanTestsHandler.Run(session, new PlanTestsInputs(
                History: parse.GetValue(history) ?? [],
                Timings: parse.GetValue(timings),
                Tests: parse.GetValue(tests),
                Assemblies: parse.GetValue(assemblies) ?? [],
                Filter: parse.GetValue(filter) ?? string.Empty,
                Projects: parse.GetValue(projects) ?? string.Empty,
                Shards: parse.GetValue(shards),
                TargetMinutes: parse.GetValue(targetMinutes),
                MaxShards: parse.GetValue(maxShards),
                By: parse.GetValue(by),
                Order: parse.GetValue(order),
                Seed: parse.GetValue(seed),
                Out: parse.GetValue(output)!,
                Repo: parse.GetValue(repo)!,
                Config: parse.GetValue(config)))));
        return command;
    }
}

/// <summary>The inputs of one <c>plan-tests</c> run, as given.</summary>
public sealed record PlanTestsInputs(
    IReadOnlyList<string> History,
    string? Timings,
    string? Tests,
    IReadOnlyList<string> Assemblies,
    string Filter,
    string Projects,
    int? Shards,
    double? TargetMinutes,
    int? MaxShards,
    string? By,
    string? Order,
    string? Seed,
    string Out,
    string Repo,
    string? Config);

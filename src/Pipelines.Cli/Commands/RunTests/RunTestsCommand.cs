using System.CommandLine;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.RunTests;

/// <summary>The options of <c>pipelines run-tests</c>; what it does is in <see cref="RunTestsHandler"/>.</summary>
public static class RunTestsCommand
{
    public const string Name = "run-tests";

    public static Command Create(CliContext context)
    {
        var plan = new Option<string>("--plan") { Description = "The plan file plan-tests wrote.", DefaultValueFactory = _ => "test-plan.json" };
        var shard = new Option<int>("--shard") { Description = "Which shard of the plan to run (1-based; the matrix's 'shard').", DefaultValueFactory = _ => 1 };
        var retries = new Option<int>("--retries")
        {
            Description = "How many times a failed test is re-run; passing on a re-run makes it flaky, not red.",
            DefaultValueFactory = _ => 2,
        };
        var resultsDir = new Option<string>("--results-dir")
        {
            Description = "Where to write the TRX of each invocation and the shard's merged TRX and JUnit files.",
            DefaultValueFactory = _ => "test-results",
        };
        var dotnetTestArgs = new Option<string?>("--dotnet-test-args")
        {
            Description = "Arguments for dotnet test: what to test (solution, project or built assembly) and how (e.g. \"Shop.slnx --no-build -c Release\").",
        };
        var json = CommonOptions.Json();

        var command = new Command(Name, "Run one shard of the plan in order, re-run failures to tell flaky from red, and merge the results into one TRX and one JUnit file.")
        {
            plan, shard, retries, resultsDir, dotnetTestArgs, json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(PipelinesCli.Execute(context, Name, parse.GetValue(json), session =>
            RunTestsHandler.Run(session, new RunTestsInputs(
                Plan: parse.GetValue(plan)!,
                Shard: parse.GetValue(shard),
                Retries: parse.GetValue(retries),
                ResultsDir: parse.GetValue(resultsDir)!,
                DotNetTestArgs: parse.GetValue(dotnetTestArgs) ?? string.Empty), cancellation))));
        return command;
    }
}

/// <summary>The inputs of one <c>run-tests</c> run, as given.</summary>
public sealed record RunTestsInputs(string Plan, int Shard, int Retries, string ResultsDir, string DotNetTestArgs);

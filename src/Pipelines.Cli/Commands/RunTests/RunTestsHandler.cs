using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Running;
using Pipelines.Core.TestResults;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Commands.RunTests;

/// <summary>Reads the plan, runs the shard through the core's <see cref="ShardRun"/> with <c>dotnet test</c>, writes the merged results.</summary>
public static class RunTestsHandler
{
    public static CommandResult Run(CommandSession session, RunTestsInputs inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        if (inputs.Retries is < 0 or > 10)
        {
            throw new InputException($"--retries: expected 0 to 10, got {inputs.Retries}");
        }

        var plan = PlanFile.Read(context.ResolvePath(inputs.Plan), inputs.Plan);
        if (inputs.Shard < 1 || inputs.Shard > plan.Shards.Count)
        {
            throw new InputException($"--shard: the plan has shards 1 to {plan.Shards.Count}, got {inputs.Shard}");
        }

        if (plan.By == "file")
        {
            throw new InputException("--plan: this plan places JUnit files, which their own tools run; run-tests runs .NET plans (by class or test)");
        }

        var arguments = ArgumentSplitter.Split(inputs.DotNetTestArgs, "--dotnet-test-args");
        var resultsDir = Path.Combine(context.ResolvePath(inputs.ResultsDir), $"shard-{inputs.Shard}");
        var started = context.Time.GetUtcNow();
        var invocations = 0;
        var outcome = ShardRun.Run(plan.Shards[inputs.Shard - 1].Filters, inputs.Retries, step =>
        {
            if (step.Attempt == 0)
            {
                session.Host.SetProgress(100 * step.Part / step.Parts, $"shard {inputs.Shard}: invocation {step.Part + 1} of {step.Parts}");
            }

            session.Host.BeginGroup(step.Attempt == 0
                ? $"dotnet test: shard {inputs.Shard}, part {step.Part + 1} of {step.Parts}"
                : $"re-run {step.Attempt} of {step.Retries}: {step.Part} failed test(s)");
            var invocation = DotNetTestRunner.RunAsync(
                arguments, step.Filter, Path.Combine(resultsDir, $"run-{++invocations:D3}"), context.WorkingDirectory, context.Environment,
                line => session.Log.WriteLine(UntrustedText.ForLine(line)), cancellation).GetAwaiter().GetResult();
            session.Host.EndGroup();
            return new InvocationResult(
                [.. invocation.ResultFiles.SelectMany(f => ResultFileReader.Read(f, Path.GetRelativePath(context.WorkingDirectory, f)).Results)], invocation.ExitCode, invocation.OutputTail);
        });

        var merged = outcome.Finals.SelectMany(f => f.Results).ToList();
        var trx = Path.Combine(resultsDir, $"shard-{inputs.Shard}.trx");
        var junit = Path.Combine(resultsDir, $"shard-{inputs.Shard}.xml");
        TrxWriter.Write(trx, $"pipelines run-tests shard {inputs.Shard} of {plan.Shards.Count}", merged, started, context.Time.GetUtcNow());
        JUnitWriter.Write(junit, $"shard {inputs.Shard} of {plan.Shards.Count}", merged,
            outcome.Finals.Where(f => f.Verdict == TestVerdict.Flaky).ToDictionary(f => f.Id, f => f.FirstFailure!, StringComparer.Ordinal));

        var display = new[] { trx, junit }.Select(p => Path.GetRelativePath(context.WorkingDirectory, p).Replace('\\', '/')).ToList();
        return RunTestsReport.Build(inputs.Shard, plan.Shards.Count, outcome, display, plan.Order, plan.Seed);
    }
}

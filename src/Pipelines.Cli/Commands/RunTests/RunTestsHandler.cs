using System.Globalization;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli.Commands.PlanTests;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Planning;
using Pipelines.Core.Running;
using Pipelines.Core.TestResults;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Commands.RunTests;

/// <summary>One invocation that ended without results to explain it: a build error, a crashed test host.</summary>
public sealed record InfrastructureFailure(string Filter, int ExitCode, IReadOnlyList<string> OutputTail);

/// <summary>Runs a shard with <c>dotnet test</c>, re-runs failures, and writes the merged results.</summary>
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

        var plan = PlanFile.Read(context.ResolvePath(inputs.Plan));
        if (inputs.Shard < 1 || inputs.Shard > plan.Shards.Count)
        {
            throw new InputException($"--shard: the plan has shards 1 to {plan.Shards.Count}, got {inputs.Shard}");
        }

        if (plan.By == "file")
        {
            throw new InputException("--plan: this plan places JUnit files, which their own tools run; run-tests runs .NET plans (by class or test)");
        }

        var arguments = ArgumentSplitter.Split(inputs.DotNetTestArgs, "--dotnet-test-args");
        var shard = plan.Shards[inputs.Shard - 1];
        var resultsDir = Path.Combine(context.ResolvePath(inputs.ResultsDir), $"shard-{inputs.Shard}");
        var started = context.Time.GetUtcNow();
        var ledger = new RunLedger();
        var failures = new List<InfrastructureFailure>();
        var invocations = 0;

        IReadOnlyList<TestCaseResult> Invoke(string filter, string title)
        {
            invocations++;
            session.Host.BeginGroup(title);
            var invocation = DotNetTestRunner.RunAsync(
                arguments, filter, Path.Combine(resultsDir, $"run-{invocations:D3}"), context.WorkingDirectory, context.Environment,
                line => session.Log.WriteLine(UntrustedText.ForLine(line)), cancellation).GetAwaiter().GetResult();
            session.Host.EndGroup();
            var results = invocation.ResultFiles.SelectMany(f => ResultFileReader.Read(f, Path.GetRelativePath(context.WorkingDirectory, f)).Results).ToList();

            // dotnet test exits non-zero for failed tests; without a failed test to show for it, the run itself broke.
            if (invocation.ExitCode != 0 && !results.Any(r => r.Outcome == TestOutcome.Failed))
            {
                failures.Add(new InfrastructureFailure(filter, invocation.ExitCode, invocation.OutputTail));
            }

            return results;
        }

        for (var i = 0; i < shard.Filters.Count; i++)
        {
            session.Host.SetProgress(100 * i / shard.Filters.Count, $"shard {inputs.Shard}: invocation {i + 1} of {shard.Filters.Count}");
            ledger.Record(0, Invoke(shard.Filters[i], $"dotnet test: shard {inputs.Shard}, part {i + 1} of {shard.Filters.Count}"));
        }

        // A shard that broke as a whole is not retried test by test: its failures say nothing about the tests.
        for (var attempt = 1; attempt <= inputs.Retries && failures.Count == 0 && ledger.Failing.Count > 0; attempt++)
        {
            var failing = ledger.Failing;
            foreach (var filter in ShardFilters.ForTests(failing))
            {
                ledger.Record(attempt, Invoke(filter, $"re-run {attempt} of {inputs.Retries}: {failing.Count} failed test(s)"));
            }
        }

        var finals = ledger.Finals();
        var merged = finals.SelectMany(f => f.Results).ToList();
        var trx = Path.Combine(resultsDir, $"shard-{inputs.Shard}.trx");
        var junit = Path.Combine(resultsDir, $"shard-{inputs.Shard}.xml");
        TrxWriter.Write(trx, $"pipelines run-tests shard {inputs.Shard} of {plan.Shards.Count}", merged, started, context.Time.GetUtcNow());
        JUnitWriter.Write(junit, $"shard {inputs.Shard} of {plan.Shards.Count}", merged,
            finals.Where(f => f.Verdict == TestVerdict.Flaky).ToDictionary(f => f.Id, f => f.FirstFailure!, StringComparer.Ordinal));

        var display = new[] { trx, junit }.Select(p => Path.GetRelativePath(context.WorkingDirectory, p).Replace('\\', '/')).ToList();
        return RunTestsReport.Build(inputs.Shard, plan.Shards.Count, finals, failures, display, invocations, plan.Order, plan.Seed);
    }
}

using Pipelines.Core.Planning;
using Pipelines.Core.TestResults;

namespace Pipelines.Core.Running;

/// <summary>One invocation that ended without results to explain it: a build error, a crashed test host.</summary>
public sealed record InfrastructureFailure(string Filter, int ExitCode, IReadOnlyList<string> OutputTail);

/// <summary>One test run to make: a filter, and where it stands in the shard's run.</summary>
/// <param name="Attempt">0 for the first run of the shard's parts, then the re-run's number.</param>
/// <param name="Part">The part (0-based) of the first run; for a re-run, the failing tests' count.</param>
public sealed record ShardInvocation(string Filter, int Attempt, int Part, int Parts, int Retries);

/// <summary>What one invocation left: the results it wrote, its exit code, and the end of its output.</summary>
public sealed record InvocationResult(IReadOnlyList<TestCaseResult> Results, int ExitCode, IReadOnlyList<string> OutputTail);

/// <summary>How a shard's run ended.</summary>
public enum ShardVerdict
{
    /// <summary>Every test passed (or was skipped).</summary>
    Passed,

    /// <summary>A test failed, then passed when re-run: reported, not red.</summary>
    Flaky,

    /// <summary>A test failed every time it ran.</summary>
    Red,

    /// <summary>A run broke without a failed test to show for it: a build error, a crashed test host.</summary>
    Infrastructure,
}

/// <summary>A shard's run: every test's verdict, the invocations that broke, how many invocations it took, and what it adds up to.</summary>
public sealed record ShardOutcome(IReadOnlyList<TestFinal> Finals, IReadOnlyList<InfrastructureFailure> Failures, int Invocations)
{
    public ShardVerdict Verdict =>
        Failures.Count > 0 ? ShardVerdict.Infrastructure
        : Finals.Any(f => f.Verdict == TestVerdict.Red) ? ShardVerdict.Red
        : Finals.Any(f => f.Verdict == TestVerdict.Flaky) ? ShardVerdict.Flaky
        : ShardVerdict.Passed;

    /// <summary>Green, flaky tests included: exit 0; red or broken: 1.</summary>
    public bool Passes => Verdict is ShardVerdict.Passed or ShardVerdict.Flaky;
}

/// <summary>
/// run-tests' decisions: run the shard's parts in planned order, then re-run what failed, up to the retries, to tell
/// flaky from red — but never a shard that broke as a whole, whose failures say nothing about the tests.
/// </summary>
public static class ShardRun
{
    /// <param name="invoke">Runs one filter (dotnet test) and reads its results.</param>
    public static ShardOutcome Run(IReadOnlyList<string> filters, int retries, Func<ShardInvocation, InvocationResult> invoke)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(invoke);
        var ledger = new RunLedger();
        var failures = new List<InfrastructureFailure>();
        var invocations = 0;
        IReadOnlyList<TestCaseResult> Invoke(ShardInvocation invocation)
        {
            invocations++;
            var result = invoke(invocation);

            // dotnet test exits non-zero for failed tests; without a failed test to show for it, the run itself broke.
            if (result.ExitCode != 0 && !result.Results.Any(r => r.Outcome == TestOutcome.Failed))
            {
                failures.Add(new InfrastructureFailure(invocation.Filter, result.ExitCode, result.OutputTail));
            }

            return result.Results;
        }

        for (var i = 0; i < filters.Count; i++)
        {
            ledger.Record(0, Invoke(new ShardInvocation(filters[i], 0, i, filters.Count, retries)));
        }

        for (var attempt = 1; attempt <= retries && failures.Count == 0 && ledger.Failing.Count > 0; attempt++)
        {
            var failing = ledger.Failing;
            foreach (var filter in ShardFilters.ForTests(failing))
            {
                ledger.Record(attempt, Invoke(new ShardInvocation(filter, attempt, failing.Count, filters.Count, retries)));
            }
        }

        return new ShardOutcome(ledger.Finals(), failures, invocations);
    }
}

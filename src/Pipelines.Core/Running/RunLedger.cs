using Pipelines.Core.TestResults;

namespace Pipelines.Core.Running;

/// <summary>What a test's attempts add up to.</summary>
public enum TestVerdict
{
    Passed,

    /// <summary>Failed, then passed when re-run: reported, not red (IMVU re-ran before calling a build red).</summary>
    Flaky,

    /// <summary>Failed every time it ran.</summary>
    Red,

    Skipped,
}

/// <summary>A test's verdict and the results of the last attempt that ran it (data rows are several results).</summary>
/// <param name="FirstFailure">The failure that made it flaky or red, for the report.</param>
public sealed record TestFinal(string Id, TestVerdict Verdict, IReadOnlyList<TestCaseResult> Results, TestCaseResult? FirstFailure, int Attempts);

/// <summary>
/// The attempts of one shard's run: the first run of every test, then re-runs of what failed. Which tests to
/// re-run and what each test's attempts mean are decided here, over plain results.
/// </summary>
public sealed class RunLedger
{
    private readonly Dictionary<string, List<(int Attempt, List<TestCaseResult> Results)>> _tests = new(StringComparer.Ordinal);

    /// <summary>Records the results of one attempt (0 = the first run).</summary>
    public void Record(int attempt, IEnumerable<TestCaseResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var group in results.GroupBy(r => r.Id, StringComparer.Ordinal))
        {
            if (!_tests.TryGetValue(group.Key, out var attempts))
            {
                _tests[group.Key] = attempts = [];
            }

            if (attempts.Count > 0 && attempts[^1].Attempt == attempt)
            {
                attempts[^1].Results.AddRange(group); // one attempt can span several invocations
            }
            else
            {
                attempts.Add((attempt, [.. group]));
            }
        }
    }

    /// <summary>Tests whose latest attempt failed: the ones to re-run next.</summary>
    public IReadOnlyList<string> Failing =>
        [.. _tests.Where(t => Failed(t.Value[^1].Results)).Select(t => t.Key).Order(StringComparer.Ordinal)];

    /// <summary>Every test's verdict, in id order.</summary>
    public IReadOnlyList<TestFinal> Finals() =>
        [.. _tests.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => Final(t.Key, t.Value))];

    private static TestFinal Final(string id, List<(int Attempt, List<TestCaseResult> Results)> attempts)
    {
        var last = attempts[^1].Results;
        var firstFailure = attempts.SelectMany(a => a.Results).FirstOrDefault(r => r.Outcome == TestOutcome.Failed);
        var verdict = Failed(last) ? TestVerdict.Red
            : firstFailure is not null ? TestVerdict.Flaky
            : last.All(r => r.Outcome == TestOutcome.Skipped) ? TestVerdict.Skipped
            : TestVerdict.Passed;
        return new TestFinal(id, verdict, last, firstFailure, attempts.Count);
    }

    private static bool Failed(List<TestCaseResult> results) => results.Any(r => r.Outcome == TestOutcome.Failed);
}

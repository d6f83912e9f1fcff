using Pipelines.Core.Running;
using Pipelines.Core.TestResults;

namespace Pipelines.Core.Tests.Running;

/// <summary>run-tests' decisions over a fake dotnet test: parts in order, re-runs of what failed, a broken run never re-run.</summary>
[TestClass]
public sealed class ShardRunTests
{
    private static TestCaseResult R(string id, TestOutcome outcome) => new(id, "N.C", null, 1, outcome);

    [TestMethod]
    public void Parts_run_in_order_then_only_the_failing_tests_are_re_run_and_a_pass_on_a_re_run_is_flaky()
    {
        var calls = new List<ShardInvocation>();
        var outcome = ShardRun.Run(["part1", "part2"], retries: 2, call =>
        {
            calls.Add(call);
            return call.Attempt == 0
                ? call.Filter == "part1"
                    ? new InvocationResult([R("N.C.A", TestOutcome.Failed), R("N.C.B", TestOutcome.Passed)], 1, [])
                    : new InvocationResult([R("N.C.D", TestOutcome.Passed)], 0, [])
                : new InvocationResult([R("N.C.A", TestOutcome.Passed)], 0, []);
        });

        CollectionAssert.AreEqual(new[] { "part1", "part2" }, calls.Take(2).Select(c => c.Filter).ToArray());
        Assert.HasCount(3, calls, "one re-run, then nothing failed");
        Assert.AreEqual(1, calls[2].Attempt);
        Assert.AreEqual(1, calls[2].Part, "a re-run names how many tests failed");
        Assert.AreEqual(ShardVerdict.Flaky, outcome.Verdict);
        Assert.IsTrue(outcome.Passes);
        Assert.AreEqual(3, outcome.Invocations);
    }

    [TestMethod]
    public void A_test_that_fails_every_re_run_is_red_and_the_shard_does_not_pass()
    {
        var outcome = ShardRun.Run(["all"], retries: 2, _ => new InvocationResult([R("N.C.A", TestOutcome.Failed)], 1, []));

        Assert.AreEqual(ShardVerdict.Red, outcome.Verdict);
        Assert.IsFalse(outcome.Passes);
        Assert.AreEqual(3, outcome.Invocations, "the run and two re-runs");
    }

    [TestMethod]
    public void A_run_that_broke_without_a_failed_test_is_infrastructure_and_nothing_is_re_run()
    {
        var outcome = ShardRun.Run(["part1", "part2"], retries: 2, call => call.Filter == "part1"
            ? new InvocationResult([R("N.C.A", TestOutcome.Failed)], 1, [])
            : new InvocationResult([], 134, ["Test host process crashed"]));

        Assert.AreEqual(ShardVerdict.Infrastructure, outcome.Verdict);
        Assert.AreEqual("part2", outcome.Failures.Single().Filter);
        Assert.AreEqual(2, outcome.Invocations, "a shard that broke as a whole is not retried test by test");
        Assert.IsFalse(outcome.Passes);
    }

    [TestMethod]
    public void Every_test_passing_passes()
    {
        var outcome = ShardRun.Run(["all"], retries: 2, _ => new InvocationResult([R("N.C.A", TestOutcome.Passed), R("N.C.S", TestOutcome.Skipped)], 0, []));

        Assert.AreEqual(ShardVerdict.Passed, outcome.Verdict);
        Assert.AreEqual(1, outcome.Invocations);
    }
}

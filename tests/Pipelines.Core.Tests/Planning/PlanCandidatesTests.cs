using Pipelines.Core.Errors;
using Pipelines.Core.Planning;
using Pipelines.Core.Selection;
using Pipelines.Core.TestResults;

namespace Pipelines.Core.Tests.Planning;

/// <summary>plan-tests' choices before the planner: which tests, grouped how, which units restricted, and the seed.</summary>
[TestClass]
public sealed class PlanCandidatesTests
{
    private static TimingHistory History(params TestCaseResult[] results)
    {
        var history = new TimingHistory();
        history.Add(new TestRunResults("run", DateTimeOffset.UnixEpoch, results));
        return history;
    }

    [TestMethod]
    public void Built_tests_come_first_each_test_once_and_history_adds_the_ones_not_built()
    {
        var history = History(new TestCaseResult("N.C.A", "N.C", null, 3, TestOutcome.Passed, Source: "App.Tests.dll"),
            new TestCaseResult("N.Old.B", "N.Old", null, 2, TestOutcome.Passed, Source: "App.Tests.dll"));
        DiscoveredTest[] built = [new("App.Tests.dll", "N.C", "A", "mstest", []), new("App.Tests.dll", "N.C", "New", "mstest", [])];

        var candidates = PlanCandidates.Merge(built, history, new PlanScope([], string.Empty));

        CollectionAssert.AreEqual(new[] { "N.C.A", "N.C.New", "N.Old.B" }, candidates.Select(c => c.Test.Id).ToArray());
        Assert.IsTrue(candidates.All(c => c.Reach == UnitReach.Whole));
    }

    [TestMethod]
    public void A_listed_test_is_planned_as_given_with_its_class_from_history_or_its_name()
    {
        var history = History(new TestCaseResult("N.C.A", "N.C", "a.js", 3, TestOutcome.Passed));

        var candidates = PlanCandidates.Listed(["N.C.A", "# a comment", "  ", "Other.Test"], history);

        CollectionAssert.AreEqual(new[] { "N.C", "Other" }, candidates.Select(c => c.Test.ClassName).ToArray());
        Assert.AreEqual("a.js", candidates[0].Test.File);
    }

    [TestMethod]
    public void Tests_known_only_by_file_with_no_assembly_are_planned_by_file_else_by_class()
    {
        var junit = History(new TestCaseResult("suite.case", "suite", "spec/a.js", 1, TestOutcome.Passed));
        var dotnet = History(new TestCaseResult("N.C.A", "N.C", null, 1, TestOutcome.Passed, Source: "App.Tests.dll"));

        Assert.AreEqual(PlanBy.File, PlanCandidates.DefaultBy(junit, PlanCandidates.Merge([], junit, new PlanScope([], string.Empty))));
        Assert.AreEqual(PlanBy.Class, PlanCandidates.DefaultBy(dotnet, PlanCandidates.Merge([], dotnet, new PlanScope([], string.Empty))));
        Assert.AreEqual(PlanBy.Class, PlanCandidates.DefaultBy(dotnet, []));
    }

    [TestMethod]
    public void The_seed_is_the_one_given_else_the_ci_commit_else_head_else_fixed_and_says_where_it_came_from()
    {
        const string sha = "0123456789abcdef0123456789abcdef01234567";
        var headAsked = false;

        Assert.AreEqual((42UL, "--seed"), PlanCandidates.Seed("42", (sha, "GITHUB_SHA"), () => throw new InvalidOperationException()));
        Assert.AreEqual($"commit 0123456789 (GITHUB_SHA)", PlanCandidates.Seed(null, (sha, "GITHUB_SHA"), () => { headAsked = true; return null; }).Source);
        Assert.IsFalse(headAsked, "HEAD is asked only without a CI commit");
        Assert.AreEqual("commit 0123456789 (HEAD)", PlanCandidates.Seed(null, null, () => sha).Source);
        Assert.AreEqual((0UL, "fixed: no commit to derive it from (pass --seed)"), PlanCandidates.Seed(null, null, () => null));
        StringAssert.StartsWith(Assert.ThrowsExactly<InputException>(() => PlanCandidates.Seed("-1", null, () => null)).Message, "--seed: expected a whole number");
    }
}

using Pipelines.Core.Planning;
using Pipelines.Core.TestResults;

namespace Pipelines.Core.Tests.Planning;

[TestClass]
public sealed class PlanUnitsTests
{
    private static TestCaseResult Result(string id, double seconds, TestOutcome outcome = TestOutcome.Passed) =>
        new(id, id[..id.LastIndexOf('.')], null, seconds, outcome);

    private static TimingHistory History(params TestRunResults[] runs)
    {
        var history = new TimingHistory();
        foreach (var run in runs)
        {
            history.Add(run);
        }

        return history;
    }

    [TestMethod]
    public void A_tests_estimate_is_the_median_of_its_recent_runs()
    {
        var history = History(
            new TestRunResults("1", null, [Result("A.B.C", 1)]),
            new TestRunResults("2", null, [Result("A.B.C", 100)]),
            new TestRunResults("3", null, [Result("A.B.C", 2)]));

        Assert.AreEqual(2, history.Find("A.B.C")!.Estimate);
    }

    [TestMethod]
    public void Only_the_most_recent_runs_count()
    {
        var runs = new[] { 50.0, 50, 50, 1, 1, 1, 1, 1 }.Select((s, i) => new TestRunResults($"{i}", null, [Result("A.B.C", s)])).ToArray();

        var timing = History(runs).Find("A.B.C")!;

        Assert.HasCount(TimingHistory.MaxSamples, timing.Seconds);
        Assert.AreEqual(1, timing.Estimate);
    }

    [TestMethod]
    public void Data_rows_of_one_test_add_up_and_skipped_tests_say_nothing_about_time()
    {
        var history = History(new TestRunResults("1", null, [Result("A.B.Row", 1), Result("A.B.Row", 2), Result("A.B.Skip", 0, TestOutcome.Skipped)]));

        Assert.AreEqual(3, history.Find("A.B.Row")!.Estimate);
        Assert.IsNull(history.Find("A.B.Skip"));
    }

    [TestMethod]
    public void Units_group_tests_by_class_and_add_up_their_estimates()
    {
        var history = History(new TestRunResults("1", null, [Result("N.A.One", 1), Result("N.A.Two", 2), Result("N.B.One", 4)]));
        TestToPlan[] tests = [new("N.A.One", "N.A"), new("N.B.One", "N.B"), new("N.A.Two", "N.A")];

        var units = PlanUnits.Build(tests, history, PlanBy.Class, null);

        CollectionAssert.AreEqual(new[] { "N.A", "N.B" }, units.Select(u => u.Id).ToArray());
        CollectionAssert.AreEqual(new[] { 3.0, 4 }, units.Select(u => u.Seconds).ToArray());
    }

    [TestMethod]
    public void Tests_never_seen_are_planned_with_the_declared_default_and_never_dropped()
    {
        var history = History(new TestRunResults("1", null, [Result("N.A.One", 10)]));
        TestToPlan[] tests = [new("N.A.One", "N.A"), new("N.New.One", "N.New")];

        var units = PlanUnits.Build(tests, history, PlanBy.Class, defaultUnitSeconds: 30);

        Assert.AreEqual(30, units.Single(u => u.Id == "N.New").Seconds);
        Assert.IsTrue(units.Single(u => u.Id == "N.New").Estimated);
    }

    [TestMethod]
    public void Without_a_declared_default_an_unknown_unit_gets_the_median_of_the_known_units()
    {
        var history = History(new TestRunResults("1", null, [Result("N.A.One", 1), Result("N.B.One", 5), Result("N.C.One", 9)]));
        TestToPlan[] tests = [new("N.A.One", "N.A"), new("N.B.One", "N.B"), new("N.C.One", "N.C"), new("N.New.One", "N.New")];

        var units = PlanUnits.Build(tests, history, PlanBy.Class, null);

        Assert.AreEqual(5, units.Single(u => u.Id == "N.New").Seconds);
    }

    [TestMethod]
    public void A_new_test_in_a_known_class_adds_the_median_test_time()
    {
        var history = History(new TestRunResults("1", null, [Result("N.A.One", 2), Result("N.A.Two", 4), Result("N.A.Three", 6)]));
        TestToPlan[] tests = [new("N.A.One", "N.A"), new("N.A.Two", "N.A"), new("N.A.Three", "N.A"), new("N.A.New", "N.A")];

        var units = PlanUnits.Build(tests, history, PlanBy.Class, null);

        Assert.AreEqual(2 + 4 + 6 + 4, units.Single().Seconds);
        Assert.IsFalse(units.Single().Estimated);
    }

    [TestMethod]
    public void With_no_history_at_all_every_unit_weighs_the_same()
    {
        TestToPlan[] tests = [new("N.A.One", "N.A"), new("N.B.One", "N.B")];

        var units = PlanUnits.Build(tests, new TimingHistory(), PlanBy.Class, null);

        Assert.IsTrue(units.All(u => u.Seconds == PlanUnits.NoHistorySeconds));
    }

    [TestMethod]
    public void By_file_groups_junit_suites_by_their_file_and_falls_back_to_the_class()
    {
        Assert.AreEqual("src/a.test.ts", PlanUnits.UnitOf(new TestToPlan("suite.case", "suite", "src/a.test.ts"), PlanBy.File));
        Assert.AreEqual("suite", PlanUnits.UnitOf(new TestToPlan("suite.case", "suite"), PlanBy.File));
        Assert.AreEqual("suite.case", PlanUnits.UnitOf(new TestToPlan("suite.case", "suite"), PlanBy.Test));
    }
}

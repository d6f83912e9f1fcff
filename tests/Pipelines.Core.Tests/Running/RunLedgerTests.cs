using Pipelines.Core.Planning;
using Pipelines.Core.Running;
using Pipelines.Core.TestResults;

namespace Pipelines.Core.Tests.Running;

[TestClass]
public sealed class RunLedgerTests
{
    private static TestCaseResult R(string id, TestOutcome outcome, string? message = null) => new(id, "N.C", null, 1, outcome, message);

    [TestMethod]
    public void A_test_that_fails_and_then_passes_is_flaky_and_keeps_its_first_failure()
    {
        var ledger = new RunLedger();
        ledger.Record(0, [R("N.C.A", TestOutcome.Failed, "boom"), R("N.C.B", TestOutcome.Passed)]);
        CollectionAssert.AreEqual(new[] { "N.C.A" }, ledger.Failing.ToArray());
        ledger.Record(1, [R("N.C.A", TestOutcome.Passed)]);

        var finals = ledger.Finals().ToDictionary(f => f.Id);

        Assert.AreEqual(TestVerdict.Flaky, finals["N.C.A"].Verdict);
        Assert.AreEqual("boom", finals["N.C.A"].FirstFailure!.Message);
        Assert.AreEqual(2, finals["N.C.A"].Attempts);
        Assert.AreEqual(TestVerdict.Passed, finals["N.C.B"].Verdict);
        Assert.IsEmpty(ledger.Failing);
    }

    [TestMethod]
    public void A_test_that_fails_every_time_is_red()
    {
        var ledger = new RunLedger();
        ledger.Record(0, [R("N.C.A", TestOutcome.Failed)]);
        ledger.Record(1, [R("N.C.A", TestOutcome.Failed)]);
        ledger.Record(2, [R("N.C.A", TestOutcome.Failed)]);

        Assert.AreEqual(TestVerdict.Red, ledger.Finals().Single().Verdict);
        Assert.AreEqual(3, ledger.Finals().Single().Attempts);
    }

    [TestMethod]
    public void A_failed_test_the_retry_did_not_run_stays_red()
    {
        var ledger = new RunLedger();
        ledger.Record(0, [R("N.C.A", TestOutcome.Failed)]);
        ledger.Record(1, []);

        Assert.AreEqual(TestVerdict.Red, ledger.Finals().Single().Verdict);
    }

    [TestMethod]
    public void Rows_of_one_data_driven_test_fail_it_together_and_results_of_one_attempt_add_up()
    {
        var ledger = new RunLedger();
        ledger.Record(0, [R("N.C.Rows", TestOutcome.Passed), R("N.C.Rows", TestOutcome.Failed)]);
        ledger.Record(0, [R("N.C.Other", TestOutcome.Skipped)]);

        var finals = ledger.Finals().ToDictionary(f => f.Id);

        Assert.AreEqual(TestVerdict.Red, finals["N.C.Rows"].Verdict);
        Assert.HasCount(2, finals["N.C.Rows"].Results);
        Assert.AreEqual(TestVerdict.Skipped, finals["N.C.Other"].Verdict);
    }

    [TestMethod]
    public void Retry_filters_match_the_exact_test_or_its_parameterized_cases()
    {
        var filters = ShardFilters.ForTests(["N.C.A", "N.C.B(x)"]);

        Assert.AreEqual(@"FullyQualifiedName=N.C.A|FullyQualifiedName~N.C.A\(|FullyQualifiedName=N.C.B\(x\)|FullyQualifiedName~N.C.B\(x\)\(", filters.Single());
    }
}

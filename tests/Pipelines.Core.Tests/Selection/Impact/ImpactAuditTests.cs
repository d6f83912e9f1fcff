using Pipelines.Core.Selection.Impact;
using Pipelines.Core.TestResults;

namespace Pipelines.Core.Tests.Selection.Impact;

[TestClass]
public sealed class ImpactAuditTests
{
    private static readonly ImpactSelection Selection = new(true, null, new string('1', 40), 2, 3,
    [
        new ImpactProjectSelection("tests/Shop.Tests/Shop.Tests.csproj", false, "narrowed", ["Shop.Tests.CartTests.Adds"], ["Shop.Tests.TaxTests"], 10),
        new ImpactProjectSelection("tests/Web.Tests/Web.Tests.csproj", true, "a data file changed", [], [], 5),
    ], new Dictionary<string, string>());

    private static TestCaseResult Failed(string id, string? source) =>
        new(id, id[..id.LastIndexOf('.')], null, 0.1, TestOutcome.Failed, Source: source);

    [TestMethod]
    public void A_failure_the_selection_ran_is_not_a_miss()
    {
        var audit = ImpactAudit.Check(Selection,
        [
            Failed("Shop.Tests.CartTests.Adds", "/w/tests/Shop.Tests/bin/Debug/net10.0/Shop.Tests.dll"),
            Failed("Shop.Tests.TaxTests.New", "/w/tests/Shop.Tests/bin/Debug/net10.0/Shop.Tests.dll"),
            Failed("Web.Tests.PageTests.Renders", "/w/tests/Web.Tests/bin/Debug/net10.0/Web.Tests.dll"),
        ]);

        Assert.IsEmpty(audit.Missed);
        Assert.AreEqual(3, audit.Failures);
    }

    [TestMethod]
    public void A_failure_outside_the_selection_is_reported_with_its_assembly()
    {
        var audit = ImpactAudit.Check(Selection,
        [
            Failed("Shop.Tests.CartTests.Empties", "/w/tests/Shop.Tests/bin/Debug/net10.0/Shop.Tests.dll"),
            Failed("Shop.Tests.TaxTestsExtra.Rounds", "/w/tests/Shop.Tests/bin/Debug/net10.0/Shop.Tests.dll"),
            Failed("Billing.Tests.InvoiceTests.Totals", "/w/tests/Billing.Tests/bin/Debug/net10.0/Billing.Tests.dll"),
            new TestCaseResult("Shop.Tests.PriceTests.Passes", "Shop.Tests.PriceTests", null, 0.1, TestOutcome.Passed),
        ]);

        var missed = audit.Missed;
        Assert.AreEqual(3, audit.Failures, "a passed test is no failure");
        CollectionAssert.AreEqual(
            new[] { "Billing.Tests.InvoiceTests.Totals", "Shop.Tests.CartTests.Empties", "Shop.Tests.TaxTestsExtra.Rounds" },
            missed.Select(m => m.Test).ToArray());
        StringAssert.EndsWith(missed[0].Source, "Billing.Tests.dll");
    }
}

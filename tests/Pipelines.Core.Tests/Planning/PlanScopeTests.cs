using Pipelines.Core.Planning;
using Pipelines.Core.Selection;

namespace Pipelines.Core.Tests.Planning;

[TestClass]
public sealed class PlanScopeTests
{
    [TestMethod]
    public void A_category_filter_reads_back_into_its_categories_escapes_included()
    {
        var categories = TestFilter.CategoriesIn(@"TestCategory=billing|Category=smoke|TestCategory=a\|b");

        CollectionAssert.AreEquivalent(new[] { "billing", "smoke", "a|b" }, categories!.ToArray());
    }

    [TestMethod]
    [DataRow("FullyQualifiedName~Shop.")]
    [DataRow("TestCategory=a&Priority=1")]
    [DataRow("(TestCategory=a)")]
    [DataRow("TestCategory!=a")]
    [DataRow("TestCategory=")]
    public void Any_other_filter_is_left_to_the_test_framework(string filter)
    {
        Assert.IsNull(TestFilter.CategoriesIn(filter));
    }

    [TestMethod]
    public void Selected_projects_run_whole_and_tagged_tests_elsewhere_only_under_the_filter()
    {
        var scope = new PlanScope(["tests/Shop.Billing.Tests/Shop.Billing.Tests.csproj"], "TestCategory=smoke");

        Assert.AreEqual(UnitReach.Whole, scope.Of(@"C:\b\Shop.Billing.Tests.dll", ["billing"]));
        Assert.AreEqual(UnitReach.Restricted, scope.Of("/b/Shop.Web.Tests.dll", ["smoke", "web"]));
        Assert.AreEqual(UnitReach.Out, scope.Of("/b/Shop.Web.Tests.dll", ["web"]));
        Assert.AreEqual(UnitReach.Restricted, scope.Of("/b/Shop.Web.Tests.dll", null), "unknown categories: the filter decides at run time");
    }

    [TestMethod]
    public void Projects_alone_leave_every_other_test_out_and_no_selection_takes_everything()
    {
        var scope = new PlanScope(["tests/Shop.Billing.Tests/Shop.Billing.Tests.csproj"], "");

        Assert.AreEqual(UnitReach.Out, scope.Of("/b/Shop.Web.Tests.dll", ["smoke"]));
        Assert.AreEqual(UnitReach.Whole, PlanScope.Everything.Of(null, null));
    }
}

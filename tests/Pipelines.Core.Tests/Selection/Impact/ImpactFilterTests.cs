using Pipelines.Core.Selection.Impact;

namespace Pipelines.Core.Tests.Selection.Impact;

[TestClass]
public sealed class ImpactFilterTests
{
    private static ImpactProjectSelection Selection(string[] tests, string[]? classes = null, bool whole = false) =>
        new("tests/A/A.csproj", whole, "why", tests, classes ?? [], tests.Length);

    [TestMethod]
    public void Tests_are_named_exactly_and_the_filter_grammars_operators_in_names_are_escaped()
    {
        var batches = ImpactFilter.Batches(Selection(["A.Tests.Prices.Round", "A.Tests.Prices.Case(1,\"a|b\")"]));

        CollectionAssert.AreEqual(
            new[] { "FullyQualifiedName=A.Tests.Prices.Round|FullyQualifiedName=A.Tests.Prices.Case\\(1,\"a\\|b\"\\)" }, batches.ToArray());
    }

    [TestMethod]
    public void Batches_stay_under_the_limit_and_together_name_every_test()
    {
        var tests = Enumerable.Range(0, 500).Select(i => $"Some.Long.Namespace.Tests.Class{i / 10}.Test_number_{i}").ToList();

        var batches = ImpactFilter.Batches(Selection([.. tests]), maxChars: 1000);

        Assert.IsGreaterThan(1, batches.Count);
        Assert.IsTrue(batches.All(b => b.Length <= 1000), "every batch fits");
        var named = batches.SelectMany(b => b.Split('|')).Select(t => t["FullyQualifiedName=".Length..]).ToList();
        CollectionAssert.AreEqual(tests, named);
    }

    [TestMethod]
    public void A_whole_project_needs_no_filter()
    {
        Assert.IsEmpty(ImpactFilter.Batches(Selection([], whole: true)));
    }

    [TestMethod]
    public void A_class_term_covers_the_classs_tests_and_no_others()
    {
        var batches = ImpactFilter.Batches(Selection(["Shop.CartTests.Adds", "Shop.CartTestsExtra.Adds"], ["Shop.CartTests"]));

        CollectionAssert.AreEqual(new[] { "FullyQualifiedName~Shop.CartTests.|FullyQualifiedName=Shop.CartTestsExtra.Adds" }, batches.ToArray());
    }

    [TestMethod]
    public void A_name_longer_than_a_batch_gets_a_batch_of_its_own()
    {
        var huge = "A.B.C(" + new string('x', 300) + ")";

        var batches = ImpactFilter.Batches(Selection(["A.B.D", huge, "A.B.E"]), maxChars: 100);

        Assert.HasCount(3, batches);
        StringAssert.Contains(batches[1], "xxx");
    }
}

using Pipelines.Core.Planning;

namespace Pipelines.Core.Tests.Planning;

[TestClass]
public sealed class ShardFiltersTests
{
    private static readonly HashSet<string> None = [];

    private static List<PlacedUnit> Units(params string[] ids) => [.. ids.Select(id => new PlacedUnit(id, 1, false))];

    [TestMethod]
    public void Classes_are_matched_by_name_prefix_with_a_trailing_dot()
    {
        var filters = ShardFilters.Build(Units("Shop.BillingTests", "Shop.WebTests"), PlanBy.Class, "", None);

        CollectionAssert.AreEqual(new[] { "FullyQualifiedName~Shop.BillingTests.|FullyQualifiedName~Shop.WebTests." }, filters.ToArray());
    }

    [TestMethod]
    public void Tests_are_matched_by_exact_name_with_filter_characters_escaped()
    {
        var filters = ShardFilters.Build(Units("Shop.Tests.Adds(1,2)"), PlanBy.Test, "", None);

        Assert.AreEqual(@"FullyQualifiedName=Shop.Tests.Adds\(1,2\)", filters.Single());
    }

    [TestMethod]
    public void Units_reached_only_through_a_category_run_only_that_category()
    {
        var filters = ShardFilters.Build(Units("A.InProject", "B.Tagged"), PlanBy.Class, "TestCategory=billing", new HashSet<string> { "B.Tagged" });

        Assert.AreEqual("FullyQualifiedName~A.InProject.|(FullyQualifiedName~B.Tagged.)&(TestCategory=billing)", filters.Single());
    }

    [TestMethod]
    public void A_long_shard_is_split_into_consecutive_filters_within_the_limit_keeping_the_order()
    {
        var ids = Enumerable.Range(0, 500).Select(i => $"Namespace.Of.Some.Length.Class{i:D4}").ToArray();
        var restricted = ids.Where((_, i) => i % 3 == 0).ToHashSet();

        var filters = ShardFilters.Build(Units(ids), PlanBy.Class, "TestCategory=a|TestCategory=b", restricted, maxLength: 2_000);

        Assert.IsGreaterThan(1, filters.Count);
        Assert.IsTrue(filters.All(f => f.Length <= 2_000), string.Join("\n", filters.Select(f => f.Length)));
        // Filters run one after another, so each must hold the next stretch of the planned order.
        var chunks = filters.Select(f => System.Text.RegularExpressions.Regex.Matches(f, @"Class(\d{4})").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList()).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, ids.Length).ToList(), chunks.SelectMany(c => c).ToList());
    }
}

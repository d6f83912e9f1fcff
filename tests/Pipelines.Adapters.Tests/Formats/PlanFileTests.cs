using Pipelines.Adapters.Formats;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Formats;

[TestClass]
public sealed class PlanFileTests
{
    private static readonly PlanJson Plan = new(PlanJson.CurrentFormat, "7", "--seed", "test", "random", 1.5, 2.25, int.MaxValue, 1, "TestCategory!=slow",
        [new PlanShardJson(1, 2.25, [new PlanUnitJson("Shop.Tests.Größe\"Quoted", 2.25, true, false)], ["FullyQualifiedName=Shop.Tests.Größe\\\"Quoted"])],
        ["1 unit had no timing"]);

    [TestMethod]
    public void A_plan_reads_back_as_it_was_written()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "plan.json");
        PlanFile.Write(path, Plan);

        var read = PlanFile.Read(path);

        Assert.AreEqual(Plan with { Shards = [], Warnings = [] }, read with { Shards = [], Warnings = [] });
        Assert.AreEqual(Plan.Shards[0] with { Units = [], Filters = [] }, read.Shards[0] with { Units = [], Filters = [] });
        Assert.AreEqual(Plan.Shards[0].Units[0], read.Shards[0].Units[0]);
        CollectionAssert.AreEqual(Plan.Shards[0].Filters.ToList(), read.Shards[0].Filters.ToList());
        CollectionAssert.AreEqual(Plan.Warnings.ToList(), read.Warnings.ToList());
    }

    [TestMethod]
    public void A_missing_plan_names_the_path_the_user_gave()
    {
        var error = Assert.ThrowsExactly<InputException>(() => PlanFile.Read("/no/such/dir/plan.json", "plan.json"));

        Assert.AreEqual("--plan: no plan file at plan.json; run 'pipelines plan-tests' first and pass its 'plan' output", error.Message);
    }
}

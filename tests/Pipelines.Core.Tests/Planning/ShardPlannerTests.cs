using Pipelines.Core.Errors;
using Pipelines.Core.Globbing;
using Pipelines.Core.Planning;

namespace Pipelines.Core.Tests.Planning;

[TestClass]
public sealed class ShardPlannerTests
{
    private static List<PlanUnit> Units(params double[] seconds) =>
        [.. seconds.Select((s, i) => new PlanUnit($"Unit{i}", s, false, i))];

    private static PlanOptions Options(PlanOrder order = PlanOrder.SlowestFirst, ulong seed = 1, Dictionary<string, IReadOnlyList<string>>? dependencies = null, params string[] fixedOrder) =>
        new(order, seed, dependencies ?? [], GlobSet.Compile(fixedOrder));

    private static string Describe(TestPlan plan) =>
        string.Join(" | ", plan.Shards.Select(s => $"{s.Index}:{s.PredictedSeconds}:" + string.Join(",", s.Units.Select(u => u.Id))));

    [TestMethod]
    public void Every_unit_is_placed_exactly_once()
    {
        var units = Units(7, 3, 9, 1, 1, 4, 2, 8);

        var plan = ShardPlanner.Plan(units, PlanBy.Class, 3, Options());

        CollectionAssert.AreEquivalent(units.Select(u => u.Id).ToList(), plan.Shards.SelectMany(s => s.Units).Select(u => u.Id).ToList());
        Assert.AreEqual(35, plan.TotalSeconds, 1e-9);
    }

    [TestMethod]
    public void The_lower_bound_is_the_larger_of_an_even_split_and_the_longest_unit()
    {
        Assert.AreEqual(10, ShardPlanner.Plan(Units(10, 1, 1), PlanBy.Class, 2, Options()).LowerBoundSeconds);
        Assert.AreEqual(6, ShardPlanner.Plan(Units(3, 3, 3, 3), PlanBy.Class, 2, Options()).LowerBoundSeconds);
    }

    [TestMethod]
    public void The_local_pass_repairs_what_longest_first_leaves_behind()
    {
        // Longest-first alone gives {5,3} and {4,3,3}: 10. Swapping a 4 for a 3 gives 9 and 9, the optimum.
        var plan = ShardPlanner.Plan(Units(5, 4, 3, 3, 3), PlanBy.Class, 2, Options());

        Assert.AreEqual(9, plan.PredictedMakespanSeconds, 1e-9);
    }

    [TestMethod]
    public void The_classic_worst_case_of_longest_first_reaches_the_optimum()
    {
        // Longest-first: {3,2,2} = 7 and {3,2} = 5; the optimum is {3,3} and {2,2,2}: 6.
        var plan = ShardPlanner.Plan(Units(3, 3, 2, 2, 2), PlanBy.Class, 2, Options());

        Assert.AreEqual(6, plan.PredictedMakespanSeconds, 1e-9);
    }

    [TestMethod]
    public void Equal_inputs_give_equal_plans()
    {
        var units = Units(3.5, 1.25, 9, 9, 0.5, 4, 4, 2, 7, 7, 1);

        Assert.AreEqual(Describe(ShardPlanner.Plan(units, PlanBy.Class, 4, Options())), Describe(ShardPlanner.Plan(units, PlanBy.Class, 4, Options())));
    }

    [TestMethod]
    public void Slowest_first_runs_the_longest_units_first_on_each_shard()
    {
        var plan = ShardPlanner.Plan(Units(1, 5, 3, 4, 2), PlanBy.Class, 1, Options());

        CollectionAssert.AreEqual(new[] { 5.0, 4, 3, 2, 1 }, plan.Shards[0].Units.Select(u => u.Seconds).ToArray());
    }

    [TestMethod]
    public void Declared_order_keeps_the_order_the_tests_were_given_in()
    {
        var plan = ShardPlanner.Plan(Units(1, 5, 3, 4, 2), PlanBy.Class, 1, Options(PlanOrder.Declared));

        CollectionAssert.AreEqual(new[] { "Unit0", "Unit1", "Unit2", "Unit3", "Unit4" }, plan.Shards[0].Units.Select(u => u.Id).ToArray());
    }

    [TestMethod]
    public void The_same_seed_replays_the_same_order_and_another_seed_gives_another()
    {
        var units = Units([.. Enumerable.Repeat(1.0, 20)]);

        var first = ShardPlanner.Plan(units, PlanBy.Class, 1, Options(PlanOrder.Random, seed: 42));
        var again = ShardPlanner.Plan(units, PlanBy.Class, 1, Options(PlanOrder.Random, seed: 42));
        var other = ShardPlanner.Plan(units, PlanBy.Class, 1, Options(PlanOrder.Random, seed: 43));

        Assert.AreEqual(Describe(first), Describe(again));
        Assert.AreNotEqual(Describe(first), Describe(other));
        Assert.AreNotEqual(string.Join(",", units.Select(u => u.Id)), string.Join(",", first.Shards[0].Units.Select(u => u.Id)), "a shuffle of 20 that changes nothing");
    }

    [TestMethod]
    public void Units_that_opt_out_of_the_shuffle_run_first_in_declared_order()
    {
        var units = new List<PlanUnit>
        {
            new("App.Tests.A", 1, false, 0),
            new("Legacy.Tests.Second", 1, false, 1),
            new("App.Tests.B", 1, false, 2),
            new("Legacy.Tests.First", 1, false, 3),
            new("App.Tests.C", 1, false, 4),
        };

        var plan = ShardPlanner.Plan(units, PlanBy.Class, 1, Options(PlanOrder.Random, 7, null, "Legacy.*"));

        CollectionAssert.AreEqual(new[] { "Legacy.Tests.Second", "Legacy.Tests.First" }, plan.Shards[0].Units.Take(2).Select(u => u.Id).ToArray());
    }

    [TestMethod]
    public void A_dependent_unit_runs_on_its_prerequisites_shard_after_it()
    {
        var units = Units(5, 5, 5, 5, 1, 9);
        var dependencies = new Dictionary<string, IReadOnlyList<string>> { ["Unit5"] = ["Unit4"], ["Unit0"] = ["Unit5"] };

        foreach (var order in Enum.GetValues<PlanOrder>())
        {
            var plan = ShardPlanner.Plan(units, PlanBy.Class, 3, Options(order, dependencies: dependencies));

            var shard = plan.Shards.Single(s => s.Units.Any(u => u.Id == "Unit4"));
            var ids = shard.Units.Select(u => u.Id).ToList();
            Assert.IsTrue(ids.IndexOf("Unit4") < ids.IndexOf("Unit5") && ids.IndexOf("Unit5") < ids.IndexOf("Unit0"), $"{order}: {string.Join(",", ids)}");
        }
    }

    [TestMethod]
    public void A_dependency_cycle_is_bad_input_that_names_the_cycle()
    {
        var dependencies = new Dictionary<string, IReadOnlyList<string>> { ["Unit0"] = ["Unit1"], ["Unit1"] = ["Unit2"], ["Unit2"] = ["Unit0"] };

        var error = Assert.ThrowsExactly<InputException>(() => ShardPlanner.Plan(Units(1, 1, 1), PlanBy.Class, 2, Options(dependencies: dependencies)));

        StringAssert.Contains(error.Message, "tests.plan.dependencies");
        StringAssert.Contains(error.Message, "Unit0 → Unit1 → Unit2 → Unit0");
    }

    [TestMethod]
    public void A_prerequisite_outside_the_plan_is_a_warning_not_an_error()
    {
        var dependencies = new Dictionary<string, IReadOnlyList<string>> { ["Unit0"] = ["Gone"] };

        var plan = ShardPlanner.Plan(Units(1, 1), PlanBy.Class, 2, Options(dependencies: dependencies));

        Assert.HasCount(1, plan.Warnings);
        StringAssert.Contains(plan.Warnings[0], "'Gone'");
    }

    [TestMethod]
    public void More_shards_than_units_leaves_some_shards_empty_but_present()
    {
        var plan = ShardPlanner.Plan(Units(2, 1), PlanBy.Class, 4, Options());

        Assert.HasCount(4, plan.Shards);
        Assert.AreEqual(2, plan.Shards.Count(s => s.Units.Count == 0));
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, plan.Shards.Select(s => s.Index).ToArray());
    }

    [TestMethod]
    public void Planning_for_a_target_time_picks_the_fewest_shards_that_meet_it()
    {
        var units = Units([.. Enumerable.Repeat(60.0, 10)]); // ten one-minute units

        var plan = ShardPlanner.PlanWithin(units, PlanBy.Class, targetSeconds: 180, maxShards: 50, Options());

        Assert.HasCount(4, plan.Shards); // 3 shards would need 4 minutes
        Assert.AreEqual(180, plan.PredictedMakespanSeconds, 1e-9);
    }

    [TestMethod]
    public void An_unreachable_target_uses_the_most_shards_allowed_and_says_so()
    {
        var plan = ShardPlanner.PlanWithin(Units(600, 10), PlanBy.Class, targetSeconds: 60, maxShards: 3, Options());

        Assert.HasCount(3, plan.Shards);
        Assert.IsTrue(plan.Warnings.Any(w => w.Contains("no plan of up to 3 shards", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Heavy_tailed_timings_come_within_three_percent_of_the_lower_bound()
    {
        var random = new Random(5);
        var units = Enumerable.Range(0, 2000).Select(i => new PlanUnit($"U{i}", Math.Exp(random.NextDouble() * 6), false, i)).ToList();

        foreach (var shards in new[] { 2, 8, 32 })
        {
            var plan = ShardPlanner.Plan(units, PlanBy.Class, shards, Options());

            Assert.IsLessThanOrEqualTo(1.03, plan.PredictedMakespanSeconds / plan.LowerBoundSeconds, $"{shards} shards");
        }
    }
}

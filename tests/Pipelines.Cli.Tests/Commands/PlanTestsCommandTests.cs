using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary><c>pipelines plan-tests</c> end to end: result files in, plan file and CI matrix out.</summary>
[TestClass]
public sealed class PlanTestsCommandTests
{
    private static readonly (string, double, string)[] Run1 =
    [
        ("Shop.Tests.SlowTests.One", 60, "Passed"),
        ("Shop.Tests.SlowTests.Two", 30, "Passed"),
        ("Shop.Tests.MediumTests.One", 40, "Passed"),
        ("Shop.Tests.FastTests.One", 5, "Passed"),
        ("Shop.Tests.FastTests.Two", 5, "Failed"),
        ("Shop.Tests.TinyTests.One", 1, "Passed"),
    ];

    private static TempDirectory HistoryFolder()
    {
        var dir = new TempDirectory();
        ResultFileWriter.Trx(Path.Combine(dir.Path, "history", "run1.trx"), Run1);
        return dir;
    }

    private static Dictionary<string, string?> GitHub(TempDirectory dir) => new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_OUTPUT"] = Path.Combine(dir.Path, "output"),
        ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir.Path, "summary"),
        ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
    };

    private static JsonElement PlanFile(TempDirectory dir, string name = "test-plan.json") =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, name))).RootElement.Clone();

    [TestMethod]
    public void On_GitHub_the_matrix_seed_and_plan_read_back_from_GITHUB_OUTPUT()
    {
        using var dir = HistoryFolder();
        var env = GitHub(dir);

        var run = CliRunner.Run(dir.Path, env, "plan-tests", "--history", "history", "--shards", "2");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var outputs = GitHubOutputFile.Parse(File.ReadAllText(env["GITHUB_OUTPUT"]!));
        Assert.AreEqual("test-plan.json", outputs["plan"]);
        Assert.AreEqual("81985529216486895", outputs["seed"]); // 0x0123456789abcdef, from GITHUB_SHA
        Assert.AreEqual("1.5", outputs["predicted-minutes"]); // the slowest class alone takes 90 s
        using var matrix = JsonDocument.Parse(outputs["matrix"]);
        var include = matrix.RootElement.GetProperty("include").EnumerateArray().ToList();
        Assert.HasCount(2, include);
        Assert.AreEqual(1, include[0].GetProperty("shard").GetInt32());
        Assert.AreEqual(2, include[0].GetProperty("of").GetInt32());
        StringAssert.Contains(include[0].GetProperty("filter").GetString(), "FullyQualifiedName~Shop.Tests.");
        StringAssert.Contains(File.ReadAllText(env["GITHUB_STEP_SUMMARY"]!), "replay with `--seed 81985529216486895`");
    }

    [TestMethod]
    public void The_plan_file_has_the_documented_shape_and_balances_the_classes()
    {
        using var dir = HistoryFolder();

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "history/*.trx", "--shards", "2", "--seed", "5");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var plan = PlanFile(dir);
        Assert.AreEqual("class", plan.GetProperty("by").GetString());
        Assert.AreEqual("5", plan.GetProperty("seed").GetString());
        // Classes: Slow 90 s, Medium 40, Fast 10, Tiny 1. The bound is the longest unit, and the plan meets it.
        Assert.AreEqual(90, plan.GetProperty("lowerBoundSeconds").GetDouble());
        Assert.AreEqual(90, plan.GetProperty("predictedMakespanSeconds").GetDouble());
        Assert.AreEqual(6, plan.GetProperty("testCount").GetInt32());
        var shards = plan.GetProperty("shards").EnumerateArray().ToList();
        var units = shards.SelectMany(s => s.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("id").GetString())).ToList();
        CollectionAssert.AreEquivalent(new[] { "Shop.Tests.SlowTests", "Shop.Tests.MediumTests", "Shop.Tests.FastTests", "Shop.Tests.TinyTests" }, units);
    }

    [TestMethod]
    public void On_Azure_Pipelines_the_matrix_has_one_named_leg_per_shard()
    {
        using var dir = HistoryFolder();

        var run = CliRunner.Run(dir.Path, new Dictionary<string, string?> { ["TF_BUILD"] = "True", ["AGENT_TEMPDIRECTORY"] = dir.Path }, "plan-tests", "--history", "history", "--shards", "3", "--seed", "1");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        using var matrix = JsonDocument.Parse(AzureLog.OutputVariables(run.StandardOutput)["matrix"]);
        CollectionAssert.AreEqual(new[] { "shard1", "shard2", "shard3" }, matrix.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(3, matrix.RootElement.GetProperty("shard2").GetProperty("of").GetInt32());
    }

    [TestMethod]
    public void The_same_seed_replays_the_same_random_order_and_another_seed_changes_it()
    {
        using var dir = new TempDirectory();
        ResultFileWriter.Trx(Path.Combine(dir.Path, "h.trx"), Enumerable.Range(0, 30).Select(i => ($"Shop.Tests.Class{i:D2}.Test", 1.0, "Passed")));
        string Order(string seed, string output)
        {
            var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "h.trx", "--shards", "1", "--order", "random", "--seed", seed, "--out", output);
            Assert.AreEqual(0, run.ExitCode, run.StandardError);
            return string.Join(",", PlanFile(dir, output).GetProperty("shards")[0].GetProperty("units").EnumerateArray().Select(u => u.GetProperty("id").GetString()));
        }

        var first = Order("11", "a.json");
        var again = Order("11", "b.json");
        var other = Order("12", "c.json");

        Assert.AreEqual(first, again);
        Assert.AreNotEqual(first, other);
    }

    [TestMethod]
    public void The_timing_cache_is_written_and_plans_alone_the_next_time()
    {
        using var dir = HistoryFolder();

        var first = CliRunner.Run(dir.Path, "plan-tests", "--history", "history", "--timings", "cache/timings.json", "--shards", "2", "--out", "first.json");
        var second = CliRunner.Run(dir.Path, "plan-tests", "--timings", "cache/timings.json", "--shards", "2", "--out", "second.json");

        Assert.AreEqual(0, first.ExitCode, first.StandardError);
        Assert.AreEqual(0, second.ExitCode, second.StandardError);
        Assert.IsTrue(File.Exists(Path.Combine(dir.Path, "cache", "timings.json")));
        Assert.AreEqual(PlanFile(dir, "first.json").GetProperty("shards").ToString(), PlanFile(dir, "second.json").GetProperty("shards").ToString());
    }

    [TestMethod]
    public void Tests_never_seen_are_planned_with_an_estimate_never_dropped()
    {
        using var dir = HistoryFolder();
        dir.Write("tests.txt", "# the tests to plan\nShop.Tests.SlowTests.One\nShop.Tests.BrandNewTests.First\n\n");

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "history", "--tests", "tests.txt", "--shards", "2");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var units = PlanFile(dir).GetProperty("shards").EnumerateArray().SelectMany(s => s.GetProperty("units").EnumerateArray()).ToList();
        Assert.HasCount(2, units);
        var unknown = units.Single(u => u.GetProperty("id").GetString() == "Shop.Tests.BrandNewTests");
        Assert.IsTrue(unknown.GetProperty("estimated").GetBoolean());
        Assert.AreEqual(60, unknown.GetProperty("seconds").GetDouble()); // the median of the known units: only SlowTests.One
    }

    [TestMethod]
    public void Tests_in_built_assemblies_but_not_yet_in_history_are_planned_too()
    {
        using var dir = new TempDirectory();
        ResultFileWriter.Trx(Path.Combine(dir.Path, "h.trx"), [("Samples.MsTest.MixedTests.Tagged", 20, "Passed")], assembly: "/b/MsTestSample.dll");

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "h.trx", "--assemblies", SampleProjects.Build("MsTestSample"), "--shards", "2");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var units = PlanFile(dir).GetProperty("shards").EnumerateArray().SelectMany(s => s.GetProperty("units").EnumerateArray()).ToList();
        CollectionAssert.AreEquivalent(
            new[] { "Samples.MsTest.TaggedClassTests", "Samples.MsTest.MixedTests", "Samples.MsTest.DerivedTests", "Samples.MsTest.TaggedDerivedTests", "Samples.MsTest.OuterTests+InnerTests", "Samples.MsTest.FlakyTests", "Samples.MsTest.TimedTests" },
            units.Select(u => u.GetProperty("id").GetString()).ToList());
        Assert.AreEqual(6, units.Count(u => u.GetProperty("estimated").GetBoolean()));
    }

    [TestMethod]
    public void A_selection_plans_its_projects_whole_and_other_tests_only_under_its_categories()
    {
        using var dir = new TempDirectory();
        ResultFileWriter.Trx(Path.Combine(dir.Path, "h", "billing.trx"), [("Shop.Billing.Tests.InvoiceTests.Totals", 3, "Passed")], assembly: "/b/Shop.Billing.Tests.dll");
        ResultFileWriter.Trx(Path.Combine(dir.Path, "h", "web.trx"),
            [("Shop.Web.Tests.SmokeTests.Home", 2, "Passed"), ("Shop.Web.Tests.PageTests.Render", 4, "Passed")],
            assembly: "/b/Shop.Web.Tests.dll",
            categories: new Dictionary<string, string[]> { ["Shop.Web.Tests.SmokeTests.Home"] = ["smoke"], ["Shop.Web.Tests.PageTests.Render"] = ["web"] });

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "h", "--shards", "1",
            "--projects", "tests/Shop.Billing.Tests/Shop.Billing.Tests.csproj", "--filter", "TestCategory=smoke");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var shard = PlanFile(dir).GetProperty("shards")[0];
        CollectionAssert.AreEquivalent(new[] { "Shop.Billing.Tests.InvoiceTests", "Shop.Web.Tests.SmokeTests" },
            shard.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList());
        Assert.AreEqual("FullyQualifiedName~Shop.Billing.Tests.InvoiceTests.|(FullyQualifiedName~Shop.Web.Tests.SmokeTests.)&(TestCategory=smoke)",
            shard.GetProperty("filters")[0].GetString());
    }

    [TestMethod]
    public void Without_any_history_every_class_weighs_the_same_and_the_missing_history_is_a_warning()
    {
        using var dir = new TempDirectory();
        dir.Write("tests.txt", "A.One.T\nA.Two.T\nA.Three.T\nA.Four.T\n");

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "no-such-folder", "--tests", "tests.txt", "--shards", "2");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var shards = PlanFile(dir).GetProperty("shards").EnumerateArray().ToList();
        Assert.IsTrue(shards.All(s => s.GetProperty("units").GetArrayLength() == 2));
        StringAssert.Contains(run.StandardError + run.StandardOutput, "no result files found");
    }

    [TestMethod]
    public void Shards_and_a_target_time_together_are_bad_input()
    {
        using var dir = HistoryFolder();

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "history", "--shards", "2", "--target-minutes", "5");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--shards and --target-minutes");
        Assert.IsFalse(File.Exists(Path.Combine(dir.Path, "test-plan.json")));
    }

    [TestMethod]
    public void A_dependency_cycle_in_the_config_is_bad_input_naming_the_cycle()
    {
        using var dir = HistoryFolder();
        dir.Write(".pipelines/pipelines.yml", """
            tests:
              plan:
                dependencies:
                  "Shop.Tests.FastTests": ["Shop.Tests.SlowTests"]
                  "Shop.Tests.SlowTests": ["Shop.Tests.FastTests"]
            """);

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "history", "--shards", "2");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "tests.plan.dependencies: a cycle");
    }

    [TestMethod]
    public void A_dependent_class_runs_after_its_prerequisite_on_the_same_shard()
    {
        using var dir = HistoryFolder();
        dir.Write(".pipelines/pipelines.yml", """
            tests:
              plan:
                dependencies:
                  "Shop.Tests.SlowTests": ["Shop.Tests.TinyTests"]
            """);

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "history", "--shards", "3");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var shard = PlanFile(dir).GetProperty("shards").EnumerateArray()
            .Single(s => s.GetProperty("units").EnumerateArray().Any(u => u.GetProperty("id").GetString() == "Shop.Tests.SlowTests"));
        CollectionAssert.AreEqual(new[] { "Shop.Tests.TinyTests", "Shop.Tests.SlowTests" },
            shard.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToArray());
    }

    [TestMethod]
    public void An_unknown_plan_key_gets_a_did_you_mean_hint()
    {
        using var dir = HistoryFolder();
        dir.Write(".pipelines/pipelines.yml", "tests:\n  plan:\n    dependancies: {}\n");

        var run = CliRunner.Run(dir.Path, "plan-tests", "--history", "history");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, ".pipelines/pipelines.yml(3,5): tests.plan.dependancies: unknown key 'dependancies'");
        StringAssert.Contains(run.StandardError, "did you mean 'dependencies'");
    }
}

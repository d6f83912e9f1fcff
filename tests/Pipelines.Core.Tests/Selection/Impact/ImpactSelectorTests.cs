using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Core.Tests.Selection.Impact;

[TestClass]
public sealed class ImpactSelectorTests
{
    private const string MapCommit = "1111111111111111111111111111111111111111";
    private const string ShopTests = "tests/Shop.Tests/Shop.Tests.csproj";
    private const string OtherTests = "tests/Other.Tests/Other.Tests.csproj";

    private static readonly ProjectGraph Graph = new(
    [
        new ProjectNode("src/Shop/Shop.csproj", false, [], []),
        new ProjectNode(ShopTests, true, ["src/Shop/Shop.csproj"], []),
        new ProjectNode(OtherTests, true, ["src/Shop/Shop.csproj"], []),
        new ProjectNode("tools/Tool/Tool.csproj", false, [], []),
    ]);

    // What the map saw at its commit: paths and hashes, and which test ran which file.
    private static readonly Dictionary<string, (string Hash, bool Code)> Recorded = new(StringComparer.Ordinal)
    {
        ["src/Shop/Cart.cs"] = ("a1", true),
        ["src/Shop/Price.cs"] = ("a2", true),
        ["src/Shop/Unused.cs"] = ("a3", true),
        ["src/Shop/IShop.cs"] = ("a4", false),
        ["src/Shop/Shop.csproj"] = ("a5", false),
        ["src/Shop/prices.json"] = ("a6", false),
        ["tests/Shop.Tests/CartTests.cs"] = ("a7", true),
        ["tests/Shop.Tests/PriceTests.cs"] = ("a8", true),
        ["tests/Shop.Tests/Shop.Tests.csproj"] = ("a9", false),
        ["tests/Other.Tests/Other.Tests.csproj"] = ("aa", false),
        ["docs/guide.md"] = ("ab", false),
        ["tests/data/rates.csv"] = ("ac", false),
        ["tests/Shop.Tests/Fixtures.cs"] = ("ad", true),
        ["src/Shop/IPricing.cs"] = ("ae", false),
        ["tools/Tool/Options.cs"] = ("af", false),
    };

    private static ImpactMap Map()
    {
        var files = Recorded.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new ImpactFile(f.Key, Hash(f.Value.Hash), f.Value.Code)).ToList();
        int[] Of(params string[] paths) => [.. paths.Select(p => files.FindIndex(f => f.Path == p)).Order()];
        return new ImpactMap(MapCommit, DateTimeOffset.UnixEpoch, files,
        [
            new ImpactProject(ShopTests,
            [
                new ImpactTest("Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests", "tests/Shop.Tests/CartTests.cs", ImpactOutcome.Passed, Of("src/Shop/Cart.cs", "tests/Shop.Tests/CartTests.cs")),
                new ImpactTest("Shop.Tests.CartTests.Totals", "Shop.Tests.CartTests", "tests/Shop.Tests/CartTests.cs", ImpactOutcome.Passed, Of("src/Shop/Cart.cs", "src/Shop/Price.cs", "tests/Shop.Tests/CartTests.cs")),
                new ImpactTest("Shop.Tests.PriceTests.Rounds", "Shop.Tests.PriceTests", "tests/Shop.Tests/PriceTests.cs", ImpactOutcome.Passed, Of("src/Shop/Price.cs", "tests/Shop.Tests/PriceTests.cs", "tests/Shop.Tests/Fixtures.cs")),
                new ImpactTest("Shop.Tests.PriceTests.Discounts", "Shop.Tests.PriceTests", "tests/Shop.Tests/PriceTests.cs", ImpactOutcome.Passed, Of("src/Shop/Price.cs", "tests/Shop.Tests/PriceTests.cs")),
            ]),
        ]);
    }

    private static string Hash(string seed) => seed.PadLeft(40, '0');

    private static Dictionary<string, string> HeadWith(params (string Path, string? Hash)[] changes)
    {
        var head = Recorded.ToDictionary(f => f.Key, f => Hash(f.Value.Hash), StringComparer.Ordinal);
        foreach (var (path, hash) in changes)
        {
            if (hash is null)
            {
                head.Remove(path);
            }
            else
            {
                head[path] = Hash(hash);
            }
        }

        return head;
    }

    private sealed class Diff(Dictionary<string, string[]>? lines = null, Dictionary<string, string>? texts = null, Dictionary<string, string[]>? users = null) : IImpactDiff
    {
        public IReadOnlyList<string> ChangedLines(string path) => lines?.GetValueOrDefault(path) ?? ["return total;"];

        public string? HeadText(string path) => texts?.GetValueOrDefault(path) ?? "namespace Shop; public sealed class Something { }";

        public IReadOnlyList<string> SourcesNaming(string identifier) => users?.GetValueOrDefault(identifier) ?? [];
    }

    private static SelectionResult ProjectLevel(params string[] paths) =>
        TestSelector.Select([.. paths.Select(p => new FileChange(ChangeKind.Modified, p))], SelectionPolicy.Default, Graph);

    private static ImpactSelection Narrow(
        Dictionary<string, string> head, Diff? diff = null, MapStanding? standing = null, ImpactMap? map = null, params string[] changedInChange) =>
        Narrow(head, new Naming([]), diff, standing, map, changedInChange);

    private static ImpactSelection Narrow(
        Dictionary<string, string> head, Naming sources, Diff? diff = null, MapStanding? standing = null, ImpactMap? map = null, params string[] changedInChange) =>
        ImpactSelector.Narrow(
            ProjectLevel(changedInChange.Length > 0 ? changedInChange : ["src/Shop/Cart.cs"]),
            map ?? Map(),
            head,
            standing ?? new MapStanding(true, true, 3),
            ImpactSelector.DefaultMaxAge,
            Graph,
            changes => TestSelector.Select(changes, SelectionPolicy.Default, Graph),
            diff ?? new Diff(),
            sources);

    private sealed class Naming(Dictionary<string, NamingSource[]> names, Dictionary<string, string[]>? scripts = null) : ITestSourceIndex
    {
        public IReadOnlyList<NamingSource> SourcesNaming(string path, bool exactly = false) => names.GetValueOrDefault(path) ?? [];

        public IReadOnlyList<string> ScriptsNaming(string path) => scripts?.GetValueOrDefault(path) ?? [];
    }

    /// <summary>A change of tests/data/rates.csv, which no project owns and <paramref name="namedBy"/> names.</summary>
    private static ImpactSelection NarrowRead(params NamingSource[] namedBy)
    {
        var sources = new Naming(new() { ["tests/data/rates.csv"] = namedBy });
        SelectionResult Level(IReadOnlyList<FileChange> changes) => TestSelector.Select(changes, SelectionPolicy.Default, Graph, testSources: sources);
        return ImpactSelector.Narrow(
            Level([new FileChange(ChangeKind.Modified, "tests/data/rates.csv")]),
            Map(),
            HeadWith(("tests/data/rates.csv", "bc")),
            new MapStanding(true, true, 3),
            ImpactSelector.DefaultMaxAge,
            Graph,
            Level,
            new Diff(),
            sources);
    }

    private static ImpactProjectSelection Shop(ImpactSelection selection) => selection.Projects.Single(p => p.Project == ShopTests);

    [TestMethod]
    public void A_changed_source_file_runs_only_the_tests_that_executed_it()
    {
        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1")));

        Assert.IsTrue(selection.Used);
        var shop = Shop(selection);
        Assert.IsFalse(shop.Whole);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, shop.Tests.ToArray());
        Assert.AreEqual(4, shop.KnownTests);
        StringAssert.Contains(selection.FileReasons["src/Shop/Cart.cs"], "executed by 2 recorded tests");
    }

    [TestMethod]
    public void A_test_project_the_map_did_not_record_runs_whole()
    {
        var other = Narrow(HeadWith(("src/Shop/Cart.cs", "b1"))).Projects.Single(p => p.Project == OtherTests);

        Assert.IsTrue(other.Whole);
        StringAssert.Contains(other.Reason, "no recording of this project");
    }

    [TestMethod]
    public void A_recorded_project_without_tests_runs_whole()
    {
        var map = Map() with { Projects = [new ImpactProject(ShopTests, [])] };

        var shop = Shop(Narrow(HeadWith(("src/Shop/Cart.cs", "b1")), map: map));

        Assert.IsTrue(shop.Whole);
        StringAssert.Contains(shop.Reason, "recorded no test");
    }

    [TestMethod]
    public void Changes_before_the_maps_commit_run_nothing_the_map_saw_pass()
    {
        // The pull request changed Cart.cs, but the map was recorded after that change: its tests ran with it there.
        var selection = Narrow(HeadWith(), changedInChange: ["src/Shop/Cart.cs"]);

        Assert.IsTrue(Shop(selection).Nothing);
        Assert.AreEqual(0, selection.ChangedSinceMap);
    }

    [TestMethod]
    public void Changes_since_the_maps_commit_count_even_when_the_change_under_test_did_not_make_them()
    {
        // Price.cs changed on the main line after the map; the pull request touches Cart.cs only.
        var selection = Narrow(HeadWith(("src/Shop/Price.cs", "b2")), changedInChange: ["src/Shop/Cart.cs"]);

        CollectionAssert.AreEquivalent(
            new[] { "Shop.Tests.CartTests.Totals", "Shop.Tests.PriceTests.Discounts", "Shop.Tests.PriceTests.Rounds" }, Shop(selection).Tests.ToArray());
    }

    [TestMethod]
    public void A_test_that_failed_when_recorded_runs_whatever_changed()
    {
        var map = Map();
        var failing = map.Projects[0].Tests[2] with { Outcome = ImpactOutcome.Failed };
        map = map with { Projects = [map.Projects[0] with { Tests = [.. map.Projects[0].Tests.Where(t => t.Name != failing.Name), failing] }] };

        var shop = Shop(Narrow(HeadWith(("src/Shop/Cart.cs", "b1")), map: map));

        CollectionAssert.Contains(shop.Tests.ToArray(), "Shop.Tests.PriceTests.Rounds");
        StringAssert.Contains(shop.Reason, "1 of them failed or did not run when recorded");
    }

    [TestMethod]
    public void A_data_file_the_map_cannot_see_falls_back_to_the_project_level_answer_named_per_file()
    {
        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1"), ("src/Shop/prices.json", "b6")));

        Assert.IsTrue(Shop(selection).Whole);
        StringAssert.Contains(Shop(selection).Reason, "src/Shop/prices.json");
        StringAssert.Contains(selection.FileReasons["src/Shop/prices.json"], "the impact map cannot narrow it");
        StringAssert.Contains(selection.FileReasons["src/Shop/prices.json"], "project graph");
    }

    [TestMethod]
    public void A_file_tests_read_at_run_time_runs_only_the_tests_that_ran_the_code_naming_it()
    {
        var selection = NarrowRead(new NamingSource(ShopTests, "tests/Shop.Tests/Fixtures.cs", InConstant: false));

        Assert.IsFalse(Shop(selection).Whole, Shop(selection).Reason);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.PriceTests.Rounds" }, Shop(selection).Tests.ToArray());
        Assert.IsFalse(selection.Projects.Any(p => p.Project == OtherTests), "no source of Other.Tests names it");
        StringAssert.Contains(selection.FileReasons["tests/data/rates.csv"], "read at run time: named in tests/Shop.Tests/Fixtures.cs; the 1 recorded test that ran that code");
    }

    [TestMethod]
    public void A_changed_source_also_runs_the_tests_that_ran_code_naming_it_as_a_test_reading_its_text_would()
    {
        var sources = new Naming(new() { ["src/Shop/Cart.cs"] = [new NamingSource(ShopTests, "tests/Shop.Tests/Fixtures.cs", InConstant: false)] });

        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1")), sources);

        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals", "Shop.Tests.PriceTests.Rounds" }, Shop(selection).Tests.ToArray());
        StringAssert.Contains(selection.FileReasons["src/Shop/Cart.cs"], "named in tests/Shop.Tests/Fixtures.cs, so read or built at run time by the 1 recorded test that ran that code");
    }

    [TestMethod]
    public void A_changed_source_runs_the_tests_that_build_a_project_it_compiles_into_named_directly_or_through_a_script()
    {
        var direct = new Naming(new() { ["src/Shop/Shop.csproj"] = [new NamingSource(ShopTests, "tests/Shop.Tests/Fixtures.cs", InConstant: false)] });
        var script = new Naming(
            new() { ["build/pack.sh"] = [new NamingSource(ShopTests, "tests/Shop.Tests/Fixtures.cs", InConstant: false)] },
            new() { ["src/Shop/Shop.csproj"] = ["build/pack.sh"] });

        foreach (var sources in new[] { direct, script })
        {
            var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1")), sources);

            CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals", "Shop.Tests.PriceTests.Rounds" }, Shop(selection).Tests.ToArray(),
                "Rounds ran the code that builds Shop.csproj, which Cart.cs compiles into");
        }
    }

    [TestMethod]
    public void A_changed_source_named_in_a_test_project_the_map_did_not_record_narrows_the_others()
    {
        var sources = new Naming(new() { ["src/Shop/Cart.cs"] = [new NamingSource(OtherTests, "tests/Other.Tests/LintTests.cs", InConstant: false)] });

        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1")), sources);

        Assert.IsFalse(Shop(selection).Whole, "Other.Tests runs whole anyway: " + Shop(selection).Reason);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, Shop(selection).Tests.ToArray());
        Assert.IsTrue(selection.Projects.Single(p => p.Project == OtherTests).Whole);
    }

    [TestMethod]
    public void A_changed_source_named_in_a_constant_falls_back()
    {
        var sources = new Naming(new() { ["src/Shop/Cart.cs"] = [new NamingSource(ShopTests, "tests/Shop.Tests/PriceTests.cs", InConstant: true)] });

        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1")), sources);

        Assert.IsTrue(Shop(selection).Whole);
        StringAssert.Contains(selection.FileReasons["src/Shop/Cart.cs"], "a test may read or build it at run time, and named in a constant in tests/Shop.Tests/PriceTests.cs");
    }

    [TestMethod]
    public void A_changed_source_named_in_a_new_test_source_needs_no_fallback_because_that_source_runs_its_classes()
    {
        var sources = new Naming(new() { ["src/Shop/Cart.cs"] = [new NamingSource(ShopTests, "tests/Shop.Tests/SourceTests.cs", InConstant: false)] });

        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1"), ("tests/Shop.Tests/SourceTests.cs", "c1")), sources);

        Assert.IsFalse(Shop(selection).Whole, Shop(selection).Reason);
        CollectionAssert.AreEqual(new[] { "Something" }, Shop(selection).Classes.ToArray());
    }

    [TestMethod]
    public void A_file_named_in_a_constant_falls_back_because_the_code_using_the_constant_lives_elsewhere()
    {
        var selection = NarrowRead(
            new NamingSource(ShopTests, "tests/Shop.Tests/Fixtures.cs", InConstant: false),
            new NamingSource(ShopTests, "tests/Shop.Tests/PriceTests.cs", InConstant: true));

        Assert.IsTrue(Shop(selection).Whole);
        StringAssert.Contains(selection.FileReasons["tests/data/rates.csv"], "named in a constant in tests/Shop.Tests/PriceTests.cs");
        StringAssert.Contains(selection.FileReasons["tests/data/rates.csv"], "project level: named in the sources of " + ShopTests);
    }

    [TestMethod]
    [DataRow("tests/Shop.Tests/Shop.Tests.csproj", "which is not code the map records")]
    [DataRow("tests/Shop.Tests/NewFixtures.cs", "which the map holds no code of")]
    [DataRow("src/Shop/IShop.cs", "which the map holds no code of")]
    public void A_file_named_where_the_map_cannot_follow_falls_back(string namer, string why)
    {
        var selection = NarrowRead(new NamingSource(ShopTests, namer, InConstant: false));

        Assert.IsTrue(Shop(selection).Whole);
        StringAssert.Contains(selection.FileReasons["tests/data/rates.csv"], $"named in {namer}, {why}");
    }

    [TestMethod]
    public void A_file_named_in_data_runs_the_tests_that_ran_the_code_naming_the_data()
    {
        var sources = new Naming(new()
        {
            ["tests/data/rates.csv"] = [new NamingSource(ShopTests, "tests/Shop.Tests/cases.json", InConstant: false)],
            ["tests/Shop.Tests/cases.json"] = [new NamingSource(ShopTests, "tests/Shop.Tests/Fixtures.cs", InConstant: false)],
        });
        SelectionResult Level(IReadOnlyList<FileChange> changes) => TestSelector.Select(changes, SelectionPolicy.Default, Graph, testSources: sources);

        var selection = ImpactSelector.Narrow(
            Level([new FileChange(ChangeKind.Modified, "tests/data/rates.csv")]), Map(), HeadWith(("tests/data/rates.csv", "bc")),
            new MapStanding(true, true, 3), ImpactSelector.DefaultMaxAge, Graph, Level, new Diff(), sources);

        Assert.IsFalse(Shop(selection).Whole, Shop(selection).Reason);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.PriceTests.Rounds" }, Shop(selection).Tests.ToArray(), "Fixtures.cs reads cases.json, which names rates.csv");
        StringAssert.Contains(selection.FileReasons["tests/data/rates.csv"], "named in tests/Shop.Tests/Fixtures.cs");
    }

    [TestMethod]
    public void A_file_named_only_in_data_no_code_names_runs_no_test()
    {
        var selection = NarrowRead(new NamingSource(ShopTests, "tests/Shop.Tests/cases.json", InConstant: false));

        Assert.IsFalse(Shop(selection).Whole, Shop(selection).Reason);
        Assert.AreEqual(0, Shop(selection).Tests.Count);
        StringAssert.Contains(selection.FileReasons["tests/data/rates.csv"], "named only in data no code names");
    }

    [TestMethod]
    public void A_file_read_at_run_time_by_code_no_recorded_test_ran_runs_no_test()
    {
        var selection = NarrowRead(new NamingSource(ShopTests, "src/Shop/Unused.cs", InConstant: false));

        Assert.IsFalse(Shop(selection).Whole);
        Assert.AreEqual(0, Shop(selection).Tests.Count);
        StringAssert.Contains(selection.FileReasons["tests/data/rates.csv"], "no recorded test ran the code that names it");
    }

    [TestMethod]
    public void A_file_no_test_source_names_still_falls_back()
    {
        var selection = NarrowRead();

        Assert.IsTrue(selection.Projects.All(p => p.Whole), "no source names it: project level runs everything (untagged: run-all)");
    }

    [TestMethod]
    public void A_project_file_change_runs_its_dependents_whole()
    {
        var selection = Narrow(HeadWith(("src/Shop/Shop.csproj", "b5")));

        Assert.IsTrue(selection.Projects.All(p => p.Whole));
    }

    [TestMethod]
    public void A_changed_file_with_no_code_runs_the_tests_that_ran_the_files_naming_its_types()
    {
        var diff = new Diff(
            texts: new() { ["src/Shop/IShop.cs"] = "namespace Shop; public interface IShop { decimal Total(); }" },
            users: new() { ["IShop"] = ["src/Shop/Cart.cs", "src/Shop/IShop.cs"] });

        var selection = Narrow(HeadWith(("src/Shop/IShop.cs", "b4")), diff);

        Assert.IsFalse(Shop(selection).Whole, Shop(selection).Reason);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, Shop(selection).Tests.ToArray(), "Cart.cs names IShop");
        StringAssert.Contains(selection.FileReasons["src/Shop/IShop.cs"], "no recorded assembly has code from it");
        StringAssert.Contains(selection.FileReasons["src/Shop/IShop.cs"], "the 2 recorded tests that ran the 1 file naming IShop run");
    }

    [TestMethod]
    public void A_changed_file_with_no_code_that_declares_no_type_falls_back()
    {
        var diff = new Diff(texts: new() { ["src/Shop/IShop.cs"] = "namespace Shop; public delegate void Changed();" });

        var selection = Narrow(HeadWith(("src/Shop/IShop.cs", "b4")), diff);

        Assert.IsTrue(Shop(selection).Whole);
        StringAssert.Contains(selection.FileReasons["src/Shop/IShop.cs"], "it declares no type whose name could lead to that code");
    }

    [TestMethod]
    public void Code_no_test_project_builds_from_runs_only_the_tests_that_read_or_build_it_at_run_time()
    {
        var diff = new Diff(texts: new() { ["tools/Tool/Options.cs"] = "namespace Tool; public delegate void Changed();" });
        var quiet = Narrow(HeadWith(("tools/Tool/Options.cs", "bf")), diff);
        var built = Narrow(HeadWith(("tools/Tool/Options.cs", "bf")), new Naming(new() { ["tools/Tool/Tool.csproj"] = [new NamingSource(ShopTests, "tests/Shop.Tests/Fixtures.cs", InConstant: false)] }), diff);

        Assert.IsFalse(Shop(quiet).Whole, "no type, no code, but no test project compiles it either: " + Shop(quiet).Reason);
        Assert.AreEqual(0, Shop(quiet).Tests.Count);
        StringAssert.Contains(quiet.FileReasons["tools/Tool/Options.cs"], "no test project builds from it");
        CollectionAssert.AreEqual(new[] { "Shop.Tests.PriceTests.Rounds" }, Shop(built).Tests.ToArray(), "Fixtures.cs names the tool's project");
    }

    [TestMethod]
    public void A_file_that_needs_no_tests_at_project_level_is_said_to_run_none_rather_than_to_stop_narrowing()
    {
        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1"), ("docs/guide.md", "bb")));

        Assert.IsFalse(Shop(selection).Whole);
        StringAssert.StartsWith(selection.FileReasons["docs/guide.md"], "runs no test at project level either: housekeeping");

        // Beside a file that runs everything, it is still not the reason.
        var runAll = Narrow(HeadWith(("docs/guide.md", "bb"), ("global.json", "c9")));
        Assert.IsTrue(Shop(runAll).Whole);
        StringAssert.Contains(Shop(runAll).Reason, "global.json");
        StringAssert.StartsWith(runAll.FileReasons["docs/guide.md"], "runs no test at project level either");
        StringAssert.StartsWith(runAll.FileReasons["global.json"], "the impact map cannot narrow it");
    }

    [TestMethod]
    public void A_user_that_is_only_declarations_passes_the_reach_on_to_its_own_users()
    {
        // IShop changed; IPricing (declarations only, no code) extends it, and Cart.cs implements IPricing.
        var diff = new Diff(
            texts: new()
            {
                ["src/Shop/IShop.cs"] = "namespace Shop; public interface IShop { }",
                ["src/Shop/IPricing.cs"] = "namespace Shop; public interface IPricing : IShop { }",
            },
            users: new() { ["IShop"] = ["src/Shop/IPricing.cs", "src/Shop/IShop.cs"], ["IPricing"] = ["src/Shop/Cart.cs", "src/Shop/IPricing.cs"] });

        var shop = Shop(Narrow(HeadWith(("src/Shop/IShop.cs", "b4")), diff));

        Assert.IsFalse(shop.Whole, shop.Reason);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, shop.Tests.ToArray());
    }

    [TestMethod]
    public void A_changed_constant_runs_the_tests_that_ran_its_callers_which_hold_a_copy()
    {
        // No test ran Unused.cs: without its callers, the change would run nothing.
        var diff = new Diff(
            new() { ["src/Shop/Unused.cs"] = ["    public const int Max = 5;"] },
            new() { ["src/Shop/Unused.cs"] = "namespace Shop; public static class Limits { public const int Max = 5; }" },
            new() { ["Limits"] = ["src/Shop/Cart.cs", "src/Shop/Unused.cs"] });

        var selection = Narrow(HeadWith(("src/Shop/Unused.cs", "b3")), diff);

        Assert.IsFalse(Shop(selection).Whole, Shop(selection).Reason);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, Shop(selection).Tests.ToArray());
        StringAssert.Contains(selection.FileReasons["src/Shop/Unused.cs"], "it changes a constant, which the compiler copies into every caller: the 2 recorded tests");
    }

    [TestMethod]
    [DataRow("    private const decimal VatRate = 0.2m;")]
    [DataRow("    const int Retries = 3;")]
    [DataRow("        const string separator = \", \";")]
    public void A_private_or_local_constant_is_narrowed_like_any_code_of_its_file(string line)
    {
        var diff = new Diff(new() { ["src/Shop/Price.cs"] = [line] });

        var shop = Shop(Narrow(HeadWith(("src/Shop/Price.cs", "b2")), diff));

        Assert.IsFalse(shop.Whole, "only its own type sees it");
        CollectionAssert.AreEquivalent(
            new[] { "Shop.Tests.CartTests.Totals", "Shop.Tests.PriceTests.Discounts", "Shop.Tests.PriceTests.Rounds" }, shop.Tests.ToArray());
    }

    [TestMethod]
    public void A_private_constant_of_a_partial_type_runs_the_tests_of_its_other_parts()
    {
        var diff = new Diff(
            new() { ["src/Shop/Unused.cs"] = ["    private const decimal VatRate = 0.2m;"] },
            new() { ["src/Shop/Unused.cs"] = "namespace Shop; public static partial class Price { private const decimal VatRate = 0.2m; }" },
            new() { ["Price"] = ["src/Shop/Price.cs", "src/Shop/Unused.cs"] });

        var shop = Shop(Narrow(HeadWith(("src/Shop/Unused.cs", "b3")), diff));

        Assert.IsFalse(shop.Whole, shop.Reason);
        CollectionAssert.AreEqual(
            new[] { "Shop.Tests.CartTests.Totals", "Shop.Tests.PriceTests.Discounts", "Shop.Tests.PriceTests.Rounds" }, shop.Tests.ToArray(), "Price.cs holds the other part");
    }

    [TestMethod]
    [DataRow("    internal const int Limit = 5;")]
    [DataRow("    protected const int Limit = 5;")]
    public void A_constant_other_types_can_see_runs_the_tests_of_the_files_naming_its_type(string line)
    {
        var diff = new Diff(
            new() { ["src/Shop/Unused.cs"] = [line] },
            new() { ["src/Shop/Unused.cs"] = "namespace Shop; public class Limits {\n" + line + "\n}" },
            new() { ["Limits"] = ["src/Shop/Cart.cs"] });

        var shop = Shop(Narrow(HeadWith(("src/Shop/Unused.cs", "b3")), diff));

        Assert.IsFalse(shop.Whole, shop.Reason);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, shop.Tests.ToArray());
    }

    [TestMethod]
    public void A_changed_enum_member_runs_the_tests_of_the_files_naming_the_enum_although_its_line_names_no_keyword()
    {
        var diff = new Diff(
            new() { ["src/Shop/Unused.cs"] = ["    Gold = 3,"] },
            new() { ["src/Shop/Unused.cs"] = "namespace Shop; public enum Tier { Silver = 2, Gold = 3, }" },
            new() { ["Tier"] = ["src/Shop/Cart.cs"] });

        var selection = Narrow(HeadWith(("src/Shop/Unused.cs", "b3")), diff);

        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, Shop(selection).Tests.ToArray());
        StringAssert.Contains(selection.FileReasons["src/Shop/Unused.cs"], "it declares an enum");
    }

    [TestMethod]
    [DataRow("global using System.Text;", "global using")]
    [DataRow("[assembly: InternalsVisibleTo(\"Shop.Tests\")]", "assembly attribute")]
    [DataRow("    [ModuleInitializer] internal static void Start() { }", "module initializer")]
    public void What_reaches_a_whole_project_still_falls_back(string line, string why)
    {
        var diff = new Diff(new() { ["src/Shop/Price.cs"] = [line] }, users: new() { ["Something"] = ["src/Shop/Cart.cs"] });

        var selection = Narrow(HeadWith(("src/Shop/Price.cs", "b2")), diff);

        Assert.IsTrue(Shop(selection).Whole);
        StringAssert.Contains(selection.FileReasons["src/Shop/Price.cs"], why);
    }

    [TestMethod]
    public void A_comment_naming_const_does_not_fall_back()
    {
        var diff = new Diff(new() { ["src/Shop/Price.cs"] = ["    // the const rate moved to configuration", "return rate * amount; // not a const"] });

        Assert.IsFalse(Shop(Narrow(HeadWith(("src/Shop/Price.cs", "b2")), diff)).Whole);
    }

    [TestMethod]
    public void A_changed_test_source_runs_its_classes_whole_so_new_tests_in_them_run()
    {
        var diff = new Diff(texts: new() { ["tests/Shop.Tests/CartTests.cs"] = "namespace Shop.Tests; [TestClass] public sealed class CartTests { [TestMethod] public void New() { } }" });

        var selection = Narrow(HeadWith(("tests/Shop.Tests/CartTests.cs", "b7")), diff);

        var shop = Shop(selection);
        CollectionAssert.AreEqual(new[] { "CartTests" }, shop.Classes.ToArray());
        CollectionAssert.AreEquivalent(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, shop.Tests.ToArray());
        CollectionAssert.AreEqual(new[] { "FullyQualifiedName~CartTests." }, ImpactFilter.Batches(shop).ToArray(), "the class term covers its known tests");
    }

    [TestMethod]
    public void A_new_test_source_runs_the_classes_it_declares()
    {
        var diff = new Diff(texts: new() { ["tests/Shop.Tests/TaxTests.cs"] = "namespace Shop.Tests;\n[TestClass]\npublic sealed class TaxTests { }\n" });

        var shop = Shop(Narrow(HeadWith(("tests/Shop.Tests/TaxTests.cs", "c1")), diff));

        CollectionAssert.AreEqual(new[] { "TaxTests" }, shop.Classes.ToArray());
    }

    [TestMethod]
    public void A_new_test_file_that_declares_no_class_falls_back_for_its_project()
    {
        var diff = new Diff(texts: new() { ["tests/Shop.Tests/Helpers.fs"] = "module Helpers" });

        Assert.IsTrue(Shop(Narrow(HeadWith(("tests/Shop.Tests/Helpers.fs", "c2")), diff)).Whole);
    }

    [TestMethod]
    public void A_new_production_source_runs_nothing_by_itself()
    {
        var selection = Narrow(HeadWith(("src/Shop/Tax.cs", "c3")));

        Assert.IsTrue(Shop(selection).Nothing);
        StringAssert.Contains(selection.FileReasons["src/Shop/Tax.cs"], "new");
    }

    [TestMethod]
    public void A_new_partial_part_runs_the_tests_of_the_type_tests_already_run()
    {
        var diff = new Diff(
            new() { ["src/Shop/Cart.Disposal.cs"] = ["public sealed partial class Cart : IDisposable"] },
            new() { ["src/Shop/Cart.Disposal.cs"] = "namespace Shop; public sealed partial class Cart : IDisposable { public void Dispose() { } }" },
            new() { ["Cart"] = ["src/Shop/Cart.Disposal.cs", "src/Shop/Cart.cs", "tests/Shop.Tests/CartTests.cs"] });

        var shop = Shop(Narrow(HeadWith(("src/Shop/Cart.Disposal.cs", "c4")), diff));

        Assert.IsFalse(shop.Whole, shop.Reason);
        CollectionAssert.AreEqual(new[] { "Shop.Tests.CartTests.Adds", "Shop.Tests.CartTests.Totals" }, shop.Tests.ToArray(), "Cart.cs holds the part those tests ran");
    }

    [TestMethod]
    public void A_deleted_source_runs_the_tests_that_executed_it()
    {
        var shop = Shop(Narrow(HeadWith(("src/Shop/Price.cs", null))));

        CollectionAssert.AreEquivalent(
            new[] { "Shop.Tests.CartTests.Totals", "Shop.Tests.PriceTests.Discounts", "Shop.Tests.PriceTests.Rounds" }, shop.Tests.ToArray());
    }

    [TestMethod]
    public void A_source_no_recorded_test_executed_runs_nothing()
    {
        var selection = Narrow(HeadWith(("src/Shop/Unused.cs", "b3")));

        Assert.IsTrue(Shop(selection).Nothing);
        StringAssert.Contains(selection.FileReasons["src/Shop/Unused.cs"], "no recorded test executed it");
    }

    [TestMethod]
    public void An_ignored_file_changes_nothing()
    {
        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1"), ("docs/guide.md", "bb")));

        Assert.IsFalse(Shop(selection).Whole);
    }

    [TestMethod]
    [DataRow(false, true, 3, "not in this clone's history")]
    [DataRow(true, false, null, "not an ancestor of head")]
    [DataRow(true, true, 101, "more than the 100 allowed")]
    public void A_map_it_cannot_trust_is_not_used_and_every_project_runs_whole(bool inHistory, bool ancestor, int? age, string why)
    {
        var selection = Narrow(HeadWith(("src/Shop/Cart.cs", "b1")), standing: new MapStanding(inHistory, ancestor, age));

        Assert.IsFalse(selection.Used);
        StringAssert.Contains(selection.NotUsedReason, why);
        Assert.IsTrue(selection.Projects.All(p => p.Whole));
        CollectionAssert.AreEquivalent(new[] { OtherTests, ShopTests }, selection.Projects.Select(p => p.Project).ToArray());
    }
}

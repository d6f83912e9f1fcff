using Pipelines.Core.Globbing;
using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Core.Tests.Selection.Impact;

[TestClass]
public sealed class ImpactMapUpdateTests
{
    private const string ShopTests = "tests/Shop.Tests/Shop.Tests.csproj";
    private const string OtherTests = "tests/Other.Tests/Other.Tests.csproj";
    private static readonly string[] AtHead = [ShopTests, OtherTests];

    private static ImpactMap Map(string commit, (string Path, string Hash, bool Code)[] files, params (string Project, (string Name, string[] Files)[] Tests)[] projects)
    {
        var list = files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => new ImpactFile(f.Path, f.Hash.PadLeft(40, '0'), f.Code)).ToList();
        int[] Of(string[] paths) => [.. paths.Select(p => list.FindIndex(f => f.Path == p)).Order()];
        return new ImpactMap(commit, DateTimeOffset.UnixEpoch, list,
            [.. projects.Select(p => new ImpactProject(p.Project, [.. p.Tests.Select(t => new ImpactTest(t.Name, t.Name[..t.Name.LastIndexOf('.')], null, ImpactOutcome.Passed, Of(t.Files)))]))]);
    }

    private static ImpactMap Previous() => Map("p",
        [("src/A.cs", "1", true), ("src/B.cs", "2", true), ("src/O.cs", "3", true), ("tests/T1.cs", "4", true), ("tests/T2.cs", "5", true), ("data.json", "6", false)],
        (ShopTests, [("Shop.T1.A", ["src/A.cs", "tests/T1.cs"]), ("Shop.T1.B", ["src/A.cs", "src/B.cs", "tests/T1.cs"]), ("Shop.T2.C", ["src/B.cs", "tests/T2.cs"])]),
        (OtherTests, [("Other.O.X", ["src/B.cs", "src/O.cs"])]));

    // Head: A.cs changed and a file added before B.cs in path order, so every index after it moves.
    private static readonly (string, string, bool)[] HeadFiles =
        [("src/A.cs", "9", true), ("src/Added.cs", "8", false), ("src/B.cs", "2", true), ("src/O.cs", "3", false), ("tests/T1.cs", "4", true), ("tests/T2.cs", "5", true), ("data.json", "6", false)];

    private static ImpactSelection Selection(params ImpactProjectSelection[] projects) =>
        new(true, null, "p", 1, 1, projects, new Dictionary<string, string>());

    private static string[] FilesOf(ImpactMap map, string project, string test) =>
        [.. map.Projects.Single(p => p.Path == project).Tests.Single(t => t.Name == test).Files.Select(i => map.Files[i].Path)];

    [TestMethod]
    public void Tests_the_selection_left_out_keep_their_files_renumbered_for_head_and_run_tests_take_their_new_record()
    {
        var recorded = Map("h", HeadFiles, (ShopTests, [("Shop.T1.A", ["src/A.cs", "tests/T1.cs"]), ("Shop.T1.B", ["src/A.cs", "tests/T1.cs"])]));
        var selection = Selection(new ImpactProjectSelection(ShopTests, false, "A.cs changed", ["Shop.T1.A", "Shop.T1.B"], [], 4));

        var merge = ImpactMapUpdate.Merge(Previous(), selection, recorded, AtHead);

        Assert.AreEqual("h", merge.Map.Commit, "a map at head");
        Assert.AreEqual((2, 2, 0), (merge.Rerun, merge.Carried, merge.Dropped));
        CollectionAssert.AreEqual(new[] { "src/A.cs", "tests/T1.cs" }, FilesOf(merge.Map, ShopTests, "Shop.T1.B"), "what it ran now, not before");
        CollectionAssert.AreEqual(new[] { "src/B.cs", "tests/T2.cs" }, FilesOf(merge.Map, ShopTests, "Shop.T2.C"), "carried, at head's indices");
        CollectionAssert.AreEqual(new[] { "src/B.cs", "src/O.cs" }, FilesOf(merge.Map, OtherTests, "Other.O.X"), "a project the selection did not reach is carried whole");
        Assert.IsTrue(merge.Map.Files.Single(f => f.Path == "src/O.cs").Code, "unchanged code of a carried project stays code, though this run did not instrument it");
        Assert.IsFalse(merge.Map.Files.Single(f => f.Path == "src/Added.cs").Code, "a file no recording saw compiled is not code");
    }

    [TestMethod]
    public void A_left_out_test_whose_file_changed_anyway_is_dropped_so_the_next_selection_runs_it_as_unknown()
    {
        var recorded = Map("h", HeadFiles, (ShopTests, [("Shop.T1.A", ["src/A.cs", "tests/T1.cs"])]));
        var selection = Selection(new ImpactProjectSelection(ShopTests, false, "a narrower selection than the map's", ["Shop.T1.A"], [], 4));

        var merge = ImpactMapUpdate.Merge(Previous(), selection, recorded, AtHead);

        var names = merge.Map.Projects.Single(p => p.Path == ShopTests).Tests.Select(t => t.Name).ToArray();
        CollectionAssert.AreEqual(new[] { "Shop.T1.A", "Shop.T2.C" }, names, "Shop.T1.B ran src/A.cs, which changed: its old files would lie");
        Assert.AreEqual(1, merge.Dropped);
    }

    [TestMethod]
    public void A_project_recorded_whole_keeps_nothing_of_before_and_a_test_gone_from_it_is_gone_from_the_map()
    {
        var recorded = Map("h", HeadFiles, (ShopTests, [("Shop.T1.A", ["src/A.cs", "tests/T1.cs"]), ("Shop.T2.C", ["src/B.cs", "tests/T2.cs"])]));
        var selection = Selection(new ImpactProjectSelection(ShopTests, true, "its project file changed", [], [], 3));

        var merge = ImpactMapUpdate.Merge(Previous(), selection, recorded, AtHead);

        CollectionAssert.AreEqual(new[] { "Shop.T1.A", "Shop.T2.C" }, merge.Map.Projects.Single(p => p.Path == ShopTests).Tests.Select(t => t.Name).ToArray());
        Assert.AreEqual((2, 1, 1), (merge.Rerun, merge.Carried, merge.Dropped), "Other.O.X carried; Shop.T1.B deleted");
    }

    [TestMethod]
    public void A_project_the_recorder_left_out_is_left_out_of_the_map_and_runs_whole_next_time()
    {
        var recorded = Map("h", HeadFiles);
        var selection = Selection(new ImpactProjectSelection(ShopTests, false, "A.cs changed", ["Shop.T1.A", "Shop.T1.B"], [], 4));

        var merge = ImpactMapUpdate.Merge(Previous(), selection, recorded, AtHead);

        CollectionAssert.AreEqual(new[] { OtherTests }, merge.Map.Projects.Select(p => p.Path).ToArray(),
            "a project half known would narrow away tests nobody recorded");
        Assert.AreEqual(3, merge.Dropped);
    }

    [TestMethod]
    public void A_test_project_gone_at_head_is_not_carried()
    {
        var merge = ImpactMapUpdate.Merge(Previous(), Selection(), Map("h", HeadFiles), [ShopTests]);

        CollectionAssert.AreEqual(new[] { ShopTests }, merge.Map.Projects.Select(p => p.Path).ToArray());
        Assert.AreEqual((0, 1, 3), (merge.Rerun, merge.Carried, merge.Dropped), "Other.O.X goes with its project; the two that ran the changed A.cs cannot be carried");
    }

    [TestMethod]
    public void Categories_picked_for_changed_files_make_the_update_a_full_recording_and_always_run_ones_do_not()
    {
        var graph = new ProjectGraph([new ProjectNode(ShopTests, true, [], [])]);
        var policy = SelectionPolicy.Default with
        {
            Tags = [new TagRule("ui", GlobSet.Compile(["web/**"]))],
            Always = ["smoke"],
        };

        var byFile = TestSelector.Select([new FileChange(ChangeKind.Modified, "web/site.css")], policy, graph);
        var byCode = TestSelector.Select([new FileChange(ChangeKind.Modified, "tests/Shop.Tests/T.cs")], policy, graph);

        Assert.IsTrue(ImpactMapUpdate.ChangedFilesSelectTags(byFile));
        Assert.IsFalse(ImpactMapUpdate.ChangedFilesSelectTags(byCode), "smoke runs always; no changed file picked it");
    }
}

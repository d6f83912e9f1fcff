using Pipelines.Core.Globbing;
using Pipelines.Core.Selection;

namespace Pipelines.Core.Tests.Selection;

[TestClass]
public sealed class TestSelectorTests
{
    private static readonly SelectionPolicy TagPolicy = new(
        Tags:
        [
            new TagRule("billing", GlobSet.Compile(["src/Billing/**", "src/Shared/Money*.cs"])),
            new TagRule("web", GlobSet.Compile(["src/Web/**"])),
        ],
        Always: ["smoke"],
        Ignore: GlobSet.Compile(["docs/**", "**/*.md"]),
        Untagged: UntaggedPolicy.RunAll,
        Infer: InferMode.None,
        FilterSyntax: FilterSyntax.MSTest);

    private static FileChange Modified(string path) => new(ChangeKind.Modified, path);

    [TestMethod]
    public void A_file_matching_a_tag_selects_it_and_the_always_tags()
    {
        var result = TestSelector.Select([Modified("src/Billing/Invoice.cs")], TagPolicy);

        CollectionAssert.AreEqual(new[] { "billing", "smoke" }, result.Tags.ToArray());
        Assert.AreEqual("TestCategory=billing|TestCategory=smoke", result.Filter);
        Assert.IsFalse(result.RunAll);
        Assert.AreEqual(0, result.Untagged.Count);
        CollectionAssert.AreEqual(new[] { "src/Billing/Invoice.cs" }, result.TagReasons["billing"].Files.ToArray());
        Assert.AreEqual("always", result.TagReasons["smoke"].Rule);
    }

    [TestMethod]
    public void A_file_matching_several_tags_selects_all_of_them()
    {
        var policy = TagPolicy with { Tags = [.. TagPolicy.Tags, new TagRule("money", GlobSet.Compile(["**/Money*.cs"]))] };
        var result = TestSelector.Select([Modified("src/Shared/Money.cs")], policy);
        CollectionAssert.AreEqual(new[] { "billing", "money", "smoke" }, result.Tags.ToArray());
    }

    [TestMethod]
    public void Ignored_files_select_nothing_and_are_listed()
    {
        var result = TestSelector.Select([Modified("docs/guide.md"), Modified("src/Web/README.md")], TagPolicy);

        Assert.AreEqual(0, result.Tags.Count, "a change that is all ignored does not even run the always tags");
        CollectionAssert.AreEqual(new[] { "docs/guide.md", "src/Web/README.md" }, result.Ignored.ToArray());
        Assert.IsTrue(result.NothingToRun);
        Assert.AreEqual(string.Empty, result.Filter);
    }

    [TestMethod]
    public void A_rename_counts_as_both_paths()
    {
        var result = TestSelector.Select([new FileChange(ChangeKind.Renamed, "src/Web/Money.cs", "src/Billing/Money.cs")], TagPolicy);
        CollectionAssert.AreEqual(new[] { "billing", "web", "smoke" }, result.Tags.ToArray());
    }

    [TestMethod]
    public void A_deleted_file_still_selects_its_tag()
    {
        var result = TestSelector.Select([new FileChange(ChangeKind.Deleted, "src/Web/Old.cs")], TagPolicy);
        CollectionAssert.Contains(result.Tags.ToArray(), "web");
    }

    [TestMethod]
    public void An_untagged_file_runs_everything_under_the_default_policy()
    {
        var result = TestSelector.Select([Modified("src/Web/Page.cs"), Modified("tools/deploy.sh")], TagPolicy);

        Assert.IsTrue(result.RunAll);
        Assert.AreEqual(string.Empty, result.Filter, "run-all means no filter");
        Assert.AreEqual("tools/deploy.sh", result.Untagged.Single().Path);
        StringAssert.Contains(result.RunAllReason, "tools/deploy.sh");
        Assert.IsFalse(result.Failed);
    }

    [TestMethod]
    public void Under_warn_an_untagged_file_is_reported_and_the_selection_stands()
    {
        var result = TestSelector.Select([Modified("src/Web/Page.cs"), Modified("tools/deploy.sh")], TagPolicy with { Untagged = UntaggedPolicy.Warn });

        Assert.IsFalse(result.RunAll);
        Assert.AreEqual("TestCategory=web|TestCategory=smoke", result.Filter);
        Assert.AreEqual(1, result.Untagged.Count);
        Assert.IsFalse(result.Failed);
    }

    [TestMethod]
    public void Under_fail_an_untagged_file_fails_the_step()
    {
        var result = TestSelector.Select([Modified("tools/deploy.sh")], TagPolicy with { Untagged = UntaggedPolicy.Fail });
        Assert.IsTrue(result.Failed);
        Assert.IsFalse(result.RunAll);
    }

    [TestMethod]
    [DataRow(FilterSyntax.MSTest, "TestCategory=billing|TestCategory=smoke")]
    [DataRow(FilterSyntax.XUnit, "Category=billing|Category=smoke")]
    [DataRow(FilterSyntax.NUnit, "Category=billing|Category=smoke")]
    public void The_filter_uses_each_frameworks_category_property(FilterSyntax syntax, string expected)
    {
        var result = TestSelector.Select([Modified("src/Billing/A.cs")], TagPolicy with { FilterSyntax = syntax });
        Assert.AreEqual(expected, result.Filter);
    }

    [TestMethod]
    public void Filter_special_characters_in_category_names_are_escaped()
    {
        Assert.AreEqual("TestCategory=a\\|b|TestCategory=c\\(d\\)\\=\\!\\~\\&", TestFilter.ForCategories(["a|b", "c(d)=!~&"], FilterSyntax.MSTest));
    }

    // ---- inference from the project graph ----

    private static readonly ProjectGraph Graph = new(
    [
        new ProjectNode("src/Core/Core.csproj", false, [], ["src/Shared/Money.cs", "eng/Versions.props"]),
        new ProjectNode("src/Billing/Billing.csproj", false, ["src/Core/Core.csproj"], []),
        new ProjectNode("src/Web/Web.csproj", false, ["src/Billing/Billing.csproj"], []),
        new ProjectNode("src/Tool/Tool.csproj", false, [], []),
        new ProjectNode("tests/Core.Tests/Core.Tests.csproj", true, ["src/Core/Core.csproj"], []),
        new ProjectNode("tests/Billing.Tests/Billing.Tests.csproj", true, ["src/Billing/Billing.csproj"], []),
        new ProjectNode("tests/Web.Tests/Web.Tests.csproj", true, ["src/Web/Web.csproj"], []),
    ]);

    private static readonly SelectionPolicy GraphPolicy = SelectionPolicy.Default with { Untagged = UntaggedPolicy.Warn };

    [TestMethod]
    public void A_change_selects_every_test_project_that_depends_on_it_transitively()
    {
        var result = TestSelector.Select([Modified("src/Core/Parser.cs")], GraphPolicy, Graph);

        CollectionAssert.AreEqual(
            new[] { "tests/Billing.Tests/Billing.Tests.csproj", "tests/Core.Tests/Core.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" },
            result.Projects.ToArray());
        Assert.AreEqual("project graph", result.ProjectReasons["tests/Web.Tests/Web.Tests.csproj"].Rule);
        CollectionAssert.AreEqual(new[] { "src/Core/Parser.cs" }, result.ProjectReasons["tests/Web.Tests/Web.Tests.csproj"].Files.ToArray());
    }

    [TestMethod]
    public void A_change_high_in_the_graph_selects_only_its_dependents()
    {
        var result = TestSelector.Select([Modified("src/Web/Page.cs")], GraphPolicy, Graph);
        CollectionAssert.AreEqual(new[] { "tests/Web.Tests/Web.Tests.csproj" }, result.Projects.ToArray());
    }

    [TestMethod]
    public void A_change_to_a_test_project_selects_it()
    {
        var result = TestSelector.Select([Modified("tests/Billing.Tests/InvoiceTests.cs")], GraphPolicy, Graph);
        CollectionAssert.AreEqual(new[] { "tests/Billing.Tests/Billing.Tests.csproj" }, result.Projects.ToArray());
    }

    [TestMethod]
    public void A_linked_file_outside_any_project_folder_affects_the_projects_that_include_it()
    {
        var result = TestSelector.Select([Modified("src/Shared/Money.cs")], GraphPolicy, Graph);
        Assert.AreEqual(3, result.Projects.Count);
        Assert.AreEqual(0, result.Untagged.Count);
    }

    [TestMethod]
    public void An_imported_props_file_affects_the_projects_that_import_it()
    {
        var result = TestSelector.Select([Modified("eng/Versions.props")], GraphPolicy, Graph);
        CollectionAssert.Contains(result.Projects.ToArray(), "tests/Core.Tests/Core.Tests.csproj");
        Assert.IsFalse(result.RunAll);
    }

    [TestMethod]
    [DataRow("global.json")]
    [DataRow("NuGet.config")]
    [DataRow("Directory.Build.props")]
    [DataRow("Directory.Build.targets")]
    [DataRow("Directory.Packages.props")]
    [DataRow(".config/dotnet-tools.json")]
    [DataRow("Pipelines.sln")]
    [DataRow("All.slnx")]
    [DataRow("src/Web/packages.lock.json")]
    public void A_whole_build_file_selects_every_test_project(string path)
    {
        var result = TestSelector.Select([Modified(path)], GraphPolicy, Graph);

        Assert.IsTrue(result.RunAll, path);
        CollectionAssert.AreEqual(
            new[] { "tests/Billing.Tests/Billing.Tests.csproj", "tests/Core.Tests/Core.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" },
            result.Projects.ToArray());
        StringAssert.Contains(result.RunAllReason, path);
        Assert.AreEqual(0, result.Untagged.Count);
    }

    [TestMethod]
    public void A_nested_directory_build_props_affects_projects_below_it_and_their_dependents()
    {
        var result = TestSelector.Select([Modified("src/Billing/Directory.Build.props")], GraphPolicy, Graph);

        Assert.IsFalse(result.RunAll);
        CollectionAssert.AreEqual(
            new[] { "tests/Billing.Tests/Billing.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" },
            result.Projects.ToArray());
    }

    [TestMethod]
    public void A_file_in_a_project_no_test_depends_on_is_known_selects_nothing_and_says_so()
    {
        // Issue #17 changed this: a sample, benchmark or tool is known, not untagged, so it no longer runs everything.
        var result = TestSelector.Select([Modified("src/Tool/Program.cs")], SelectionPolicy.Default, Graph);

        Assert.IsFalse(result.RunAll, result.RunAllReason);
        Assert.AreEqual(0, result.Untagged.Count);
        Assert.IsTrue(result.NothingToRun);
        StringAssert.Contains(result.FileReasons["src/Tool/Program.cs"], "known: belongs to src/Tool/Tool.csproj, which no test project depends on");
    }

    [TestMethod]
    public void Under_untested_projects_untagged_a_project_no_test_depends_on_is_untagged_as_before()
    {
        var policy = SelectionPolicy.Default with { UntestedProjects = UntestedProjectPolicy.Untagged };
        var result = TestSelector.Select([Modified("src/Tool/Program.cs")], policy, Graph);

        var untagged = result.Untagged.Single();
        Assert.AreEqual("src/Tool/Program.cs", untagged.Path);
        StringAssert.Contains(untagged.Why, "no test project depends on src/Tool/Tool.csproj");
        Assert.IsTrue(result.RunAll);
        Assert.AreEqual("src/Tool/Program.cs", result.RunAllCauses.Single().Path);
    }

    [TestMethod]
    public void A_sample_with_its_own_tests_selects_only_those()
    {
        var graph = new ProjectGraph([.. Graph.Projects,
            new ProjectNode("samples/Shop/Shop.csproj", false, [], []),
            new ProjectNode("samples/Shop.Tests/Shop.Tests.csproj", true, ["samples/Shop/Shop.csproj"], [])]);

        var result = TestSelector.Select([Modified("samples/Shop/Cart.cs")], SelectionPolicy.Default, graph);

        Assert.IsFalse(result.RunAll);
        CollectionAssert.AreEqual(new[] { "samples/Shop.Tests/Shop.Tests.csproj" }, result.Projects.ToArray());
        StringAssert.Contains(result.FileReasons["samples/Shop/Cart.cs"], "project graph: 1 test project (samples/Shop.Tests/Shop.Tests.csproj)");
    }

    [TestMethod]
    [DataRow(".github/workflows/ci.yml")]
    [DataRow(".github/dependabot.yml")]
    [DataRow(".github/CODEOWNERS")]
    [DataRow("CODEOWNERS")]
    [DataRow(".gitattributes")]
    [DataRow(".gitignore")]
    [DataRow("LICENSE")]
    [DataRow("LICENSE.txt")]
    [DataRow("README.md")]
    [DataRow("docs/guide/setup.md")]
    public void Housekeeping_files_outside_projects_need_no_tests_by_default(string path)
    {
        var result = TestSelector.Select([Modified(path)], SelectionPolicy.Default, Graph);

        Assert.IsFalse(result.RunAll, result.RunAllReason);
        Assert.AreEqual(0, result.Untagged.Count);
        Assert.IsTrue(result.NothingToRun);
        StringAssert.StartsWith(result.FileReasons[path], "housekeeping (");
    }

    [TestMethod]
    public void A_composite_action_is_not_housekeeping_it_is_unknown_and_runs_everything_naming_it()
    {
        var result = TestSelector.Select([Modified(".github/actions/setup/action.yml"), Modified(".github/workflows/ci.yml")], SelectionPolicy.Default, Graph);

        Assert.IsTrue(result.RunAll);
        var cause = result.RunAllCauses.Single();
        Assert.AreEqual(".github/actions/setup/action.yml", cause.Path);
        StringAssert.Contains(cause.Why, "no project owns or includes it");
        StringAssert.StartsWith(result.FileReasons[".github/workflows/ci.yml"], "housekeeping");
    }

    [TestMethod]
    public void Markdown_inside_a_project_is_that_projects_file_not_housekeeping()
    {
        var result = TestSelector.Select([Modified("src/Billing/README.md")], SelectionPolicy.Default, Graph);
        CollectionAssert.AreEqual(new[] { "tests/Billing.Tests/Billing.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" }, result.Projects.ToArray());
    }

    [TestMethod]
    public void A_policy_housekeeping_list_replaces_the_defaults()
    {
        var policy = SelectionPolicy.Default with { Housekeeping = GlobSet.Compile(["scripts/**"]) };

        var result = TestSelector.Select([Modified("scripts/release.sh"), Modified(".github/workflows/ci.yml")], policy, Graph);

        Assert.IsTrue(result.RunAll);
        Assert.AreEqual(".github/workflows/ci.yml", result.RunAllCauses.Single().Path);
        StringAssert.StartsWith(result.FileReasons["scripts/release.sh"], "housekeeping (scripts/**)");
    }

    [TestMethod]
    public void A_file_the_tests_name_in_their_sources_selects_them_even_if_it_looks_like_housekeeping()
    {
        var sources = new NamedBy(new Dictionary<string, string[]>
        {
            [".github/workflows/ci.yml"] = ["tests/Web.Tests/Web.Tests.csproj"],
            ["tools/lint.sh"] = ["tests/Core.Tests/Core.Tests.csproj"],
        });

        var result = TestSelector.Select([Modified(".github/workflows/ci.yml"), Modified("tools/lint.sh")], SelectionPolicy.Default, Graph, testSources: sources);

        Assert.IsFalse(result.RunAll, result.RunAllReason);
        CollectionAssert.AreEqual(new[] { "tests/Core.Tests/Core.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" }, result.Projects.ToArray());
        Assert.AreEqual("named in test sources", result.ProjectReasons["tests/Web.Tests/Web.Tests.csproj"].Rule);
        StringAssert.Contains(result.FileReasons["tools/lint.sh"], "named in the sources of tests/Core.Tests/Core.Tests.csproj");
        Assert.AreEqual("tests/Core.Tests/Named.cs", result.ReadAtRunTime["tools/lint.sh"].Single().Path, "the impact map narrows by the naming source");
    }

    [TestMethod]
    public void A_change_also_selects_the_tests_that_build_a_project_it_compiles_into_at_run_time()
    {
        // Core.Tests publishes the web app and runs it: its sources name Web.csproj, which builds from Billing.
        var sources = new NamedBy(new Dictionary<string, string[]> { ["src/Web/Web.csproj"] = ["tests/Core.Tests/Core.Tests.csproj"] });

        var result = TestSelector.Select([Modified("src/Billing/Invoice.cs")], GraphPolicy, Graph, testSources: sources);
        var alone = TestSelector.Select([Modified("src/Billing/Invoice.cs")], GraphPolicy, Graph);

        CollectionAssert.AreEqual(
            new[] { "tests/Billing.Tests/Billing.Tests.csproj", "tests/Core.Tests/Core.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" }, result.Projects.ToArray());
        Assert.AreEqual("built by test sources", result.ProjectReasons["tests/Core.Tests/Core.Tests.csproj"].Rule);
        StringAssert.Contains(result.FileReasons["src/Billing/Invoice.cs"], "built at run time by 1 test project (tests/Core.Tests/Core.Tests.csproj)");
        CollectionAssert.AreEqual(new[] { "tests/Billing.Tests/Billing.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" }, alone.Projects.ToArray());
    }

    [TestMethod]
    public void A_whole_build_file_is_a_run_all_cause_with_its_reason()
    {
        var result = TestSelector.Select([Modified("global.json"), Modified("src/Core/A.cs")], SelectionPolicy.Default, Graph);

        Assert.IsTrue(result.RunAll);
        var cause = result.RunAllCauses.Single();
        Assert.AreEqual("global.json", cause.Path);
        Assert.AreEqual("it configures the whole build", cause.Why);
    }

    [TestMethod]
    public void Every_changed_file_gets_a_reason()
    {
        var policy = SelectionPolicy.Default with { Ignore = GlobSet.Compile(["docs/**"]), Tags = TagPolicy.Tags };
        string[] paths = ["docs/a.txt", "src/Billing/A.cs", "src/Core/B.cs", "scripts/x.sh"];

        var result = TestSelector.Select([.. paths.Select(Modified)], policy, Graph);

        CollectionAssert.AreEqual(paths.Order(StringComparer.Ordinal).ToArray(), result.FileReasons.Keys.ToArray());
        Assert.AreEqual("ignored (tests.ignore: docs/**)", result.FileReasons["docs/a.txt"]);
        StringAssert.StartsWith(result.FileReasons["src/Billing/A.cs"], "tag billing (src/Billing/**); project graph: 2 test projects");
        StringAssert.StartsWith(result.FileReasons["scripts/x.sh"], "unknown: no tag's paths match it, and no project owns or includes it");
    }

    [TestMethod]
    [DataRow(".editorconfig")]
    [DataRow(".globalconfig")]
    public void An_analyzer_config_applies_to_the_projects_below_it(string name)
    {
        var below = TestSelector.Select([Modified("src/Billing/" + name)], SelectionPolicy.Default, Graph);
        CollectionAssert.AreEqual(new[] { "tests/Billing.Tests/Billing.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" }, below.Projects.ToArray());
        Assert.IsFalse(below.RunAll);

        var atRoot = TestSelector.Select([Modified(name)], SelectionPolicy.Default, Graph);
        Assert.IsTrue(atRoot.RunAll);
        Assert.AreEqual("it applies to every project below the repository root", atRoot.RunAllCauses.Single().Why);
    }

    [TestMethod]
    public void With_tags_only_housekeeping_still_needs_no_tests()
    {
        var policy = TagPolicy with { Ignore = GlobSet.Empty };
        var result = TestSelector.Select([Modified(".github/workflows/ci.yml"), Modified("NOTES.md")], policy);

        Assert.IsFalse(result.RunAll, result.RunAllReason);
        Assert.IsTrue(result.NothingToRun);
    }

    private sealed class NamedBy(Dictionary<string, string[]> names) : ITestSourceIndex
    {
        public IReadOnlyList<NamingSource> SourcesNaming(string path, bool exactly = false) =>
            [.. (names.GetValueOrDefault(path) ?? []).Select(p => new NamingSource(p, p[..p.LastIndexOf('/')] + "/Named.cs", InConstant: false))];

        public IReadOnlyList<string> ScriptsNaming(string path) => [];
    }

    [TestMethod]
    public void A_file_no_project_owns_is_untagged()
    {
        var result = TestSelector.Select([Modified("scripts/release.sh")], GraphPolicy, Graph);
        StringAssert.Contains(result.Untagged.Single().Why, "no project owns or includes it");
    }

    [TestMethod]
    public void Tags_and_graph_combine()
    {
        var policy = GraphPolicy with { Tags = TagPolicy.Tags };
        var result = TestSelector.Select([Modified("src/Billing/Invoice.cs")], policy, Graph);

        CollectionAssert.AreEqual(new[] { "billing" }, result.Tags.ToArray());
        CollectionAssert.AreEqual(
            new[] { "tests/Billing.Tests/Billing.Tests.csproj", "tests/Web.Tests/Web.Tests.csproj" }, result.Projects.ToArray());
        Assert.AreEqual("TestCategory=billing", result.Filter);
    }

    [TestMethod]
    public void Deleting_a_whole_project_selects_the_tests_that_depended_on_it_at_base()
    {
        var baseGraph = new ProjectGraph([.. Graph.Projects, new ProjectNode("src/Legacy/Legacy.csproj", false, [], [])]);
        var head = new ProjectGraph(Graph.Projects.Select(p => p.Path == "tests/Web.Tests/Web.Tests.csproj" ? p with { References = ["src/Web/Web.csproj"] } : p));
        var withLegacyDependent = new ProjectGraph(baseGraph.Projects.Select(p =>
            p.Path == "tests/Web.Tests/Web.Tests.csproj" ? p with { References = ["src/Web/Web.csproj", "src/Legacy/Legacy.csproj"] } : p));

        var result = TestSelector.Select(
            [new FileChange(ChangeKind.Deleted, "src/Legacy/Legacy.csproj"), new FileChange(ChangeKind.Deleted, "src/Legacy/Old.cs")],
            GraphPolicy, head, withLegacyDependent);

        CollectionAssert.AreEqual(new[] { "tests/Web.Tests/Web.Tests.csproj" }, result.Projects.ToArray());
        Assert.AreEqual("project graph at base", result.ProjectReasons["tests/Web.Tests/Web.Tests.csproj"].Rule);
        Assert.AreEqual(0, result.Untagged.Count);
    }

    [TestMethod]
    public void Deleting_a_test_project_with_its_files_needs_no_tests_and_is_not_untagged()
    {
        var baseGraph = new ProjectGraph([.. Graph.Projects, new ProjectNode("tests/Legacy.Tests/Legacy.Tests.csproj", true, ["src/Core/Core.csproj"], [])]);

        var result = TestSelector.Select(
            [new FileChange(ChangeKind.Deleted, "tests/Legacy.Tests/Legacy.Tests.csproj"), new FileChange(ChangeKind.Deleted, "tests/Legacy.Tests/OldTests.cs")],
            GraphPolicy with { Untagged = UntaggedPolicy.Fail }, Graph, baseGraph);

        Assert.AreEqual(0, result.Untagged.Count);
        Assert.AreEqual(0, result.Projects.Count);
        Assert.IsFalse(result.Failed);
    }

    [TestMethod]
    public void With_inference_off_the_graph_is_not_used()
    {
        var result = TestSelector.Select([Modified("src/Core/Parser.cs")], GraphPolicy with { Infer = InferMode.None }, Graph);
        Assert.AreEqual(0, result.Projects.Count);
        Assert.AreEqual(1, result.Untagged.Count);
    }

    [TestMethod]
    public void Reasons_list_a_bounded_number_of_files_but_count_them_all()
    {
        var changes = Enumerable.Range(0, TestSelector.MaxReasonFiles + 10).Select(i => Modified($"src/Core/F{i:000}.cs")).ToList();
        var result = TestSelector.Select(changes, GraphPolicy, Graph);
        var reason = result.ProjectReasons["tests/Core.Tests/Core.Tests.csproj"];
        Assert.AreEqual(TestSelector.MaxReasonFiles, reason.Files.Count);
        Assert.AreEqual(TestSelector.MaxReasonFiles + 10, reason.FileCount);
    }

    [TestMethod]
    public void An_empty_diff_selects_nothing()
    {
        var result = TestSelector.Select([], TagPolicy, Graph);
        Assert.IsTrue(result.NothingToRun);
        Assert.AreEqual(0, result.ChangedFileCount);
    }
}

using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// <c>select-tests</c> with <c>infer: dotnet</c> on a real git repository laid out the way real .NET repositories are:
/// test projects marked by an imported <c>eng/Test.targets</c>, a shared source folder linked into a project,
/// a test-utilities library, and chains of references.
/// </summary>
[TestClass]
public sealed class SelectTestsGraphTests
{
    private const string MoneyTests = "tests/Money.Tests/Money.Tests.csproj";
    private const string BillingTests = "tests/Billing.Tests/Billing.Tests.csproj";
    private const string WebTests = "tests/Web.Tests/Web.Tests.csproj";

    private static TemporaryRepository ShopRepository()
    {
        var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  untagged: fail\n  infer: dotnet\n  ignore: [\"docs/**\"]\n")
            .Write("Directory.Build.props", """
                <Project>
                  <PropertyGroup>
                    <RepoRoot>$(MSBuildThisFileDirectory)</RepoRoot>
                    <TargetFramework>net10.0</TargetFramework>
                  </PropertyGroup>
                </Project>
                """)
            .Write("Directory.Build.targets", """
                <Project>
                  <Import Project="$(RepoRoot)eng/Test.targets" Condition="'$(ProjectType)' == 'Test'" />
                </Project>
                """)
            .Write("eng/Test.targets", """
                <Project>
                  <PropertyGroup><IsTestProject>true</IsTestProject></PropertyGroup>
                  <ItemGroup><PackageReference Include="MSTest" /></ItemGroup>
                </Project>
                """)
            .Write("src/Money/Money.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />")
            .Write("src/Money/Money.cs", "class Money {}")
            .Write("src/Billing/Billing.csproj", Project(references: [@"..\Money\Money.csproj"]))
            .Write("src/Billing/Invoice.cs", "class Invoice {}")
            .Write("src/Web/Web.csproj", Project(references: [@"..\Billing\Billing.csproj"], items: """<Compile Include="..\Shared\Clock.cs" Link="Clock.cs" />"""))
            .Write("src/Web/Page.cs", "class Page {}")
            .Write("src/Shared/Clock.cs", "class Clock {}")
            .Write("tests/TestUtilities/TestUtilities.csproj", Project(properties: "<IsTestProject>false</IsTestProject>"))
            .Write("tests/TestUtilities/Fakes.cs", "class Fakes {}")
            .Write(MoneyTests, Project(references: [@"..\..\src\Money\Money.csproj"], items: """<PackageReference Include="Microsoft.NET.Test.Sdk" />"""))
            .Write(BillingTests, Project(properties: "<ProjectType>Test</ProjectType>", references: [@"..\..\src\Billing\Billing.csproj", @"..\TestUtilities\TestUtilities.csproj"]))
            .Write(WebTests, Project(properties: "<ProjectType>Test</ProjectType>", references: [@"..\..\src\Web\Web.csproj"]))
            .Write("docs/guide.md", "# guide")
            .Commit("initial");
        return repo;
    }

    private static string Project(string properties = "", string[]? references = null, string items = "")
    {
        var refs = string.Concat((references ?? []).Select(r => $"<ProjectReference Include=\"{r}\" />"));
        return $"<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup>{properties}</PropertyGroup><ItemGroup>{refs}{items}</ItemGroup></Project>";
    }

    private static (int Exit, JsonElement Json, string Error) Select(TemporaryRepository repo)
    {
        var run = CliRunner.Run(repo.Path, "select-tests", "--base", "HEAD~1", "--json");
        var json = run.StandardOutput.Length > 0 ? JsonDocument.Parse(run.StandardOutput).RootElement.Clone() : default;
        return (run.ExitCode, json, run.StandardError);
    }

    private static List<string> Strings(JsonElement json, string property) =>
        [.. json.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];

    private static void AssertProjects(JsonElement json, params string[] expected)
    {
        Assert.IsFalse(json.GetProperty("runAll").GetBoolean(), json.GetProperty("runAllReason").ToString());
        CollectionAssert.AreEqual(expected, Strings(json, "projects"));
        Assert.IsEmpty(Strings(json, "untagged"));
    }

    [TestMethod]
    public void A_change_to_a_library_selects_every_test_project_that_reaches_it_through_any_chain_of_references()
    {
        using var repo = ShopRepository();
        repo.Write("src/Money/Money.cs", "class Money { decimal amount; }").Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        AssertProjects(json, BillingTests, MoneyTests, WebTests);
    }

    [TestMethod]
    public void A_change_at_the_top_of_the_graph_selects_only_the_tests_above_it()
    {
        using var repo = ShopRepository();
        repo.Write("src/Web/Page.cs", "class Page { }").Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        AssertProjects(json, WebTests);
    }

    [TestMethod]
    public void A_shared_source_file_selects_the_tests_of_the_projects_that_link_it()
    {
        using var repo = ShopRepository();
        repo.Write("src/Shared/Clock.cs", "class Clock { }").Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        AssertProjects(json, WebTests);
    }

    [TestMethod]
    public void A_targets_file_imported_only_by_test_projects_selects_exactly_those()
    {
        using var repo = ShopRepository();
        repo.Write("eng/Test.targets", "<Project><PropertyGroup><IsTestProject>true</IsTestProject><Nullable>enable</Nullable></PropertyGroup></Project>").Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        AssertProjects(json, BillingTests, WebTests);
    }

    [TestMethod]
    public void A_test_utility_library_selects_the_test_projects_that_use_it()
    {
        using var repo = ShopRepository();
        repo.Write("tests/TestUtilities/Fakes.cs", "class Fakes { }").Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        AssertProjects(json, BillingTests);
    }

    [TestMethod]
    public void The_root_Directory_Build_props_means_every_test_project()
    {
        using var repo = ShopRepository();
        repo.Write("Directory.Build.props", "<Project><PropertyGroup><RepoRoot>$(MSBuildThisFileDirectory)</RepoRoot><LangVersion>preview</LangVersion></PropertyGroup></Project>").Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        Assert.IsTrue(json.GetProperty("runAll").GetBoolean());
        CollectionAssert.AreEqual(new[] { BillingTests, MoneyTests, WebTests }, Strings(json, "projects"));
    }

    [TestMethod]
    public void A_deleted_library_selects_the_tests_that_depended_on_it_at_the_base()
    {
        using var repo = ShopRepository();
        repo.Delete("src/Money/Money.csproj").Delete("src/Money/Money.cs")
            .Write("src/Billing/Billing.csproj", Project())
            .Delete(MoneyTests)
            .Commit("fold Money into Billing");

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        AssertProjects(json, BillingTests, WebTests);
    }

    [TestMethod]
    public void A_moved_project_selects_the_tests_of_both_its_old_and_new_place()
    {
        using var repo = ShopRepository();
        repo.Move("src/Billing", "src/Payments");
        repo.Move("src/Payments/Billing.csproj", "src/Payments/Payments.csproj");
        repo.Write(BillingTests, Project(properties: "<ProjectType>Test</ProjectType>", references: [@"..\..\src\Payments\Payments.csproj", @"..\TestUtilities\TestUtilities.csproj"]))
            .Write("src/Web/Web.csproj", Project(references: [@"..\Payments\Payments.csproj"], items: """<Compile Include="..\Shared\Clock.cs" Link="Clock.cs" />"""))
            .Commit("rename Billing to Payments");

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        AssertProjects(json, BillingTests, WebTests);
    }

    [TestMethod]
    public void A_file_outside_every_project_is_untagged_and_fails_under_untagged_fail()
    {
        using var repo = ShopRepository();
        repo.Write("scripts/deploy.sh", "echo deploy").Commit();

        var (exit, json, _) = Select(repo);

        Assert.AreEqual(1, exit);
        CollectionAssert.AreEqual(new[] { "scripts/deploy.sh" }, Strings(json, "untagged"));
    }

    [TestMethod]
    public void A_malformed_project_file_is_bad_input_naming_the_file_and_line()
    {
        using var repo = ShopRepository();
        repo.Write("src/Web/Web.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <ProjectReference Include=\"..\\Billing\\Billing.csproj\">\n</Project>\n").Commit();

        var run = CliRunner.Run(repo.Path, "select-tests", "--base", "HEAD~1");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "src/Web/Web.csproj(");
    }

    // ---- issue #17: run everything only when something is truly unknown ----

    [TestMethod]
    public void Samples_housekeeping_and_workflows_select_what_they_reach_and_json_explains_each_file()
    {
        using var repo = ShopRepository();
        repo.Write("samples/Demo/Demo.csproj", Project(references: [@"..\..\src\Web\Web.csproj"]))
            .Write("tests/Web.Tests/WorkflowTests.cs", "class WorkflowTests { string Folder = \".github/workflows\"; }")
            .Commit("sample and a workflow test");
        repo.Write("samples/Demo/Program.cs", "class Program {}")
            .Write(".github/workflows/ci.yml", "on: push")
            .Write(".github/dependabot.yml", "version: 2")
            .Write("LICENSE", "MIT")
            .Write("CONTRIBUTING.md", "# contributing")
            .Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        AssertProjects(json, WebTests);
        var reasons = json.GetProperty("fileReasons");
        StringAssert.Contains(reasons.GetProperty("samples/Demo/Program.cs").GetString(), "known: belongs to samples/Demo/Demo.csproj, which no test project depends on");
        StringAssert.Contains(reasons.GetProperty(".github/workflows/ci.yml").GetString(), "named in the sources of tests/Web.Tests/Web.Tests.csproj");
        StringAssert.StartsWith(reasons.GetProperty(".github/dependabot.yml").GetString(), "housekeeping (.github/**)");
        StringAssert.StartsWith(reasons.GetProperty("LICENSE").GetString(), "housekeeping (LICENSE)");
        StringAssert.StartsWith(reasons.GetProperty("CONTRIBUTING.md").GetString(), "housekeeping (*.md)");
        Assert.AreEqual(0, json.GetProperty("runAllCauses").GetArrayLength());
    }

    [TestMethod]
    public void A_run_all_lists_every_unknown_file_and_why()
    {
        using var repo = ShopRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  untagged: run-all\n").Commit("run-all policy");
        repo.Write("scripts/deploy.sh", "echo").Write(".github/actions/setup/action.yml", "runs: {}").Write("src/Web/Page.cs", "class Page { }").Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        Assert.IsTrue(json.GetProperty("runAll").GetBoolean());
        var causes = json.GetProperty("runAllCauses").EnumerateArray()
            .ToDictionary(c => c.GetProperty("path").GetString()!, c => c.GetProperty("why").GetString()!);
        CollectionAssert.AreEquivalent(new[] { ".github/actions/setup/action.yml", "scripts/deploy.sh" }, causes.Keys.ToArray());
        StringAssert.Contains(causes["scripts/deploy.sh"], "no project owns or includes it");
    }

    [TestMethod]
    public void The_policy_can_replace_the_housekeeping_files_and_make_untested_projects_untagged()
    {
        using var repo = ShopRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  untagged: run-all\n  housekeeping: [\"scripts/**\"]\n  untested-projects: untagged\n")
            .Write("tools/Gen/Gen.csproj", Project())
            .Commit("policy");
        repo.Write("scripts/deploy.sh", "echo").Write("LICENSE", "MIT").Write("tools/Gen/Program.cs", "class P {}").Commit();

        var (exit, json, error) = Select(repo);

        Assert.AreEqual(0, exit, error);
        Assert.IsTrue(json.GetProperty("runAll").GetBoolean());
        var causes = json.GetProperty("runAllCauses").EnumerateArray().Select(c => c.GetProperty("path").GetString()).ToArray();
        CollectionAssert.AreEquivalent(new[] { "LICENSE", "tools/Gen/Program.cs" }, causes);
        StringAssert.StartsWith(json.GetProperty("fileReasons").GetProperty("scripts/deploy.sh").GetString(), "housekeeping (scripts/**)");
    }

    [TestMethod]
    public void An_unknown_untested_projects_value_is_bad_input_naming_the_key()
    {
        using var repo = ShopRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  untested-projects: sometimes\n").Commit("policy");
        repo.Write("src/Web/Page.cs", "class Page { }").Commit();

        var (exit, _, error) = Select(repo);

        Assert.AreEqual(2, exit, error);
        StringAssert.Contains(error, "untested-projects");
    }
}

using Pipelines.Adapters.DotNet;
using Pipelines.Core.Selection;

namespace Pipelines.Adapters.Tests.DotNet;

/// <summary>Files outside a project's folder that it still builds from belong to it (issue #17).</summary>
[TestClass]
public sealed class ProjectInputsTests
{
    private static string Project(string body = "") => "<Project Sdk=\"Microsoft.NET.Sdk\">" + body + "</Project>";

    private static IReadOnlyList<string> Inputs(InMemoryFileTree tree, string project) => ProjectGraphReader.Read(tree).Find(project)!.Inputs;

    [TestMethod]
    [DataRow("AssemblyOriginatorKeyFile", "eng/key.snk")]
    [DataRow("CodeAnalysisRuleSet", "eng/rules.ruleset")]
    [DataRow("ApplicationIcon", "assets/app.ico")]
    public void A_file_named_by_a_property_is_an_input(string property, string file)
    {
        var tree = new InMemoryFileTree()
            .Add("Directory.Build.props", $"<Project><PropertyGroup><RepoRoot>$(MSBuildThisFileDirectory)</RepoRoot><{property}>$(RepoRoot){file}</{property}></PropertyGroup></Project>")
            .Add("src/A/A.csproj", Project())
            .Add(file, "x");

        CollectionAssert.Contains(Inputs(tree, "src/A/A.csproj").ToArray(), file);
    }

    [TestMethod]
    public void A_property_naming_a_missing_file_adds_nothing()
    {
        var tree = new InMemoryFileTree()
            .Add("src/A/A.csproj", Project("<PropertyGroup><AssemblyOriginatorKeyFile>../../eng/none.snk</AssemblyOriginatorKeyFile></PropertyGroup>"));

        Assert.AreEqual(0, Inputs(tree, "src/A/A.csproj").Count);
    }

    [TestMethod]
    [DataRow("None")]
    [DataRow("Content")]
    [DataRow("EmbeddedResource")]
    [DataRow("AdditionalFiles")]
    [DataRow("GlobalAnalyzerConfigFiles")]
    [DataRow("EditorConfigFiles")]
    public void Items_outside_the_folder_are_inputs_globs_included(string item)
    {
        var tree = new InMemoryFileTree()
            .Add("src/A/A.csproj", Project($"""<ItemGroup><{item} Include="..\..\shared\config\**\*.json" /><{item} Include="../../eng/analyzers.globalconfig" /></ItemGroup>"""))
            .Add("shared/config/a.json", "{}")
            .Add("shared/config/deep/b.json", "{}")
            .Add("shared/config/c.txt", "no")
            .Add("eng/analyzers.globalconfig", "is_global = true");

        CollectionAssert.AreEquivalent(
            new[] { "shared/config/a.json", "shared/config/deep/b.json", "eng/analyzers.globalconfig" },
            Inputs(tree, "src/A/A.csproj").ToArray());
    }

    [TestMethod]
    public void Linked_shared_sources_and_targets_imported_through_a_property_are_inputs()
    {
        var tree = new InMemoryFileTree()
            .Add("Directory.Build.props", "<Project><PropertyGroup><EngDir>$(MSBuildThisFileDirectory)eng/</EngDir></PropertyGroup></Project>")
            .Add("Directory.Build.targets", "<Project><Import Project=\"$(EngDir)*.targets\" /></Project>")
            .Add("eng/Signing.targets", "<Project />")
            .Add("eng/Packaging.targets", "<Project />")
            .Add("src/Shared/Guard.cs", "class Guard {}")
            .Add("src/Shared/Text/Ascii.cs", "class Ascii {}")
            .Add("src/Lib/Lib.csproj", Project("""<ItemGroup><Compile Include="..\Shared\**\*.cs" LinkBase="Shared" /></ItemGroup>"""));

        var inputs = Inputs(tree, "src/Lib/Lib.csproj");

        foreach (var file in new[] { "eng/Signing.targets", "eng/Packaging.targets", "src/Shared/Guard.cs", "src/Shared/Text/Ascii.cs" })
        {
            CollectionAssert.Contains(inputs.ToArray(), file);
        }
    }

    [TestMethod]
    public void Test_sources_that_name_a_file_or_its_folder_are_found()
    {
        var tree = new InMemoryFileTree()
            .Add("src/Lib/Lib.csproj", Project())
            .Add("tests/Lib.Tests/Lib.Tests.csproj", Project("""<ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /><ProjectReference Include="../Testing/Testing.csproj" /></ItemGroup>"""))
            .Add("tests/Lib.Tests/WorkflowTests.cs", "var all = Directory.GetFiles(Root(\".github/workflows\"));")
            .Add("tests/Testing/Testing.csproj", Project())
            .Add("tests/Testing/Samples.cs", "const string Shop = \"samples/shop\";")
            .Add("tests/Lib.Tests/TaskTests.cs", "var json = Read($\"tasks/{name}/task.json\");")
            .Add("tests/Lib.Tests/ConfigTests.cs", "var config = Read(\"config/\" + name);\n// docs/guide.md is only mentioned here")
            .Add("src/Lib/Uses.cs", "// tools/release.sh is named here, but by no test");

        var index = new TestSourceIndex(tree, ProjectGraphReader.Read(tree));

        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/Lib.Tests.csproj" }, ProjectsNaming(index, ".github/workflows/ci.yml").ToArray());
        CollectionAssert.AreEqual(new[] { "tests/Testing/Testing.csproj" }, ProjectsNaming(index, "samples/shop/src/Cart.cs").ToArray(), "a library only tests use counts");
        Assert.AreEqual(0, ProjectsNaming(index, "tools/release.sh").Count, "a production project's sources do not count");
        Assert.AreEqual(0, ProjectsNaming(index, ".github/dependabot.yml").Count, "a whole literal (\".github/workflows\") names that folder, not its neighbours");
        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/Lib.Tests.csproj" }, ProjectsNaming(index, "config/prod/app.json").ToArray(), "a literal cut short by a + (\"config/\" + name) names all below it: the safe side");
        Assert.AreEqual(0, ProjectsNaming(index, "docs/guide.md").Count, "a comment reads nothing");
        Assert.AreEqual(0, ProjectsNaming(index, ".github/dependabot.yml", exactly: true).Count, "asked exactly (a housekeeping file), \".github/workflows\" names the workflows only");
        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/Lib.Tests.csproj" }, ProjectsNaming(index, ".github/workflows/ci.yml", exactly: true).ToArray(), "its folder is named");
        Assert.AreEqual(0, ProjectsNaming(index, "tools/other.sh").Count, "a top folder unquoted (tools/release.sh in a comment of a production project) does not");
        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/Lib.Tests.csproj" }, ProjectsNaming(index, "tasks/Deploy/index.js").ToArray(), "a top folder at the start of a literal");
    }

    [TestMethod]
    public void A_test_support_library_a_benchmark_also_references_is_read_and_a_production_library_is_not()
    {
        var tree = new InMemoryFileTree()
            .Add("src/Lib/Lib.csproj", Project())
            .Add("src/Lib/Paths.cs", "var samples = \"samples/app\";")
            .Add("tests/Testing/Testing.csproj", Project("""<ItemGroup><PackageReference Include="MSTest.TestFramework" /><ProjectReference Include="../../src/Lib/Lib.csproj" /></ItemGroup>"""))
            .Add("tests/Testing/Samples.cs", "var root = Path.Combine(\"tests\", \"samples\");")
            .Add("tests/Lib.Tests/Lib.Tests.csproj", Project("""<ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /><ProjectReference Include="../Testing/Testing.csproj" /></ItemGroup>"""))
            .Add("bench/Bench/Bench.csproj", Project("""<ItemGroup><ProjectReference Include="../../tests/Testing/Testing.csproj" /></ItemGroup>"""));

        var index = new TestSourceIndex(tree, ProjectGraphReader.Read(tree));

        CollectionAssert.AreEqual(new[] { "tests/Testing/Testing.csproj" }, ProjectsNaming(index, "tests/samples/Tool/Tool.csproj").ToArray(),
            "the shared test helpers name the samples their tests build, though the benchmark references them too");
        Assert.AreEqual(0, ProjectsNaming(index, "samples/app/a.json").Count, "a production library the tests reference is not read");
    }

    private static IReadOnlyList<string> ProjectsNaming(TestSourceIndex index, string path, bool exactly = false) =>
        [.. index.SourcesNaming(path, exactly).Select(s => s.Project).Distinct(StringComparer.Ordinal)];

    [TestMethod]
    public void A_top_folder_followed_by_literal_segments_names_that_folder_and_a_key_names_nothing()
    {
        var tree = new InMemoryFileTree()
            .Add("tests/Lib.Tests/Lib.Tests.csproj", Project("""<ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /></ItemGroup>"""))
            .Add("tests/Lib.Tests/DataTests.cs", "var data = Path.Combine(\"tests\", \"data\", \"rates\");")
            .Add("tests/Lib.Tests/InputTests.cs", "var inputs = new Dictionary<string, string> { [\"tests\"] = \"tests.txt\" };\nvar json = \"\"\"{\"tests\":[]}\"\"\";\nvar one = inputs[\"tests\"];")
            .Add("tests/Lib.Tests/SpecTests.cs", "string[] Folders() => [\"specs\"];")
            .Add("tests/Lib.Tests/LintTests.cs", "var all = Directory.EnumerateFiles(Path.Combine(root, \"src\"));")
            .Add("tests/Lib.Tests/ListTests.cs", "foreach (var folder in new[] { \"docs\", \"rates\" }) { Read(folder); }")
            .Add("tests/Lib.Tests/BuildTests.cs", "Programs.Run(\"dotnet\", [\"build\", project, \"--output\", \"out\"]); Programs.Run(\"ls\", [\"-la\", \"tools\"]);");

        var index = new TestSourceIndex(tree, ProjectGraphReader.Read(tree));
        string[] Naming(string path) => [.. index.SourcesNaming(path, exactly: true).Select(n => n.Path)];

        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/DataTests.cs" }, Naming("tests/data/rates/a.csv"));
        CollectionAssert.AreEqual(Array.Empty<string>(), Naming("tests/other/b.csv"), "tests/data/rates is not tests/other, and keys are no paths");
        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/LintTests.cs" }, Naming("src/Lib/A.cs"), "a bare top folder names everything below it");
        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/SpecTests.cs" }, Naming("specs/a.feature"), "a one-item list is no indexer");
        CollectionAssert.AreEqual(Array.Empty<string>(), Naming("data/c.csv"), "a later piece of Path.Combine is no top folder of its own");
        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/ListTests.cs" }, Naming("rates/b.csv"), "in a list of folders each stands alone");
        CollectionAssert.AreEqual(Array.Empty<string>(), Naming("build/release.sh"), "the verb of a command line (dotnet build … --output) is no folder");
        CollectionAssert.AreEqual(new[] { "tests/Lib.Tests/BuildTests.cs" }, Naming("tools/x.sh"), "a later word of a command line still names a folder");
    }

    [TestMethod]
    public void Scripts_anywhere_that_name_a_project_or_its_folder_are_found()
    {
        var tree = new InMemoryFileTree()
            .Add("src/Lib/Lib.csproj", Project())
            .Add("src/Libs/Libs.csproj", Project())
            .Add("build/pack.sh", "dotnet pack \"$root/src/Lib/Lib.csproj\"")
            .Add("tools/Deploy.ps1", "Push-Location src/Lib; dotnet publish")
            .Add("Makefile", "libs:\n\tdotnet build src/Libs/Libs.csproj")
            .Add("README.md", "Build src/Lib/Lib.csproj with dotnet build.");

        var index = new TestSourceIndex(tree, ProjectGraphReader.Read(tree));

        CollectionAssert.AreEqual(new[] { "build/pack.sh", "tools/Deploy.ps1" }, index.ScriptsNaming("src/Lib/Lib.csproj").ToArray(), "by path or by folder; a README is no script");
        CollectionAssert.AreEqual(new[] { "Makefile" }, index.ScriptsNaming("src/Libs/Libs.csproj").ToArray());
        Assert.AreEqual(0, index.ScriptsNaming("src/Other/Other.csproj").Count);
    }

    [TestMethod]
    public void The_sources_naming_a_file_say_which_name_it_in_a_constant()
    {
        var tree = new InMemoryFileTree()
            .Add("tests/Lib.Tests/Lib.Tests.csproj", Project("""<ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /><None Include="../data/**" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>"""))
            .Add("tests/Lib.Tests/RatesTests.cs", "var rates = File.ReadAllText(Root(\"tests/data/rates.csv\"));")
            .Add("tests/Lib.Tests/Paths.cs", "static class Paths\n{\n    public const string Rates =\n        \"tests/data/rates.csv\";\n}")
            .Add("tests/Lib.Tests/Cases.cs", "const int Count = 3; var data = Read(\"tests/data\");")
            .Add("tests/Lib.Tests/cases.json", "{ \"file\": \"tests/data/rates.csv\" }")
            .Add("tests/Lib.Tests/WriterTests.cs", "repo.Write(\"Lint.cs\", \"var x = 1;\")\n    .Write(\"Samples.cs\", \"const string Rates = \\\"tests/data/rates.csv\\\";\");");

        var index = new TestSourceIndex(tree, ProjectGraphReader.Read(tree));
        var naming = index.SourcesNaming("tests/data/rates.csv");

        CollectionAssert.AreEqual(
            new[] { "tests/Lib.Tests/Cases.cs", "tests/Lib.Tests/Paths.cs", "tests/Lib.Tests/RatesTests.cs", "tests/Lib.Tests/WriterTests.cs", "tests/Lib.Tests/cases.json" },
            naming.Select(n => n.Path).ToArray(),
            "every source naming the file or its folder, in path order");
        Assert.IsTrue(naming.All(n => n.Project == "tests/Lib.Tests/Lib.Tests.csproj"));
        CollectionAssert.AreEqual(
            new[] { "tests/Lib.Tests/Paths.cs" },
            naming.Where(n => n.InConstant).Select(n => n.Path).ToArray(),
            "a constant's value on the line after its name counts; a constant earlier in the same line, ended by ';', does not, nor one inside a string");
    }
}

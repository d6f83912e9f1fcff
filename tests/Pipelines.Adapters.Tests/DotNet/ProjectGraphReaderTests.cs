using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Files;
using Pipelines.Adapters.Git;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.DotNet;

[TestClass]
public sealed class ProjectGraphReaderTests
{
    private static string Project(string body = "") => "<Project Sdk=\"Microsoft.NET.Sdk\">" + body + "</Project>";

    private static ProjectNode Node(InMemoryFileTree tree, string path) => ProjectGraphReader.Read(tree).Find(path)!;

    [TestMethod]
    public void Project_references_are_normalized_to_repository_paths_and_only_direct_ones_are_listed()
    {
        var tree = new InMemoryFileTree()
            .Add("src/Core/Core.csproj", Project())
            .Add("src/Billing/Billing.csproj", Project("""<ItemGroup><ProjectReference Include="..\Core\Core.csproj" /></ItemGroup>"""))
            .Add("tests/Billing.Tests/Billing.Tests.csproj", Project("""<ItemGroup><ProjectReference Include="../../src/./Billing/Billing.csproj;..\..\src\Missing\Missing.csproj" /></ItemGroup>"""));

        var graph = ProjectGraphReader.Read(tree);

        CollectionAssert.AreEqual(new[] { "src/Core/Core.csproj" }, graph.Find("src/Billing/Billing.csproj")!.References.ToArray());
        CollectionAssert.AreEqual(new[] { "src/Billing/Billing.csproj" }, graph.Find("tests/Billing.Tests/Billing.Tests.csproj")!.References.ToArray());
    }

    [TestMethod]
    [DataRow("""<ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /></ItemGroup>""", true)]
    [DataRow("""<ItemGroup><PackageReference Include="xunit.v3" /></ItemGroup>""", true)]
    [DataRow("""<PropertyGroup><IsTestProject>true</IsTestProject></PropertyGroup>""", true)]
    [DataRow("""<ItemGroup><ProjectCapability Include="TestContainer" /></ItemGroup>""", true)]
    [DataRow("""<ItemGroup><PackageReference Include="MSTest.TestFramework" /></ItemGroup>""", false)]
    [DataRow("""<PropertyGroup><IsTestProject>false</IsTestProject></PropertyGroup><ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /></ItemGroup>""", false)]
    [DataRow("""<ItemGroup Condition="'$(Configuration)' == 'Never'"><PackageReference Include="Microsoft.NET.Test.Sdk" /></ItemGroup>""", false)]
    public void A_test_project_is_recognized_by_its_evaluated_properties_and_packages(string body, bool isTest)
    {
        var tree = new InMemoryFileTree().Add("tests/A/A.csproj", Project(body));

        Assert.AreEqual(isTest, Node(tree, "tests/A/A.csproj").IsTestProject);
    }

    [TestMethod]
    [DataRow("""<ItemGroup><PackageReference Include="MSTest.TestFramework" /></ItemGroup>""", true)]
    [DataRow("""<ItemGroup><PackageReference Include="xunit.v3.assert" /></ItemGroup>""", true)]
    [DataRow("""<ItemGroup><PackageReference Include="nunit" /></ItemGroup>""", true)]
    [DataRow("""<ItemGroup><PackageReference Include="Microsoft.AspNetCore.Mvc.Testing" /></ItemGroup>""", true)]
    [DataRow("""<ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /><PackageReference Include="MSTest.TestFramework" /></ItemGroup>""", false)]
    [DataRow("""<ItemGroup><PackageReference Include="Octokit" /></ItemGroup>""", false)]
    public void A_library_with_a_test_frameworks_assertions_or_test_host_is_test_support_and_a_test_project_is_not(string body, bool isSupport)
    {
        var tree = new InMemoryFileTree().Add("tests/Testing/Testing.csproj", Project(body));

        Assert.AreEqual(isSupport, Node(tree, "tests/Testing/Testing.csproj").IsTestSupport);
    }

    [TestMethod]
    [DataRow("<Project Sdk=\"MSTest.Sdk/3.6.1\" />")]
    [DataRow("<Project><Sdk Name=\"MSTest.Sdk\" Version=\"3.6.1\" /></Project>")]
    public void The_MSTest_SDK_makes_a_test_project(string text)
    {
        var tree = new InMemoryFileTree().Add("tests/A/A.csproj", text);

        Assert.IsTrue(Node(tree, "tests/A/A.csproj").IsTestProject);
    }

    [TestMethod]
    public void A_test_project_marked_by_an_imported_targets_file_chosen_by_the_project_name_is_a_test_project()
    {
        // The pattern of dotnet/runtime and friends: eng/Test.targets decides, the project file says nothing.
        var tree = new InMemoryFileTree()
            .Add("Directory.Build.props", "<Project><PropertyGroup><RepoRoot>$(MSBuildThisFileDirectory)</RepoRoot><IsTestLike>$(MSBuildProjectName.EndsWith('.Tests'))</IsTestLike></PropertyGroup></Project>")
            .Add("Directory.Build.targets", "<Project><Import Project=\"$(RepoRoot)eng\\Test.targets\" Condition=\"'$(IsTestLike)' == 'true'\" /></Project>")
            .Add("eng/Test.targets", "<Project><PropertyGroup><IsTestProject Condition=\"'$(IsTestProject)' == ''\">true</IsTestProject></PropertyGroup></Project>")
            .Add("src/Shop.Tests/Shop.Tests.csproj", Project())
            .Add("src/Shop/Shop.csproj", Project());

        var graph = ProjectGraphReader.Read(tree);

        Assert.IsTrue(graph.Find("src/Shop.Tests/Shop.Tests.csproj")!.IsTestProject);
        CollectionAssert.Contains(graph.Find("src/Shop.Tests/Shop.Tests.csproj")!.Inputs.ToList(), "eng/Test.targets");
        Assert.IsFalse(graph.Find("src/Shop/Shop.csproj")!.IsTestProject);
        CollectionAssert.DoesNotContain(graph.Find("src/Shop/Shop.csproj")!.Inputs.ToList(), "eng/Test.targets");
    }

    [TestMethod]
    public void The_nearest_Directory_Build_props_is_imported_and_chains_to_the_one_above_through_GetPathOfFileAbove()
    {
        var tree = new InMemoryFileTree()
            .Add("Directory.Build.props", "<Project><PropertyGroup><FromRoot>yes</FromRoot></PropertyGroup></Project>")
            .Add("tests/Directory.Build.props", "<Project><Import Project=\"$([MSBuild]::GetPathOfFileAbove('Directory.Build.props', '$(MSBuildThisFileDirectory)../'))\" /><PropertyGroup><IsTestProject Condition=\"'$(FromRoot)' == 'yes'\">true</IsTestProject></PropertyGroup></Project>")
            .Add("tests/A/A.csproj", Project())
            .Add("src/B/B.csproj", Project());

        var graph = ProjectGraphReader.Read(tree);

        var a = graph.Find("tests/A/A.csproj")!;
        Assert.IsTrue(a.IsTestProject);
        CollectionAssert.AreEquivalent(new[] { "tests/Directory.Build.props", "Directory.Build.props" }, a.Inputs.ToList());
        CollectionAssert.AreEqual(new[] { "Directory.Build.props" }, graph.Find("src/B/B.csproj")!.Inputs.ToArray());
    }

    [TestMethod]
    public void Imports_resolve_properties_wildcards_and_skip_sdk_and_missing_files()
    {
        var tree = new InMemoryFileTree()
            .Add("Directory.Build.props", "<Project><PropertyGroup><EngDir>$([MSBuild]::NormalizeDirectory('$(MSBuildThisFileDirectory)', 'eng'))</EngDir></PropertyGroup></Project>")
            .Add("eng/Versions.props", "<Project />")
            .Add("eng/imports/One.targets", "<Project />")
            .Add("eng/imports/Two.targets", "<Project />")
            .Add("src/A/A.csproj", Project("""
                <Import Project="$(EngDir)Versions.props" />
                <Import Project="$(EngDir)imports/*.targets" />
                <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
                <Import Project="$(EngDir)Missing.props" />
                <Import Project="$(MSBuildExtensionsPath)\Microsoft\VisualStudio\v17.0\WebApplications.targets" />
                """));

        var inputs = Node(tree, "src/A/A.csproj").Inputs;

        CollectionAssert.AreEquivalent(new[] { "Directory.Build.props", "eng/Versions.props", "eng/imports/One.targets", "eng/imports/Two.targets" }, inputs.ToList());
    }

    [TestMethod]
    [DataRow("Exists('$(MSBuildThisFileDirectory)extra.props')", true)]
    [DataRow("!Exists('nothing.props')", true)]
    [DataRow("Exists('nothing.props')", false)]
    [DataRow("'$(Flavor)' == 'Blue' and '$(Size)' != 'L'", true)]
    [DataRow("'$(Flavor)' == 'blue' and ('$(Size)' == 'L' or '$(Size)' == 'M')", true)]
    [DataRow("'$(Flavor)' == 'Red' or '$(Size)' == 'S'", false)]
    [DataRow("$(Enabled)", true)]
    [DataRow("!$(Enabled)", false)]
    [DataRow("'$(Number)' >= '10'", true)]
    [DataRow("$([MSBuild]::IsOSPlatform('Windows'))", true)] // unknown: kept
    [DataRow("'@(Compile)' != ''", true)] // items are unknown in the property pass: kept
    [DataRow("'$(TargetFramework)' == 'net48' and $([MSBuild]::IsOSPlatform('Windows'))", false)] // false and unknown is false
    [DataRow("this is not a condition ((", true)] // unparseable: kept
    public void Conditions_are_evaluated_and_what_cannot_be_known_keeps_the_import(string condition, bool imported)
    {
        var tree = new InMemoryFileTree()
            .Add("src/A/extra.props", "<Project />")
            .Add("src/A/A.csproj", Project($"""
                <PropertyGroup><Flavor>Blue</Flavor><Size>M</Size><Enabled>true</Enabled><Number>12</Number><TargetFramework>net10.0</TargetFramework></PropertyGroup>
                <Import Project="extra.props" Condition="{System.Security.SecurityElement.Escape(condition)}" />
                """));

        Assert.AreEqual(imported, Node(tree, "src/A/A.csproj").Inputs.Contains("src/A/extra.props"), condition);
    }

    [TestMethod]
    public void Linked_and_wildcard_sources_outside_the_project_folder_are_inputs()
    {
        var tree = new InMemoryFileTree()
            .Add("src/Shared/Money.cs", "")
            .Add("src/Shared/Time/Clock.cs", "")
            .Add("src/Shared/Time/Clock.txt", "")
            .Add("src/Other/Skipped.cs", "")
            .Add("src/A/Own.cs", "")
            .Add("src/A/A.csproj", Project("""
                <ItemGroup>
                  <Compile Include="..\Shared\Money.cs" Link="Money.cs" />
                  <Compile Include="../Shared/**/*.cs" />
                  <Compile Include="Own.cs" />
                  <Compile Remove="..\Other\**" />
                  <PackageReference Include="..\Other\Skipped.cs" />
                </ItemGroup>
                """));

        CollectionAssert.AreEquivalent(new[] { "src/Shared/Money.cs", "src/Shared/Time/Clock.cs" }, Node(tree, "src/A/A.csproj").Inputs.ToList());
    }

    [TestMethod]
    public void Items_in_an_imported_file_are_relative_to_the_project_as_in_MSBuild()
    {
        var tree = new InMemoryFileTree()
            .Add("build/Shared.targets", "<Project><ItemGroup><Compile Include=\"$(MSBuildThisFileDirectory)Generated.cs\" /><None Include=\"..\\Notes.txt\" /></ItemGroup></Project>")
            .Add("build/Generated.cs", "")
            .Add("src/Notes.txt", "")
            .Add("src/A/A.csproj", Project("<Import Project=\"..\\..\\build\\Shared.targets\" />"));

        CollectionAssert.AreEquivalent(new[] { "build/Shared.targets", "build/Generated.cs", "src/Notes.txt" }, Node(tree, "src/A/A.csproj").Inputs.ToList());
    }

    [TestMethod]
    public void Old_style_projects_in_the_msbuild_namespace_are_read()
    {
        var tree = new InMemoryFileTree()
            .Add("src/Lib/Lib.csproj", "<Project ToolsVersion=\"15.0\" xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\" />")
            .Add("src/Old/Old.csproj", """
                <?xml version="1.0" encoding="utf-8"?>
                <Project ToolsVersion="15.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
                  <ItemGroup><ProjectReference Include="..\Lib\Lib.csproj"><Project>{1234}</Project></ProjectReference></ItemGroup>
                  <ItemGroup><Reference Include="Microsoft.VisualStudio.QualityTools.UnitTestFramework" /></ItemGroup>
                  <PropertyGroup><IsTestProject>true</IsTestProject></PropertyGroup>
                </Project>
                """);

        var node = Node(tree, "src/Old/Old.csproj");

        CollectionAssert.AreEqual(new[] { "src/Lib/Lib.csproj" }, node.References.ToArray());
        Assert.IsTrue(node.IsTestProject);
    }

    [TestMethod]
    public void An_import_cycle_ends_instead_of_hanging()
    {
        var tree = new InMemoryFileTree()
            .Add("eng/A.props", "<Project><Import Project=\"B.props\" /></Project>")
            .Add("eng/B.props", "<Project><Import Project=\"A.props\" /></Project>")
            .Add("src/A/A.csproj", Project("<Import Project=\"..\\..\\eng\\A.props\" />"));

        CollectionAssert.AreEquivalent(new[] { "eng/A.props", "eng/B.props" }, Node(tree, "src/A/A.csproj").Inputs.ToList());
    }

    [TestMethod]
    public void Malformed_xml_in_an_imported_file_is_bad_input_naming_that_file_and_line()
    {
        var tree = new InMemoryFileTree()
            .Add("Directory.Build.props", "<Project>\n  <PropertyGroup>\n    <X>1</Y>\n  </PropertyGroup>\n</Project>")
            .Add("src/A/A.csproj", Project());

        var error = Assert.ThrowsExactly<FileInputException>(() => ProjectGraphReader.Read(tree));

        Assert.AreEqual("Directory.Build.props", error.File);
        Assert.AreEqual(3, error.Line);
        StringAssert.Contains(error.Message, "not valid MSBuild XML");
    }

    [TestMethod]
    public void Five_hundred_projects_sharing_build_files_are_read_with_every_edge()
    {
        var tree = new InMemoryFileTree()
            .Add("Directory.Build.props", "<Project><PropertyGroup><RepoRoot>$(MSBuildThisFileDirectory)</RepoRoot></PropertyGroup></Project>")
            .Add("Directory.Build.targets", "<Project><Import Project=\"$(RepoRoot)eng/Test.targets\" Condition=\"'$(ProjectType)' == 'Test'\" /></Project>")
            .Add("eng/Test.targets", "<Project><PropertyGroup><IsTestProject>true</IsTestProject></PropertyGroup></Project>");
        for (var i = 0; i < 250; i++)
        {
            var reference = i == 0 ? "" : $"<ItemGroup><ProjectReference Include=\"..\\Lib{i - 1}\\Lib{i - 1}.csproj\" /></ItemGroup>";
            tree.Add($"src/Lib{i}/Lib{i}.csproj", Project(reference));
            tree.Add($"tests/Lib{i}.Tests/Lib{i}.Tests.csproj", Project($"<PropertyGroup><ProjectType>Test</ProjectType></PropertyGroup><ItemGroup><ProjectReference Include=\"..\\..\\src\\Lib{i}\\Lib{i}.csproj\" /></ItemGroup>"));
        }

        var graph = ProjectGraphReader.Read(tree);

        Assert.HasCount(500, graph.Projects);
        Assert.AreEqual(250, graph.Projects.Count(p => p.IsTestProject));
        Assert.AreEqual(249 + 250, graph.Projects.Sum(p => p.References.Count));
        CollectionAssert.AreEqual(new[] { "src/Lib41/Lib41.csproj" }, graph.Find("src/Lib42/Lib42.csproj")!.References.ToArray());
    }

    [TestMethod]
    public void A_folder_on_disk_reads_like_a_commit_of_the_same_files()
    {
        using var repo = new TemporaryRepository();
        repo.Write("Directory.Build.props", "<Project><PropertyGroup><IsTestProject Condition=\"$(MSBuildProjectName.EndsWith('.Tests'))\">true</IsTestProject></PropertyGroup></Project>")
            .Write("src/App/App.csproj", Project())
            .Write("src/Shared/Link.cs", "")
            .Write("tests/App.Tests/App.Tests.csproj", Project("""<ItemGroup><ProjectReference Include="..\..\src\App\App.csproj" /><Compile Include="..\..\src\Shared\Link.cs" /></ItemGroup>"""));
        var commit = repo.Commit();

        var fromDisk = ProjectGraphReader.Read(new DirectoryFileTree(repo.Path));
        ProjectGraph fromGit;
        using (var tree = GitRepository.Open(repo.Path).ReadTree(commit))
        {
            fromGit = ProjectGraphReader.Read(tree);
        }

        foreach (var graph in new[] { fromDisk, fromGit })
        {
            var tests = graph.Find("tests/App.Tests/App.Tests.csproj")!;
            Assert.IsTrue(tests.IsTestProject);
            CollectionAssert.AreEqual(new[] { "src/App/App.csproj" }, tests.References.ToArray());
            CollectionAssert.AreEquivalent(new[] { "Directory.Build.props", "src/Shared/Link.cs" }, tests.Inputs.ToList());
            Assert.IsFalse(graph.Find("src/App/App.csproj")!.IsTestProject);
        }
    }
}

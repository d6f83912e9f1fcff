using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary><c>select-tests --audit</c> over real built test assemblies.</summary>
[TestClass]
public sealed class SelectTestsAuditTests
{
    private static TemporaryRepository Repository(string untagged = "warn")
    {
        var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", $"tests:\n  tags:\n    billing: [\"src/Billing/**\"]\n  always: [smoke]\n  untagged: {untagged}\n")
            .Write("tests/Shop.Tests/Shop.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Microsoft.NET.Test.Sdk\" /></ItemGroup></Project>")
            .Commit("initial");
        return repo;
    }

    [TestMethod]
    public void On_GitHub_the_untagged_tests_and_counts_read_back_from_GITHUB_OUTPUT()
    {
        using var repo = Repository();
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "output");
        var env = new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_OUTPUT"] = output };

        var run = CliRunner.Run(repo.Path, env, "select-tests", "--audit", "--assemblies", SampleProjects.Build("MsTestSample"));

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var outputs = GitHubOutputFile.Parse(File.ReadAllText(output));
        Assert.AreEqual("13", outputs["test-count"]);
        Assert.AreEqual("5", outputs["untagged-test-count"]);
        CollectionAssert.AreEquivalent(
            new[] { "Samples.MsTest.DerivedTests.FromBase", "Samples.MsTest.MixedTests.CustomTestMethod", "Samples.MsTest.MixedTests.Untagged", "Samples.MsTest.MixedTests.UntaggedRows", "Samples.MsTest.OuterTests+InnerTests.Nested" },
            outputs["untagged-tests"].Split(','));
        StringAssert.Contains(run.StandardOutput, "MsTestSample/SampleTests.cs,line="); // from the PDB
        StringAssert.Contains(run.StandardOutput, "::warning file=");
    }

    [TestMethod]
    public void Under_untagged_fail_an_untagged_test_fails_the_step()
    {
        using var repo = Repository("fail");

        var run = CliRunner.Run(repo.Path, "select-tests", "--audit", "--assemblies", SampleProjects.Build("XunitSample"));

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
    }

    [TestMethod]
    public void The_json_lists_every_untagged_test_and_the_categories_no_tag_selects()
    {
        using var repo = Repository();

        var run = CliRunner.Run(repo.Path, "select-tests", "--audit", "--json", "--assemblies", SampleProjects.Build("NunitSample"));

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual(10, json.GetProperty("testCount").GetInt32());
        Assert.AreEqual(4, json.GetProperty("untaggedTestCount").GetInt32());
        CollectionAssert.AreEquivalent(new[] { "web", "slow" }, json.GetProperty("unknownCategories").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual("nunit", json.GetProperty("assemblies")[0].GetProperty("framework").GetString());
    }

    [TestMethod]
    public void Without_assemblies_it_finds_the_newest_build_of_each_test_project()
    {
        using var repo = Repository();
        var bin = Path.Combine(repo.Path, "tests", "Shop.Tests", "bin", "Debug", "net10.0");
        Directory.CreateDirectory(bin);
        File.Copy(SampleProjects.Build("XunitSample"), Path.Combine(bin, "Shop.Tests.dll"));

        var run = CliRunner.Run(repo.Path, "select-tests", "--audit", "--json");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.AreEqual("tests/Shop.Tests/bin/Debug/net10.0/Shop.Tests.dll", json.GetProperty("assemblies")[0].GetProperty("assembly").GetString());
        Assert.AreEqual(7, json.GetProperty("testCount").GetInt32());
    }

    [TestMethod]
    public void Nothing_built_is_bad_input_that_says_to_build_first()
    {
        using var repo = Repository();

        var run = CliRunner.Run(repo.Path, "select-tests", "--audit");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "no built test assemblies found");
    }

    [TestMethod]
    public void A_pattern_that_matches_nothing_is_bad_input_naming_the_option()
    {
        using var repo = Repository();

        var run = CliRunner.Run(repo.Path, "select-tests", "--audit", "--assemblies", "bin/**/*.Tests.dll");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--assemblies: 'bin/**/*.Tests.dll' matches no file");
    }

    [TestMethod]
    public void A_file_that_is_not_an_assembly_is_bad_input_naming_it()
    {
        using var repo = Repository();
        repo.Write("out/Garbage.Tests.dll", "not a PE image");

        var run = CliRunner.Run(repo.Path, "select-tests", "--audit", "--assemblies", "out/*.dll");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "out/Garbage.Tests.dll: not a .NET assembly");
    }
}

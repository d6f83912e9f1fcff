using System.Text.Json;
using Pipelines.Adapters.Formats;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// <c>select-tests --impact-map</c> on a real git repository: the map narrows the project-level answer to the tests
/// that executed what changed since the map's commit, and a map it cannot trust leaves every project whole, said out loud.
/// </summary>
[TestClass]
public sealed class SelectTestsImpactTests
{
    private const string ShopTests = "tests/Shop.Tests/Shop.Tests.csproj";
    private const string MapPath = ".git/impact-map.json";

    private static TemporaryRepository ShopRepository()
    {
        var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  infer: dotnet\n")
            .Write("src/Shop/Shop.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />")
            .Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { public int Count => 0; }")
            .Write("src/Shop/Price.cs", "namespace Shop; public static class Price { public static decimal Of(int n) => n; }")
            .Write("src/Shop/prices.json", "{}")
            .Write(ShopTests, """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><IsTestProject>true</IsTestProject></PropertyGroup>
                  <ItemGroup><ProjectReference Include="..\..\src\Shop\Shop.csproj" /></ItemGroup>
                </Project>
                """)
            .Write("tests/Shop.Tests/CartTests.cs", "namespace Shop.Tests; public sealed class CartTests { public void Counts() { } }")
            .Write("tests/Shop.Tests/PriceTests.cs", "namespace Shop.Tests; public sealed class PriceTests { public void Rounds() { } }")
            .Commit("initial");
        return repo;
    }

    // A map as the recorder writes it: every file at the commit with its blob id, and which test ran which file.
    private static string WriteMap(TemporaryRepository repo, string commit = "HEAD", params (string Name, string Source)[] more)
    {
        var sha = repo.Git("rev-parse", commit).Trim();
        var files = repo.Git("ls-tree", "-r", sha).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (Path: line[(line.IndexOf('\t') + 1)..], Hash: line.Split(' ', '\t')[2]))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => new ImpactFile(f.Path, f.Hash, f.Path.EndsWith(".cs", StringComparison.Ordinal)))
            .ToList();
        int[] Of(params string[] paths) => [.. paths.Select(p => files.FindIndex(f => f.Path == p)).Order()];
        var map = new ImpactMap(sha, DateTimeOffset.UtcNow, files,
        [
            new ImpactProject(ShopTests,
            [
                new ImpactTest("Shop.Tests.CartTests.Counts", "Shop.Tests.CartTests", "tests/Shop.Tests/CartTests.cs", ImpactOutcome.Passed, Of("src/Shop/Cart.cs", "tests/Shop.Tests/CartTests.cs")),
                new ImpactTest("Shop.Tests.PriceTests.Rounds", "Shop.Tests.PriceTests", "tests/Shop.Tests/PriceTests.cs", ImpactOutcome.Passed, Of("src/Shop/Price.cs", "tests/Shop.Tests/PriceTests.cs")),
                .. more.Select(t => new ImpactTest(t.Name, t.Name[..t.Name.LastIndexOf('.')], t.Source, ImpactOutcome.Passed, Of(t.Source))),
            ]),
        ]);
        // Inside .git: the repository's next commit must not take the map in.
        var path = Path.Combine(repo.Path, MapPath);
        ImpactMapFile.Write(path, map);
        return path;
    }

    private static (CliRun Run, JsonElement Json, JsonElement Selection) Select(TemporaryRepository repo, params string[] extra)
    {
        var run = CliRunner.Run(repo.Path, ["select-tests", "--base", "HEAD~1", "--json", "--impact-map", MapPath, .. extra]);
        var json = run.StandardOutput.Length > 0 ? JsonDocument.Parse(run.StandardOutput).RootElement.Clone() : default;
        var file = Path.Combine(repo.Path, "impact-selection.json");
        var selection = File.Exists(file) ? JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone() : default;
        return (run, json, selection);
    }

    private static List<(string Project, string? Filter)> Invocations(JsonElement selection) =>
        [.. selection.GetProperty("invocations").EnumerateArray().Select(i => (i.GetProperty("project").GetString()!, i.GetProperty("filter").GetString()))];

    [TestMethod]
    public void A_change_runs_only_the_tests_that_executed_the_changed_file()
    {
        using var repo = ShopRepository();
        WriteMap(repo);
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { public int Count => 1; }").Commit();

        var (run, json, selection) = Select(repo);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        Assert.IsTrue(selection.GetProperty("used").GetBoolean());
        Assert.AreEqual(1, selection.GetProperty("mapAge").GetInt32());
        CollectionAssert.AreEqual(new[] { (ShopTests, (string?)"FullyQualifiedName=Shop.Tests.CartTests.Counts") }, Invocations(selection));
        Assert.AreEqual("filtered", json.GetProperty("impact").GetProperty("projects")[0].GetProperty("run").GetString());
    }

    [TestMethod]
    public void A_changed_data_file_runs_its_projects_whole_and_says_which_file()
    {
        using var repo = ShopRepository();
        WriteMap(repo);
        repo.Write("src/Shop/prices.json", "{\"vat\": 0.2}").Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { }").Commit();

        var (run, _, selection) = Select(repo);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        CollectionAssert.AreEqual(new[] { (ShopTests, (string?)null) }, Invocations(selection));
        StringAssert.Contains(selection.GetProperty("fileReasons").GetProperty("src/Shop/prices.json").GetString(), "cannot narrow");
    }

    [TestMethod]
    [DataRow("public void Rounds() => System.IO.File.ReadAllText(\"tests/data/rates.csv\");", "FullyQualifiedName=Shop.Tests.PriceTests.Rounds", "read at run time: named in tests/Shop.Tests/PriceTests.cs")]
    [DataRow("const string Rates = \"tests/data/rates.csv\"; public void Rounds() => System.IO.File.ReadAllText(Rates);", null, "named in a constant in tests/Shop.Tests/PriceTests.cs")]
    public void A_data_file_tests_read_at_run_time_runs_the_tests_that_ran_the_code_naming_it_unless_a_constant_names_it(string body, string? filter, string reason)
    {
        using var repo = ShopRepository();
        repo.Write("tests/data/rates.csv", "vat,0.2\n")
            .Write("tests/Shop.Tests/PriceTests.cs", "namespace Shop.Tests; public sealed class PriceTests { " + body + " }")
            .Commit("rates");
        WriteMap(repo);
        repo.Write("tests/data/rates.csv", "vat,0.21\n").Commit();

        var (run, _, selection) = Select(repo);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        CollectionAssert.AreEqual(new[] { (ShopTests, filter) }, Invocations(selection));
        StringAssert.Contains(selection.GetProperty("fileReasons").GetProperty("tests/data/rates.csv").GetString(), reason);
    }

    [TestMethod]
    public void A_changed_source_also_runs_the_tests_that_build_its_project_through_a_script()
    {
        using var repo = ShopRepository();
        repo.Write("build/pack.sh", "#!/bin/sh\ndotnet pack \"$(dirname \"$0\")/../src/Shop/Shop.csproj\"\n")
            .Write("tests/Shop.Tests/PackTests.cs", "namespace Shop.Tests; public sealed class PackTests { public void Packs() => Run(\"build/pack.sh\"); }")
            .Write("tests/Shop.Tests/SourceTests.cs", "namespace Shop.Tests; public sealed class SourceTests { public void Lints() => Lint(\"docs/guide.md\"); }")
            .Commit("packing");
        WriteMap(repo, "HEAD", ("Shop.Tests.PackTests.Packs", "tests/Shop.Tests/PackTests.cs"), ("Shop.Tests.SourceTests.Lints", "tests/Shop.Tests/SourceTests.cs"));
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { public int Count => 2; }").Commit();

        var (run, _, selection) = Select(repo);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        CollectionAssert.AreEqual(
            new[] { (ShopTests, (string?)"FullyQualifiedName=Shop.Tests.CartTests.Counts|FullyQualifiedName=Shop.Tests.PackTests.Packs") },
            Invocations(selection),
            "Packs builds the project Cart.cs compiles into; Lints reads a file elsewhere");
        StringAssert.Contains(selection.GetProperty("fileReasons").GetProperty("src/Shop/Cart.cs").GetString(), "named in tests/Shop.Tests/PackTests.cs");
    }

    [TestMethod]
    public void A_changed_constant_read_from_git_diff_runs_the_tests_that_ran_the_files_naming_its_type()
    {
        using var repo = ShopRepository();
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { public decimal Total => Price.Of(1); }").Commit("the cart uses Price");
        WriteMap(repo);
        repo.Write("src/Shop/Price.cs", "namespace Shop; public static class Price {\n    public const decimal Vat = 0.2m;\n    public static decimal Of(int n) => n;\n}").Commit();

        var (run, _, selection) = Select(repo);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        CollectionAssert.AreEqual(
            new[] { (ShopTests, (string?)"FullyQualifiedName=Shop.Tests.CartTests.Counts|FullyQualifiedName=Shop.Tests.PriceTests.Rounds") },
            Invocations(selection),
            "Cart.cs names Price, whose constant the compiler copies into it");
        StringAssert.Contains(selection.GetProperty("fileReasons").GetProperty("src/Shop/Price.cs").GetString(), "it changes a constant, which the compiler copies into every caller: the 1 recorded test that ran the 1 file naming Price run");
    }

    [TestMethod]
    public void A_changed_global_using_runs_its_projects_whole()
    {
        using var repo = ShopRepository();
        WriteMap(repo);
        repo.Write("src/Shop/Price.cs", "global using System.Text;\nnamespace Shop; public static class Price { public static decimal Of(int n) => n; }").Commit();

        var (run, _, selection) = Select(repo);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        CollectionAssert.AreEqual(new[] { (ShopTests, (string?)null) }, Invocations(selection));
        StringAssert.Contains(selection.GetProperty("fileReasons").GetProperty("src/Shop/Price.cs").GetString(), "global using");
    }

    [TestMethod]
    public void The_audit_fails_naming_a_test_that_failed_in_the_full_run_but_was_not_selected()
    {
        using var repo = ShopRepository();
        WriteMap(repo);
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { public int Count => 1; }").Commit();
        var trx = Path.Combine(repo.Path, ".git", "full.trx");
        ResultFileWriter.Trx(trx, [("Shop.Tests.CartTests.Counts", 0.1, "Failed"), ("Shop.Tests.PriceTests.Rounds", 0.1, "Failed")], "/build/Shop.Tests.dll");

        var (run, json, _) = Select(repo, "--impact-audit", trx);

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        Assert.AreEqual("Shop.Tests.PriceTests.Rounds", json.GetProperty("impact").GetProperty("missed")[0].GetProperty("test").GetString());
        StringAssert.Contains(run.StandardError, "1 of 2 failed tests of the full run would not have run: Shop.Tests.PriceTests.Rounds");
    }

    [TestMethod]
    public void The_audit_reads_every_pattern_of_an_action_input_one_per_line()
    {
        using var repo = ShopRepository();
        WriteMap(repo);
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { public int Count => 1; }").Commit();
        var first = Path.Combine(repo.Path, ".git", "shard-1.trx");
        var second = Path.Combine(repo.Path, ".git", "shard-2.trx");
        ResultFileWriter.Trx(first, [("Shop.Tests.CartTests.Counts", 0.1, "Failed")], "/build/Shop.Tests.dll");
        ResultFileWriter.Trx(second, [("Shop.Tests.PriceTests.Rounds", 0.1, "Failed")], "/build/Shop.Tests.dll");

        var (run, _, _) = Select(repo, "--impact-audit", first + "\n" + second);

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "1 of 2 failed tests of the full run would not have run: Shop.Tests.PriceTests.Rounds");
    }

    [TestMethod]
    public void The_audit_passes_when_every_failure_of_the_full_run_was_selected()
    {
        using var repo = ShopRepository();
        WriteMap(repo);
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { public int Count => 1; }").Commit();
        var trx = Path.Combine(repo.Path, ".git", "full.trx");
        ResultFileWriter.Trx(trx, [("Shop.Tests.CartTests.Counts", 0.1, "Failed"), ("Shop.Tests.PriceTests.Rounds", 0.1, "Passed")], "/build/Shop.Tests.dll");

        var (run, _, _) = Select(repo, "--impact-audit", trx);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "the full run had 1 failed test; the selection runs every one");
    }

    [TestMethod]
    public void No_map_yet_is_no_error_every_selected_project_runs_whole()
    {
        using var repo = ShopRepository();
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { }").Commit();

        var (run, json, selection) = Select(repo);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        Assert.IsFalse(selection.GetProperty("used").GetBoolean());
        StringAssert.Contains(selection.GetProperty("notUsedReason").GetString(), "no impact map at .git/impact-map.json");
        CollectionAssert.AreEqual(new[] { (ShopTests, (string?)null) }, Invocations(selection));
        CollectionAssert.AreEqual(new[] { ShopTests }, json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()).ToArray());
    }

    [TestMethod]
    [DataRow("{\"format\":\"pipelines-impact-map/1\",\"commit\":\"abc\"", ".git/impact-map.json")]
    [DataRow("{\"format\":\"someone-elses-map\"}", "$.format")]
    public void A_corrupt_or_foreign_map_is_bad_input_and_the_project_level_answer_stands(string content, string named)
    {
        using var repo = ShopRepository();
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { }").Commit();
        File.WriteAllText(Path.Combine(repo.Path, MapPath), content);

        var (run, json, selection) = Select(repo);

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardOutput + run.StandardError, named);
        Assert.IsFalse(selection.GetProperty("used").GetBoolean(), "never narrowed on a map it cannot read");
        CollectionAssert.AreEqual(new[] { (ShopTests, (string?)null) }, Invocations(selection));
        CollectionAssert.AreEqual(new[] { ShopTests }, json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()).ToArray());
    }

    [TestMethod]
    public void A_map_recorded_on_another_branch_is_not_used()
    {
        using var repo = ShopRepository();
        repo.Git("checkout", "-q", "-b", "elsewhere");
        repo.Write("src/Shop/Price.cs", "namespace Shop; public static class Price { }").Commit("elsewhere");
        WriteMap(repo);
        repo.Git("checkout", "-q", "main");
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { }").Commit();

        var (run, _, selection) = Select(repo);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        StringAssert.Contains(selection.GetProperty("notUsedReason").GetString(), "not an ancestor of head");
        CollectionAssert.AreEqual(new[] { (ShopTests, (string?)null) }, Invocations(selection));
    }

    [TestMethod]
    public void A_map_older_than_the_limit_is_not_used()
    {
        using var repo = ShopRepository();
        WriteMap(repo);
        repo.Write("src/Shop/Price.cs", "namespace Shop; public static class Price { }").Commit();
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { }").Commit();

        var (run, _, selection) = Select(repo, "--impact-max-age", "1");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        StringAssert.Contains(selection.GetProperty("notUsedReason").GetString(), "2 commits behind head, more than the 1 allowed");
    }

    [TestMethod]
    public void The_map_needs_the_project_graph()
    {
        using var repo = ShopRepository();
        WriteMap(repo);
        repo.Write("src/Shop/Cart.cs", "namespace Shop; public sealed class Cart { }").Commit();

        var (run, _, _) = Select(repo, "--infer", "none");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--impact-map");
    }
}

using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>record-impact's bad input: exit 2 with a message that says what to do, and no map written.</summary>
[TestClass]
public sealed class RecordImpactCommandTests
{
    private const string TestProject =
        "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Microsoft.NET.Test.Sdk\" Version=\"18.11.0\" /></ItemGroup></Project>";

    [TestMethod]
    public void A_repository_without_test_projects_exits_2_saying_how_to_name_them()
    {
        using var repo = new TemporaryRepository();
        repo.Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />").Commit();

        var run = CliRunner.Run(repo.Path, "record-impact");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "no test project at HEAD");
        StringAssert.Contains(run.StandardError, "--projects");
        Assert.IsFalse(File.Exists(Path.Combine(repo.Path, "impact-map.json")));
    }

    [TestMethod]
    public void A_modified_tracked_file_exits_2_naming_it_before_anything_is_built()
    {
        using var repo = new TemporaryRepository();
        repo.Write("tests/App.Tests/App.Tests.csproj", TestProject).Write("src/Code.cs", "class A { }").Commit();
        repo.Write("src/Code.cs", "class B { }");

        var run = CliRunner.Run(repo.Path, "record-impact", "--out", "map.json");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "src/Code.cs");
        StringAssert.Contains(run.StandardError, "commit or stash");
        Assert.IsFalse(File.Exists(Path.Combine(repo.Path, "map.json")));
    }

    [TestMethod]
    public void A_folder_as_out_exits_2_naming_the_option()
    {
        using var repo = new TemporaryRepository();
        repo.Write("tests/App.Tests/App.Tests.csproj", TestProject).Commit();
        Directory.CreateDirectory(Path.Combine(repo.Path, "maps"));

        var run = CliRunner.Run(repo.Path, "record-impact", "--out", "maps");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "--out: 'maps' is a folder");
    }

    [TestMethod]
    public void Out_below_a_file_exits_2_before_recording()
    {
        using var repo = new TemporaryRepository();
        repo.Write("tests/App.Tests/App.Tests.csproj", TestProject).Write("notes.txt", "x").Commit();

        var run = CliRunner.Run(repo.Path, "record-impact", "--out", "notes.txt/map.json");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "--out: cannot write 'notes.txt/map.json'");
    }

    [TestMethod]
    public void A_projects_pattern_that_matches_nothing_or_no_test_project_exits_2()
    {
        using var repo = new TemporaryRepository();
        repo.Write("tests/App.Tests/App.Tests.csproj", TestProject).Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />").Commit();

        var none = CliRunner.Run(repo.Path, "record-impact", "--projects", "tests/Missing/*.csproj");
        var notTests = CliRunner.Run(repo.Path, "record-impact", "--projects", "src/App/App.csproj");

        Assert.AreEqual(2, none.ExitCode, none.StandardError);
        StringAssert.Contains(none.StandardError, "--projects: 'tests/Missing/*.csproj' matches no project file");
        Assert.AreEqual(2, notTests.ExitCode, notTests.StandardError);
        StringAssert.Contains(notTests.StandardError, "'src/App/App.csproj' is not a test project");
    }

    [TestMethod]
    public void Recording_reports_each_project_with_its_tests_and_says_which_were_recorded_per_class()
    {
        using var repo = new TemporaryRepository();
        ImpactSamples.CommitInto(repo);
        using var output = new TempDirectory("pipelines-impact-map");
        var mapPath = Path.Combine(output.Path, "map.json");

        var run = CliRunner.Run(repo.Path, "record-impact", "--projects", $"{ImpactSamples.Project("ImpactMsTest")},{ImpactSamples.Project("ImpactNunit")}", "--out", mapPath);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var lines = run.StandardOutput.Split('\n').Select(l => l.Trim()).ToList();
        StringAssert.StartsWith(lines.Single(l => l.StartsWith(ImpactSamples.Project("ImpactNunit"), StringComparison.Ordinal)), $"{ImpactSamples.Project("ImpactNunit")}: 9 test(s), recorded per class");
        var msTest = lines.Single(l => l.StartsWith(ImpactSamples.Project("ImpactMsTest"), StringComparison.Ordinal));
        Assert.DoesNotContain("per class", msTest);
        StringAssert.Contains(msTest, "1 failed (they run again whatever changes)", "Fails_on_purpose");
        var map = Pipelines.Adapters.Formats.ImpactMapFile.Read(mapPath, mapPath);
        Assert.AreEqual(repo.Git("rev-parse", "HEAD").Trim(), map.Commit);
        CollectionAssert.AreEqual(
            new[] { Core.Selection.Impact.ImpactGranularity.Test, Core.Selection.Impact.ImpactGranularity.Class },
            map.Projects.OrderBy(p => p.Path, StringComparer.Ordinal).Select(p => p.Granularity).ToArray());
    }

    [TestMethod]
    public void An_update_records_only_what_changed_since_the_previous_map_and_ends_as_a_full_recording_at_head_would()
    {
        using var repo = new TemporaryRepository();
        ImpactSamples.CommitInto(repo);
        using var output = new TempDirectory("pipelines-impact-map");
        string MapAt(string name) => Path.Combine(output.Path, name);
        var projects = $"{ImpactSamples.Project("ImpactMsTest")},{ImpactSamples.Project("ImpactNunit")}";
        Assert.AreEqual(0, CliRunner.Run(repo.Path, "record-impact", "--projects", projects, "--out", MapAt("before.json")).ExitCode);
        var before = repo.Git("rev-parse", "HEAD").Trim();
        repo.Write("Impact/ImpactLib/Greeter.cs", File.ReadAllText(Path.Combine(repo.Path, "Impact/ImpactLib/Greeter.cs")) + "// a greeting changed\n").Commit("change the greeter");

        var update = CliRunner.Run(repo.Path, "record-impact", "--projects", projects, "--update", MapAt("before.json"), "--out", MapAt("updated.json"), "--json");
        var full = CliRunner.Run(repo.Path, "record-impact", "--projects", projects, "--out", MapAt("full.json"));

        Assert.AreEqual(0, update.ExitCode, update.StandardError);
        Assert.AreEqual(0, full.ExitCode, full.StandardError);
        using var json = System.Text.Json.JsonDocument.Parse(update.StandardOutput);
        var said = json.RootElement.GetProperty("update");
        Assert.AreEqual(before, said.GetProperty("from").GetString());
        var (rerun, carried) = (said.GetProperty("rerun").GetInt32(), said.GetProperty("carried").GetInt32());
        Assert.IsGreaterThan(0, carried, update.StandardError);
        Assert.IsLessThan(rerun + carried, rerun * 2, $"most tests did not run the greeter: {rerun} re-run, {carried} kept\n{update.StandardError}");

        var updated = Pipelines.Adapters.Formats.ImpactMapFile.Read(MapAt("updated.json"), "updated");
        var recorded = Pipelines.Adapters.Formats.ImpactMapFile.Read(MapAt("full.json"), "full");
        Assert.AreEqual(recorded.Commit, updated.Commit, "a map at head");
        Dictionary<string, string[]> Tests(Core.Selection.Impact.ImpactMap map) => map.Projects.SelectMany(p => p.Tests)
            .ToDictionary(t => t.Name, t => t.Files.Select(i => map.Files[i].Path).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        var (mine, theirs) = (Tests(updated), Tests(recorded));
        CollectionAssert.AreEquivalent(theirs.Keys.ToArray(), mine.Keys.ToArray(), "the same tests");
        foreach (var (test, files) in theirs)
        {
            CollectionAssert.AreEqual(files, mine[test], $"{test}: the files a full recording at head gives it");
        }

        // A push that reaches no test records nothing and keeps every test.
        repo.Write("NOTES.md", "release notes\n").Commit("notes");
        var quiet = CliRunner.Run(repo.Path, "record-impact", "--projects", projects, "--update", MapAt("updated.json"), "--out", MapAt("quiet.json"), "--json");
        Assert.AreEqual(0, quiet.ExitCode, quiet.StandardError);
        using var quietJson = System.Text.Json.JsonDocument.Parse(quiet.StandardOutput);
        Assert.AreEqual(0, quietJson.RootElement.GetProperty("update").GetProperty("rerun").GetInt32(), quiet.StandardError);
        Assert.AreEqual(mine.Count, quietJson.RootElement.GetProperty("update").GetProperty("carried").GetInt32(), quiet.StandardError);
        Assert.AreEqual(repo.Git("rev-parse", "HEAD").Trim(), Pipelines.Adapters.Formats.ImpactMapFile.Read(MapAt("quiet.json"), "quiet").Commit);
    }

    [TestMethod]
    public void An_update_from_a_corrupt_map_records_in_full_writes_the_map_and_exits_2_naming_it()
    {
        using var repo = new TemporaryRepository();
        ImpactSamples.CommitInto(repo);
        using var output = new TempDirectory("pipelines-impact-map");
        var previous = Path.Combine(output.Path, "previous.json");
        File.WriteAllText(previous, "{ \"format\": \"pipelines-impact-map/1\", \"commit\": 7 }");

        var run = CliRunner.Run(repo.Path, "record-impact", "--projects", ImpactSamples.Project("ImpactMsTest"), "--update", previous, "--out", Path.Combine(output.Path, "map.json"));

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardOutput + run.StandardError, "error: --update:");
        StringAssert.Contains(run.StandardOutput + run.StandardError, "recorded every test project in full instead");
        Assert.HasCount(1, Pipelines.Adapters.Formats.ImpactMapFile.Read(Path.Combine(output.Path, "map.json"), "map").Projects, "nothing is lost: the full map is written");
    }

    [TestMethod]
    public void The_collector_ships_beside_the_cli() =>
        Assert.IsTrue(File.Exists(Pipelines.Cli.Commands.RecordImpact.RecordImpactHandler.CollectorPath), Pipelines.Cli.Commands.RecordImpact.RecordImpactHandler.CollectorPath);
}

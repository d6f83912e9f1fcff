using System.Text;
using Pipelines.Adapters.Formats;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Formats;

[TestClass]
public sealed class ImpactMapFileTests
{
    private const string Blob = "0123456789abcdef0123456789abcdef01234567";
    private const string Commit = "89abcdef0123456789abcdef0123456789abcdef";

    private static readonly ImpactMap Map = new(
        Commit,
        new DateTimeOffset(2026, 12, 7, 5, 0, 0, TimeSpan.Zero),
        [new ImpactFile("src/Billing/Größe.cs", Blob, true), new ImpactFile("src/Billing/Billing.csproj", Blob, false), new ImpactFile("tests/T/Tests.cs", Blob, true)],
        [new ImpactProject("tests/T/T.csproj", [
            new ImpactTest("T.Tests.Adds(1,\"x\")", "T.Tests", "tests/T/Tests.cs", ImpactOutcome.Failed, [0, 2]),
            new ImpactTest("T.Tests+Nested.Skips", "T.Tests+Nested", null, ImpactOutcome.Skipped, []),
        ]), new ImpactProject("tests/N/N.csproj", [new ImpactTest("N.Fixture(1).Adds", "N.Fixture", null, ImpactOutcome.Passed, [0])], ImpactGranularity.Class)]);

    [TestMethod]
    public void A_map_reads_back_as_it_was_written()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "maps", "impact-map.json");
        ImpactMapFile.Write(path, Map);

        var read = ImpactMapFile.Read(path, "impact-map.json");

        Assert.AreEqual(Map.Commit, read.Commit);
        Assert.AreEqual(Map.RecordedAt, read.RecordedAt);
        CollectionAssert.AreEqual(Map.Files.ToList(), read.Files.ToList());
        Assert.AreEqual(Map.Projects[0].Path, read.Projects[0].Path);
        CollectionAssert.AreEqual(Map.Projects.Select(p => p.Granularity).ToList(), read.Projects.Select(p => p.Granularity).ToList());
        for (var i = 0; i < Map.Projects[0].Tests.Count; i++)
        {
            var (expected, actual) = (Map.Projects[0].Tests[i], read.Projects[0].Tests[i]);
            Assert.AreEqual(expected with { Files = [] }, actual with { Files = [] });
            CollectionAssert.AreEqual(expected.Files.ToList(), actual.Files.ToList());
        }

        Assert.IsEmpty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"), "the temporary file is renamed, not left");
    }

    [TestMethod]
    [DataRow("""{"format":"pipelines-plan/1"}""", "$.format")]
    [DataRow("""[1,2]""", "$")]
    [DataRow("""{"format":"pipelines-impact-map/1","commit":"HEAD","recordedAt":"2026-12-07T05:00:00Z","files":[],"projects":[]}""", "$.commit")]
    [DataRow("""{"format":"pipelines-impact-map/1","commit":"89abcdef0123456789abcdef0123456789abcdef","recordedAt":"2026-12-07T05:00:00Z","files":[{"path":"/etc/passwd","hash":"0123456789abcdef0123456789abcdef01234567","code":true}],"projects":[]}""", "$.files[0].path")]
    [DataRow("""{"format":"pipelines-impact-map/1","commit":"89abcdef0123456789abcdef0123456789abcdef","recordedAt":"2026-12-07T05:00:00Z","files":[{"path":"a.cs","hash":"0123456789abcdef0123456789abcdef01234567","code":true}],"projects":[{"path":"t/T.csproj","tests":[{"name":"T.A","class":"T","source":null,"outcome":"passed","files":[3]}]}]}""", "$.projects[0].tests[0].files[0]")]
    public void A_corrupt_or_foreign_map_is_bad_input_naming_the_json_path(string json, string jsonPath)
    {
        var error = Assert.ThrowsExactly<InputException>(() => ImpactMapFile.Parse(Encoding.UTF8.GetBytes(json), "impact-map.json"));

        StringAssert.Contains(error.Message, "impact-map.json");
        StringAssert.Contains(error.Message, jsonPath);
    }

    [TestMethod]
    public void A_per_test_project_writes_no_granularity_and_a_map_without_one_reads_as_per_test()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "impact-map.json");
        ImpactMapFile.Write(path, Map with { Projects = [Map.Projects[0]] });
        Assert.DoesNotContain("granularity", File.ReadAllText(path), "maps of per-test projects are as before");

        var read = ImpactMapFile.Read(path, "impact-map.json");

        Assert.AreEqual(ImpactGranularity.Test, read.Projects.Single().Granularity);
    }

    [TestMethod]
    public void An_unknown_granularity_is_bad_input_naming_its_json_path()
    {
        const string json = """{"format":"pipelines-impact-map/1","commit":"89abcdef0123456789abcdef0123456789abcdef","recordedAt":"2026-12-07T05:00:00Z","files":[],"projects":[{"path":"t/T.csproj","tests":[],"granularity":"method"}]}""";

        var error = Assert.ThrowsExactly<InputException>(() => ImpactMapFile.Parse(Encoding.UTF8.GetBytes(json), "impact-map.json"));

        StringAssert.Contains(error.Message, "$.projects[0].granularity");
        StringAssert.Contains(error.Message, "\"class\"");
    }

    [TestMethod]
    public void A_map_cut_short_is_bad_input_not_a_crash()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "impact-map.json");
        ImpactMapFile.Write(path, Map);
        var bytes = File.ReadAllBytes(path);

        var error = Assert.Throws<InputException>(() => ImpactMapFile.Parse(bytes[..(bytes.Length / 2)], "impact-map.json"));

        StringAssert.Contains(error.Message, "impact-map.json");
    }

    [TestMethod]
    public void A_missing_map_says_how_to_record_one()
    {
        var error = Assert.ThrowsExactly<InputException>(() => ImpactMapFile.Read("/no/such/impact-map.json", "impact-map.json"));

        StringAssert.Contains(error.Message, "pipelines record-impact");
    }
}

using Pipelines.Adapters.Impact;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>How the collector's lines become tests, and which runs are refused rather than written as a map.</summary>
[TestClass]
public sealed class ImpactHitsTests
{
    private const string Project = "tests/T/T.csproj";
    private static readonly InstrumentedAssembly[] Assemblies =
    [
        new("Lib", "Lib.dll", ["src/Lib/A.cs", "src/Lib/B.cs"]),
        new("T", "T.dll", ["tests/T/Tests.cs"]),
    ];

    private static readonly Dictionary<string, int> Index = new(StringComparer.Ordinal)
    {
        ["src/Lib/A.cs"] = 0, ["src/Lib/B.cs"] = 1, ["src/Lib/Lib.csproj"] = 2, ["tests/T/Tests.cs"] = 3,
    };

    private static List<ImpactTest> Read(params string[] lines)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "hits.jsonl");
        File.WriteAllLines(path, lines);
        return ImpactRecorder.ReadHits(path, Project, Assemblies, Index, "/repo", "T");
    }

    private const string Session = """{"event":"session","process":1}""";
    private const string End = """{"event":"end"}""";

    [TestMethod]
    public void Data_rows_of_one_name_add_their_files_and_one_failure_fails_the_name()
    {
        var tests = Read(
            Session,
            """{"event":"test","name":"T.Tests.Row","class":"T.Tests","source":"/repo/tests/T/Tests.cs","outcome":"Passed","hits":{"Lib":[0],"T":[0]}}""",
            """{"event":"test","name":"T.Tests.Row","class":"T.Tests","source":"/repo/tests/T/Tests.cs","outcome":"Failed","hits":{"Lib":[1],"T":[0]}}""",
            """{"event":"test","name":"N.C+Inner.Other(1)","class":null,"source":"/elsewhere/x.cs","outcome":"Skipped","hits":{"Unknown":[5]}}""",
            End);

        Assert.HasCount(2, tests);
        Assert.AreEqual(ImpactOutcome.Failed, tests[0].Outcome);
        CollectionAssert.AreEqual(new[] { 0, 1, 3 }, tests[0].Files.ToArray());
        Assert.AreEqual("tests/T/Tests.cs", tests[0].Source);
        Assert.AreEqual("N.C+Inner", tests[1].ClassName, "the class comes from the name when the adapter gives none");
        Assert.IsNull(tests[1].Source, "a source outside the repository is not named");
        Assert.IsEmpty(tests[1].Files);
    }

    [TestMethod]
    public void A_class_run_gives_every_test_all_files_of_the_run_including_those_after_the_last_report_and_keeps_outcomes()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "hits.jsonl");
        // NUnit-like: the second test's report came first, overlapping the first, and its code ran after both reports.
        File.WriteAllLines(path, [
            Session,
            """{"event":"test","name":"T.Tests.B","class":"T.Tests","source":null,"outcome":"Failed","hits":{"T":[0]}}""",
            """{"event":"test","name":"T.Tests.A","class":"T.Tests","source":null,"outcome":"Passed","overlapped":true,"hits":{}}""",
            """{"event":"end","hits":{"Lib":[1]}}""",
        ]);

        var tests = ImpactRecorder.ReadHits(path, Project, Assemblies, Index, "/repo", "T", perClass: true);

        CollectionAssert.AreEqual(new[] { "T.Tests.B", "T.Tests.A" }, tests.Select(t => t.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 3 }, tests[0].Files.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 3 }, tests[1].Files.ToArray());
        Assert.AreEqual(ImpactOutcome.Failed, tests[0].Outcome);
        Assert.AreEqual(ImpactOutcome.Passed, tests[1].Outcome);
    }

    [TestMethod]
    public void Per_test_reading_leaves_out_what_ran_after_the_last_test()
    {
        var tests = Read(
            Session,
            """{"event":"test","name":"T.Tests.A","class":"T.Tests","source":null,"outcome":"Passed","hits":{"T":[0]}}""",
            """{"event":"end","hits":{"Lib":[0]}}""");

        CollectionAssert.AreEqual(new[] { 3 }, tests.Single().Files.ToArray(), "tear-down after the last test belongs to no test");
    }

    [TestMethod]
    public void A_run_that_ended_before_its_session_is_an_outside_failure_naming_the_project()
    {
        var error = Assert.ThrowsExactly<OutsideSystemException>(() => Read(
            Session, """{"event":"test","name":"T.Tests.A","class":"T.Tests","source":null,"outcome":"Passed","hits":{"T":[0]}}"""));

        StringAssert.Contains(error.Message, Project);
        StringAssert.Contains(error.Message, "crashed");
    }

    [TestMethod]
    public void A_line_cut_off_by_a_crash_is_an_outside_failure_not_a_bug() =>
        StringAssert.Contains(Assert.ThrowsExactly<OutsideSystemException>(() => Read(Session, """{"event":"test","name":"T.Tes""")).Message, "crashed");

    [TestMethod]
    public void A_run_whose_host_never_loaded_the_collector_is_an_outside_failure()
    {
        var error = Assert.ThrowsExactly<OutsideSystemException>(() =>
            ImpactRecorder.ReadHits("/no/such/hits.jsonl", Project, Assemblies, Index, "/repo", "T"));

        StringAssert.Contains(error.Message, "never loaded the impact collector");
    }

    [TestMethod]
    public void Tests_that_overlapped_are_refused()
    {
        var error = Assert.ThrowsExactly<InputException>(() => Read(
            Session,
            """{"event":"test","name":"T.Tests.A","class":"T.Tests","source":null,"outcome":"Passed","overlapped":true,"hits":{"T":[0]}}""",
            End));

        StringAssert.Contains(error.Message, "T.Tests.A");
    }

    [TestMethod]
    public void A_test_that_ran_none_of_its_own_files_is_refused_but_a_skipped_one_is_not()
    {
        var skipped = Read(Session, """{"event":"test","name":"T.Tests.S","class":"T.Tests","source":null,"outcome":"Skipped","hits":{}}""", End);
        var error = Assert.ThrowsExactly<InputException>(() => Read(
            Session, """{"event":"test","name":"T.Tests.A","class":"T.Tests","source":null,"outcome":"Passed","hits":{"Lib":[0]}}""", End));

        Assert.HasCount(1, skipped);
        StringAssert.Contains(error.Message, "recorded none of their own files (first: T.Tests.A)");
    }

    [TestMethod]
    public void Files_a_test_process_wrote_on_exit_are_read_per_assembly_and_process_skipping_a_longer_assemblys_name()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "Lib.101.hits"), "0\n");
        File.WriteAllText(Path.Combine(dir.Path, "Lib.202.hits"), "1\n7\n");
        File.WriteAllText(Path.Combine(dir.Path, "T.101.hits"), "0\n");
        File.WriteAllText(Path.Combine(dir.Path, "Lib.Extra.101.hits"), "0\n");
        File.WriteAllText(Path.Combine(dir.Path, "Other.101.hits"), "0\n");

        var files = ImpactRecorder.ReadProcessHits(dir.Path, Assemblies, Index);

        CollectionAssert.AreEqual(new[] { 0, 1, 3 }, files.ToArray(), "both processes of Lib, T; an index past the assembly's files ignored");
    }

    [TestMethod]
    public void A_class_run_adds_the_test_processes_files_to_every_test_of_the_class()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "hits.jsonl");
        File.WriteAllLines(path, [
            Session,
            """{"event":"test","name":"T.Tests.A","class":"T.Tests","outcome":"Passed","hits":{}}""",
            """{"event":"test","name":"T.Tests.B","class":"T.Tests","outcome":"Failed","hits":{}}""",
            End,
        ]);

        var tests = ImpactRecorder.ReadHits(path, Project, Assemblies, Index, "/repo", "T", perClass: true, processHits: new SortedSet<int> { 1, 3 });

        Assert.HasCount(2, tests);
        CollectionAssert.AreEqual(new[] { 1, 3 }, tests[0].Files.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 3 }, tests[1].Files.ToArray());
        Assert.AreEqual(ImpactOutcome.Failed, tests[1].Outcome);
    }
}

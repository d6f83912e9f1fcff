using System.Diagnostics;
using Pipelines.Adapters.Impact;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>
/// xUnit v3 runs the test assembly as a process of its own, out of the in-process collector's sight: the recorder runs
/// the xUnit v3 sample one class at a time, the instrumented assemblies write their flags to a folder as that process
/// exits, and every test of a class gets the files its class's run executed.
/// </summary>
[TestClass]
public sealed class ImpactRecorderXunit3Tests
{
    private const string Lib = "Impact/ImpactLib/";
    private const string Ns = "Samples.Impact.Xunit.";
    private static ImpactSampleRepository? _samples;
    private static ImpactMap? _map;

    [ClassInitialize]
    public static void RecordOnce(TestContext context)
    {
        _samples = new ImpactSampleRepository();
        _map = _samples.Record("ImpactXunit3");
    }

    [ClassCleanup]
    public static void CleanUp() => _samples?.Dispose();

    private static ImpactMap Map => _map!;

    private static ImpactTest Test(string name) => Map.Projects.Single().Tests.Single(t => t.Name == Ns + name);

    private static string[] LibraryFiles(ImpactTest test) =>
        [.. test.Files.Select(i => Map.Files[i].Path).Where(f => f.StartsWith(Lib, StringComparison.Ordinal)).Select(f => f[Lib.Length..])];

    [TestMethod]
    public void Every_test_of_the_sample_is_recorded_once_with_its_class_per_class()
    {
        var project = Map.Projects.Single();
        Assert.AreEqual(ImpactSampleRepository.Project("ImpactXunit3"), project.Path);
        Assert.AreEqual(ImpactGranularity.Class, project.Granularity, "the map says its files are per class");
        CollectionAssert.AreEquivalent(
            new[]
            {
                "CalculatorTests.Adds", "CalculatorTests.Divides_by_zero_as_zero", "CalculatorTests.Adds_later", "CalculatorTests.Counts",
                "CalculatorTests.Fails_on_purpose", "GreeterTests.Greets", "PricingTests.Prices_standard", "PricingTests.Prices_reduced",
                "ClockTests.Runs_after_the_class_set_up",
            },
            project.Tests.Select(t => t.Name[Ns.Length..]).ToList());
        Assert.AreEqual(Ns + "CalculatorTests", Test("CalculatorTests.Adds").ClassName);
    }

    [TestMethod]
    public void Each_test_gets_the_library_files_its_class_ran_in_the_test_process_and_not_another_classs()
    {
        foreach (var name in new[] { "Adds", "Divides_by_zero_as_zero", "Adds_later", "Counts", "Fails_on_purpose" })
        {
            CollectionAssert.AreEqual(new[] { "Calculator.cs" }, LibraryFiles(Test("CalculatorTests." + name)), name);
        }

        CollectionAssert.AreEqual(new[] { "Greeter.cs" }, LibraryFiles(Test("GreeterTests.Greets")));
        CollectionAssert.AreEqual(new[] { "Pricing.cs", "RateTable.cs" }, LibraryFiles(Test("PricingTests.Prices_standard")));
        CollectionAssert.AreEqual(new[] { "Clock.cs" }, LibraryFiles(Test("ClockTests.Runs_after_the_class_set_up")));
    }

    [TestMethod]
    public void A_test_records_its_own_test_file_and_keeps_its_own_outcome()
    {
        CollectionAssert.Contains(Test("GreeterTests.Greets").Files.Select(i => Map.Files[i].Path).ToList(), "Impact/ImpactXunit3/Tests.cs");
        Assert.AreEqual(ImpactOutcome.Failed, Test("CalculatorTests.Fails_on_purpose").Outcome);
        Assert.AreEqual(ImpactOutcome.Passed, Test("CalculatorTests.Adds").Outcome);
    }

    [TestMethod]
    public void An_instrumented_test_process_writes_its_set_flags_per_assembly_on_exit_only_when_the_variable_is_set()
    {
        // The build the recording made; its instrumented copy was deleted after the run.
        var output = Path.Combine(_samples!.Root, "Impact", "ImpactXunit3", "bin", "Debug", "net10.0");
        using var copy = new TempDirectory("pipelines-impact-copy");
        foreach (var file in Directory.EnumerateFiles(output))
        {
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        }

        var root = _samples.Root;
        var instrumented = ImpactInstrumenter.Instrument(
            output, copy.Path, root, p => File.Exists(Path.Combine(root, p)) && !p.Contains("/obj/", StringComparison.Ordinal),
            [Path.GetDirectoryName(typeof(object).Assembly.Location)!]);
        var lib = instrumented.Single(a => a.Name == "ImpactLib");

        using var hits = new TempDirectory("pipelines-impact-hits");
        var (exit, pid) = RunGreeterTests(copy.Path, hits.Path);
        Assert.AreEqual(0, exit, "the instrumented test process runs as the original does");
        var written = Directory.GetFiles(hits.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(new[] { $"ImpactLib.{pid}.hits", $"ImpactXunit3.{pid}.hits" }, written);
        var libFiles = File.ReadAllLines(Path.Combine(hits.Path, $"ImpactLib.{pid}.hits")).Select(int.Parse).Select(i => lib.Documents[i]).ToList();
        CollectionAssert.AreEqual(new[] { "Impact/ImpactLib/Greeter.cs" }, libFiles, "only the files the one class ran");

        var before = Directory.GetFiles(copy.Path, "*", SearchOption.AllDirectories).Length;
        var (plainExit, _) = RunGreeterTests(copy.Path, hitsDirectory: null);
        Assert.AreEqual(0, plainExit);
        Assert.AreEqual(before, Directory.GetFiles(copy.Path, "*", SearchOption.AllDirectories).Length, "no variable, no file written");
        Assert.HasCount(2, Directory.GetFiles(hits.Path), "no variable, nothing written to the earlier folder either");
    }

    private static (int Exit, int Pid) RunGreeterTests(string directory, string? hitsDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(directory, "ImpactXunit3.dll"), "-class", Ns + "GreeterTests" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove(ImpactInstrumenter.HitsDirectoryVariable);
        if (hitsDirectory is not null)
        {
            start.Environment[ImpactInstrumenter.HitsDirectoryVariable] = hitsDirectory;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Task.WaitAll(stdout, stderr); // drained so a chatty run cannot block on a full pipe
        return (process.ExitCode, process.Id);
    }

    [TestMethod]
    [DataRow("Ns.Fixture", "FullyQualifiedName~Ns.Fixture.")]
    [DataRow("Ns.Outer+Inner", "FullyQualifiedName~Ns.Outer+Inner.")]
    [DataRow("Ns.Odd(1)", "FullyQualifiedName~Ns.Odd\\(1\\).")]
    public void A_class_runs_with_a_VSTest_filter_on_its_name_and_a_dot_escaped(string className, string filter) =>
        Assert.AreEqual(filter, ImpactFilter.ClassTerm(className));
}

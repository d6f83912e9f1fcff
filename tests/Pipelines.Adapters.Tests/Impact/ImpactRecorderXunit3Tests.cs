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
public sealed class ImpactRecorderXunit3Tests : PerClassRecordingSpecs
{
    private const string SampleName = "ImpactXunit3";
    private const string Namespace = "Samples.Impact.Xunit.";
    private static ImpactSampleRepository? _samples;
    private static ImpactMap? _map;

    [ClassInitialize]
    public static void RecordOnce(TestContext context)
    {
        _samples = new ImpactSampleRepository();
        _map = _samples.Record(SampleName);
    }

    [ClassCleanup]
    public static void CleanUp() => _samples?.Dispose();

    protected override string Sample => SampleName;

    protected override string Ns => Namespace;

    protected override ImpactMap Map => _map!;

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
        foreach (var argument in new[] { Path.Combine(directory, "ImpactXunit3.dll"), "-class", Namespace + "GreeterTests" })
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

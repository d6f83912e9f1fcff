using System.Reflection;
using Pipelines.Adapters.Formats;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// What recording an impact map costs on this repository's own tests/Pipelines.Core.Tests, beside a plain
/// <c>dotnet test</c> of the same build, and beside the alternative it was chosen over: coverlet run once per test
/// class (per-class coverage needs one run per class; measured on a few classes and multiplied out).
/// </summary>
internal static class ImpactRecordBench
{
    private const string Project = "tests/Pipelines.Core.Tests/Pipelines.Core.Tests.csproj";
    private const int CoverletClasses = 4;

    public static IReadOnlyList<BenchRow> Run()
    {
        Environment.SetEnvironmentVariable("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        Environment.SetEnvironmentVariable("DOTNET_NOLOGO", "1");
        // A clone at HEAD: record-impact refuses a tree with changes, and the bench must not depend on this checkout's state.
        using var dir = new TempDirectory("pipelines-bench-impact");
        var clone = Path.Combine(dir.Path, "repo");
        Programs.RunOrThrow("git", ["clone", "--quiet", "--no-hardlinks", SourceTree.Root, clone]);
        Programs.RunOrThrow("dotnet", ["build", Path.Combine(clone, Project), "-c", "Debug", "--nologo", "-v", "q"]);
        var assembly = Path.Combine(clone, "tests", "Pipelines.Core.Tests", "bin", "Debug", "net10.0", "Pipelines.Core.Tests.dll");
        var cli = Path.Combine(AppContext.BaseDirectory, "pipelines.dll");
        var map = Path.Combine(dir.Path, "impact-map.json");
        string[] plain = ["test", assembly, "--logger", "trx", "--results-directory", Path.Combine(dir.Path, "plain")];
        string[] ours = [cli, "record-impact", "--repo", clone, "--projects", Project, "--no-build", "--out", map];

        Measure.Run("dotnet", plain); // warm both once
        Measure.Run("dotnet", ours);
        var (plainTimes, oursTimes) = (new List<TimeSpan>(), new List<TimeSpan>());
        for (var i = 0; i < 3; i++)
        {
            plainTimes.Add(Measure.Once(() => Measure.Run("dotnet", plain)));
            oursTimes.Add(Measure.Once(() => Measure.Run("dotnet", ours)));
        }

        var plainTime = plainTimes.Order().ElementAt(1);
        var oursTime = oursTimes.Order().ElementAt(1);
        var recorded = ImpactMapFile.Read(map, "impact-map.json");
        var tests = recorded.Projects.Sum(p => p.Tests.Count);
        var classes = recorded.Projects.SelectMany(p => p.Tests).Select(t => t.ClassName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        // coverlet: one dotnet test per class with the XPlat collector, the only way it tells classes apart.
        var coverlet = Path.Combine(
            typeof(ImpactRecordBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CoverletCollector").Value!,
            "build", "netstandard2.0");
        var sample = classes.Where((_, i) => i % Math.Max(1, classes.Count / CoverletClasses) == 0).Take(CoverletClasses).ToList();
        var perClass = new List<TimeSpan>();
        foreach (var name in sample)
        {
            perClass.Add(Measure.Once(() => Measure.Run("dotnet",
                ["test", assembly, "--filter", $"FullyQualifiedName~{name}.", "--collect", "XPlat Code Coverage", "--test-adapter-path", coverlet,
                 "--results-directory", Path.Combine(dir.Path, "coverlet")])));
        }

        var coverletPerClass = TimeSpan.FromTicks((long)perClass.Average(t => t.Ticks));
        var coverletAll = coverletPerClass * classes.Count;
        return
        [
            BenchRow.Info("impact-record: plain dotnet test, Pipelines.Core.Tests (same build)", plainTime.TotalMilliseconds, "ms", $"{tests} tests in {classes.Count} classes"),
            BenchRow.Info("impact-record: pipelines record-impact --no-build, same tests", oursTime.TotalMilliseconds, "ms",
                $"{oursTime / plainTime:0.0}x plain: instrumenting a copy, one test at a time"),
            BenchRow.Info("impact-record: coverlet once per test class, extrapolated", coverletAll.TotalMilliseconds, "ms",
                $"{coverletPerClass.TotalSeconds:0.0} s per class measured on {sample.Count} classes x {classes.Count} classes = {coverletAll / plainTime:0}x plain, and per class only"),
        ];
    }
}

using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>run-tests against a plain <c>dotnet test</c> of the same tests: what planning, filters and merging cost.</summary>
internal static class RunTestsBench
{
    public static IReadOnlyList<BenchRow> Run()
    {
        var assembly = SampleProjects.Build("MsTestSample");
        using var dir = new TempDirectory("pipelines-bench-run");
        var cli = PublishedCli.ReadyToRun; // as the actions run it
        var ids = Pipelines.Adapters.DotNet.TestAssemblyReader.Read(assembly, "MsTestSample.dll").Select(t => t.Id);
        File.WriteAllLines(Path.Combine(dir.Path, "tests.txt"), ids);
        Measure.Run(cli, ["plan-tests", "--tests", Path.Combine(dir.Path, "tests.txt"), "--shards", "1", "--out", Path.Combine(dir.Path, "plan.json")]);

        string[] plain = ["test", assembly, "--logger", "trx", "--results-directory", Path.Combine(dir.Path, "plain")];
        string[] ours = ["run-tests", "--plan", Path.Combine(dir.Path, "plan.json"), "--dotnet-test-args", assembly, "--results-dir", Path.Combine(dir.Path, "ours")];
        Measure.Run("dotnet", plain); // warm both paths once
        Measure.Run(cli, ours);
        var plainTime = Measure.Median(5, () => Measure.Run("dotnet", plain));
        var oursTime = Measure.Median(5, () => Measure.Run(cli, ours));
        var overhead = 100 * ((oursTime / plainTime) - 1);
        return [new BenchRow("run-tests overhead vs plain dotnet test (same tests, same TRX logger)", overhead, 10, "%",
            $"plain {plainTime.TotalSeconds:0.00} s, run-tests {oursTime.TotalSeconds:0.00} s")];
    }
}

using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// run-tests against a plain <c>dotnet test</c> of the same tests: what planning, filters and merging cost. Measured
/// on the bare sample suite (about a second, almost all of it vstest starting) and on the same suite doing ten
/// seconds of work, still far shorter than a real shard.
/// </summary>
internal static class RunTestsBench
{
    public static IReadOnlyList<BenchRow> Run()
    {
        // run-tests starts dotnet test with telemetry off; the plain run gets the same, or it would pay for telemetry alone.
        Environment.SetEnvironmentVariable("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        Environment.SetEnvironmentVariable("DOTNET_NOLOGO", "1");
        var assembly = SampleProjects.Build("MsTestSample");
        using var dir = new TempDirectory("pipelines-bench-run");
        var cli = PublishedCli.Release; // the release binary, as the actions run it
        var ids = Pipelines.Adapters.DotNet.TestAssemblyReader.Read(assembly, "MsTestSample.dll").Select(t => t.Id);
        File.WriteAllLines(Path.Combine(dir.Path, "tests.txt"), ids);
        Measure.Run(cli, ["plan-tests", "--tests", Path.Combine(dir.Path, "tests.txt"), "--shards", "1", "--out", Path.Combine(dir.Path, "plan.json")]);

        string[] plain = ["test", assembly, "--logger", "trx", "--results-directory", Path.Combine(dir.Path, "plain")];
        string[] ours = ["run-tests", "--plan", Path.Combine(dir.Path, "plan.json"), "--dotnet-test-args", assembly, "--results-dir", Path.Combine(dir.Path, "ours")];
        Measure.Run("dotnet", plain); // warm both paths once
        Measure.Run(cli, ours);

        var rows = new List<BenchRow>();
        foreach (var (name, seconds, runs) in new[] { ("bare sample suite", "0", 15), ("sample suite with 10 s of test work", "10", 3) })
        {
            Environment.SetEnvironmentVariable("SAMPLES_TEST_SECONDS", seconds);

            // Interleaved, so that the machine's drift (other work, caches) falls on both alike.
            var (plainTimes, oursTimes) = (new List<TimeSpan>(), new List<TimeSpan>());
            for (var i = 0; i < runs; i++)
            {
                plainTimes.Add(Measure.Once(() => Measure.Run("dotnet", plain)));
                oursTimes.Add(Measure.Once(() => Measure.Run(cli, ours)));
            }

            var plainTime = plainTimes.Order().ElementAt(runs / 2);
            var oursTime = oursTimes.Order().ElementAt(runs / 2);
            rows.Add(new BenchRow($"run-tests overhead vs plain dotnet test, {name}", 100 * ((oursTime / plainTime) - 1), 10, "%",
                $"plain {plainTime.TotalSeconds:0.00} s, run-tests {oursTime.TotalSeconds:0.00} s ({(oursTime - plainTime).TotalMilliseconds:0} ms more)"));
        }

        Environment.SetEnvironmentVariable("SAMPLES_TEST_SECONDS", null);
        return rows;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// The README's main command with 1-minute bakes: commit to production of the good change on the local fleet of 8
/// (waves 1, 2, 4 under load), and what the rollout spent beyond its three bakes.
/// </summary>
internal static class LocalLoopBench
{
    public static IReadOnlyList<BenchRow> Run()
    {
        using var work = new TempDirectory("pipelines-bench-loop");
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(SourceTree.PathOf("samples/local-loop.sh"));
        start.Environment["PIPELINES_BAKE"] = "1m";
        start.Environment["PIPELINES_WORK"] = work.Path;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var all = output + stderr.GetAwaiter().GetResult();
        var match = Regex.Match(all, @"commit to production: (\d+) s");
        if (process.ExitCode != 0 || !match.Success)
        {
            throw new InvalidOperationException($"the local loop failed (exit {process.ExitCode}):\n{all[^Math.Min(all.Length, 4000)..]}");
        }

        var seconds = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return
        [
            BenchRow.Time("local loop: commit to production with 1-minute bakes (8 hosts, waves 1,2,4)", TimeSpan.FromSeconds(seconds), TimeSpan.FromMinutes(4),
                "build, deploys, self-tests and three bakes"),
            BenchRow.Time("local loop: the rollout's time beyond its three bakes", TimeSpan.FromSeconds(seconds - 180), TimeSpan.FromSeconds(30),
                "building the service and restarting 8 dotnet processes included"),
        ];
    }
}

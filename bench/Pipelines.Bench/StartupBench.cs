using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// The release binary's size and cold start, CPU and wall, side by side with the variants it is weighed against
/// (issue #19): the Octokit trial (bench/Pipelines.OctokitTrial: the product's sources plus Octokit, published with
/// build/release.sh's own publish, trimmed single-file ReadyToRun) and Native AOT (possible, not shipped). Each binary
/// also makes revert-on-red's GitHub calls against GitHub's recorded traffic (@octokit/fixtures-server): a variant that
/// fails them is reported as not working, whatever its start-up.
/// </summary>
internal static class StartupBench
{
    private const int Runs = 31;

    private sealed record Variant(string Name, string Binary);

    private sealed record Sample(double WallMs, double CpuMs);

    public static IReadOnlyList<BenchRow> Run()
    {
        var rows = new List<BenchRow>();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}; {Cpu()}");
        var variants = new[]
        {
            new Variant("shipped (dist/, single-file ReadyToRun trimmed)", PublishedCli.Release),
            new Variant("Octokit trial (same publish)", PublishedCli.OctokitTrial),
            new Variant("Native AOT (not shipped)", PublishedCli.Native),
            new Variant("Octokit trial, Native AOT", PublishedCli.OctokitTrialNative),
        };

        using var work = new TempDirectory("pipelines-bench-startup");
        var (repo, green, red) = RedRepository();
        using var _ = repo;
        var gate = GateFolder(work.Path);
        var commands = new (string Name, string[] Arguments, string Directory)[]
        {
            ("--version", ["--version"], work.Path),
            ("revert-on-red --dry-run", ["revert-on-red", "--dry-run", "--green", green, "--red", red, "--test-command", "grep -qx ok state.txt"], repo.Path),
            ("metrics-gate --status auto", ["metrics-gate", "--status", "auto", "--data", "data.json"], gate),
        };

        var baseline = new Dictionary<string, Sample>();
        foreach (var variant in variants)
        {
            var mb = new FileInfo(variant.Binary).Length / 1e6;
            rows.Add(BenchRow.Info($"binary size, {variant.Name}", mb, " MB", variant.Binary));
            foreach (var (name, arguments, directory) in commands)
            {
                RunChecked(variant.Binary, arguments, directory); // the page cache, not us
                var samples = Enumerable.Range(0, Runs).Select(_ => Timed(variant.Binary, arguments, directory)).ToList();
                var wall = Stats(samples.Select(s => s.WallMs));
                var cpu = Stats(samples.Select(s => s.CpuMs));
                var versus = string.Empty;
                if (baseline.TryGetValue(name, out var shipped))
                {
                    versus = string.Create(CultureInfo.InvariantCulture, $"; vs shipped: wall {wall.Median - shipped.WallMs:+0;-0} ms, CPU {cpu.Median - shipped.CpuMs:+0;-0} ms");
                }
                else
                {
                    baseline[name] = new Sample(wall.Median, cpu.Median);
                }

                rows.Add(BenchRow.Info($"cold start, {name}, {variant.Name}: wall", wall.Median, "ms", $"median of {Runs}, {wall.Spread}{versus}"));
                rows.Add(BenchRow.Info($"cold start, {name}, {variant.Name}: CPU", cpu.Median, "ms", $"user+system, median of {Runs}, {cpu.Spread}"));
            }
        }

        // The revert path's GitHub calls against GitHub's recorded traffic, in the two trial builds (the product's
        // client code is the same source in them as in dist/).
        foreach (var variant in variants.Where(v => v.Name.StartsWith("Octokit trial", StringComparison.Ordinal)))
        {
            foreach (var client in new[] { "ours", "octokit" })
            {
                var first = RecordedCalls(variant.Binary, client);
                if (first.ExitCode != 0)
                {
                    var why = (first.StandardError + first.StandardOutput).Split('\n').FirstOrDefault(l => l.Length > 0) ?? "no output";
                    rows.Add(BenchRow.Info($"revert path's GitHub calls on recorded traffic, {client} client, {variant.Name}", double.NaN, "ms",
                        $"FAILS (exit {first.ExitCode}): {why.Trim()}"));
                    continue;
                }

                var samples = Enumerable.Range(0, 11).Select(_ => TimedRecordedCalls(variant.Binary, client)).ToList();
                var wall = Stats(samples.Select(s => s.WallMs));
                var cpu = Stats(samples.Select(s => s.CpuMs));
                rows.Add(BenchRow.Info($"revert path's GitHub calls on recorded traffic, {client} client, {variant.Name}: wall", wall.Median, "ms",
                    $"passes; 5 recorded scenarios loaded fresh, process start to exit, median of 11, {wall.Spread}"));
                rows.Add(BenchRow.Info($"revert path's GitHub calls on recorded traffic, {client} client, {variant.Name}: CPU", cpu.Median, "ms",
                    $"user+system, median of 11, {cpu.Spread}"));
            }
        }

        foreach (var (name, codes) in PublishedCli.AotWarnings)
        {
            rows.Add(BenchRow.Info($"trim/AOT analysis warnings, Native AOT publish of {(name == "aot" ? "the CLI" : "the Octokit trial")}", codes.Values.Sum(), " warnings",
                codes.Count == 0 ? "none" : string.Join(", ", codes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} ×{c.Value}"))));
        }

        return rows;
    }

    private static readonly string[] Scenarios = ["create-status", "git-refs", "pipelines-revert-publish", "pipelines-revert-pull-request", "pipelines-revert-notify"];

    private static ProgramRun RecordedCalls(string binary, string client)
    {
        var roots = Scenarios.Select(s => OctokitFixtures.LoadAsync(s).GetAwaiter().GetResult().ToString()).ToList();
        return Programs.Run(binary, ["github-calls", client, .. roots]);
    }

    private static Sample TimedRecordedCalls(string binary, string client)
    {
        var roots = Scenarios.Select(s => OctokitFixtures.LoadAsync(s).GetAwaiter().GetResult().ToString()).ToList(); // outside the clock
        return Timed(binary, ["github-calls", client, .. roots], Environment.CurrentDirectory);
    }

    private static void RunChecked(string binary, string[] arguments, string directory)
    {
        var run = Programs.Run(binary, arguments, directory, Quiet);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{binary} {string.Join(' ', arguments)} exited {run.ExitCode}:\n{run.StandardError}{run.StandardOutput}");
        }
    }

    /// <summary>Outside CI, as a laptop runs it: no GitHub or Azure variables reach the program.</summary>
    private static readonly Dictionary<string, string> Quiet = new() { ["GITHUB_ACTIONS"] = string.Empty, ["TF_BUILD"] = string.Empty, ["CI"] = string.Empty };

    /// <summary>Wall time from start to exit, and the CPU the process and its children used (getrusage of reaped children).</summary>
    private static Sample Timed(string binary, string[] arguments, string directory)
    {
        var before = ChildrenCpu();
        var watch = Stopwatch.StartNew();
        var run = Programs.Run(binary, arguments, directory, Quiet);
        var wall = watch.Elapsed.TotalMilliseconds;
        var cpu = (ChildrenCpu() - before).TotalMilliseconds;
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{binary} {string.Join(' ', arguments)} exited {run.ExitCode}:\n{run.StandardError}{run.StandardOutput}");
        }

        return new Sample(wall, cpu);
    }

    private static (double Median, string Spread) Stats(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        double At(double q) => sorted[(int)Math.Round(q * (sorted.Count - 1))];
        return (At(0.5), string.Create(CultureInfo.InvariantCulture, $"p10–p90 {At(0.1):0}–{At(0.9):0} ms, min {sorted[0]:0}, max {sorted[^1]:0}"));
    }

    /// <summary>A repository whose last two commits are red after a green one: what revert-on-red --dry-run bisects.</summary>
    private static (TemporaryRepository Repo, string Green, string Red) RedRepository()
    {
        var repo = new TemporaryRepository();
        var green = repo.Write("state.txt", "ok\n").Commit("green");
        repo.Write("state.txt", "broken\n").Commit("Break the state");
        var red = repo.Write("notes.txt", "a\n").Commit("An innocent change");
        return (repo, green, red);
    }

    /// <summary>metrics-gate's offline input: a file provider's config and measurements of a healthy canary.</summary>
    private static string GateFolder(string root)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "gate")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, ".pipelines"));
        File.WriteAllText(Path.Combine(folder, ".pipelines", "pipelines.yml"), """
            gate:
              provider: file
              metrics:
                - name: server-errors
                  kind: ratio
                  bad: increase
                  tolerance: 50%
                - name: latency-p95
                  kind: continuous
                  bad: increase
                  tolerance: 10%
              min-samples: 20
              no-data: inconclusive
            """);
        var random = new Random(7);
        string Samples() => JsonSerializer.Serialize(Enumerable.Range(0, 30).Select(_ => Math.Round(200 * (0.9 + (0.2 * random.NextDouble())), 3)).ToArray());
        File.WriteAllText(Path.Combine(folder, "data.json"),
            "{\"metrics\": {\"server-errors\": {\"canary\": {\"events\": 500, \"trials\": 100000}, \"baseline\": {\"events\": 500, \"trials\": 100000}}, " +
            "\"latency-p95\": {\"canary\": " + Samples() + ", \"baseline\": " + Samples() + "}}}");
        return folder;
    }

    private static string Cpu()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "cpu unknown";
        }
        catch (IOException)
        {
            return "cpu unknown";
        }
    }

    private static TimeSpan ChildrenCpu()
    {
        if (getrusage(-1 /* RUSAGE_CHILDREN */, out var usage) != 0)
        {
            throw new InvalidOperationException("getrusage failed");
        }

        return TimeSpan.FromMicroseconds((usage.UserSeconds + usage.SystemSeconds) * 1_000_000.0 + usage.UserMicroseconds + usage.SystemMicroseconds);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)]
        public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);
}

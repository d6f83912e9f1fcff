using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipelines.Adapters.Files;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.Git;
using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Bench.Impact;

/// <summary>
/// Safety of the impact map with seeded faults: mutants (Stryker.NET, one fault each) on the lines of
/// src/Pipelines.Core that recent code-changing commits wrote, each run against the whole of tests/Pipelines.Core.Tests;
/// every mutant that suite kills must be killed by a test the impact selection for "that file changed" runs.
/// </summary>
/// <remarks>
/// About 40 minutes on two cores for 80 lines: Stryker compiles every mutant once (mutant schemata) and runs the whole
/// test project per mutant (coverage analysis off, no bail, so every killing test is named). <c>--map</c>,
/// <c>--stryker-report</c> and <c>--durations</c> reuse earlier outputs of this bench (it prints where it wrote them).
/// </remarks>
internal static class ImpactMutantsBench
{
    private const string Under = "src/Pipelines.Core/";

    public static IReadOnlyList<BenchRow> Run(string[] args)
    {
        var commits = Argument(args, "--commits", 50);
        var want = Argument(args, "--lines", 80);
        var root = SourceTree.Root;
        var head = ImpactBenchSupport.Git(root, "rev-parse", Option(args, "--head") ?? "HEAD").Trim();
        Console.WriteLine($"impact-mutants at {ImpactBenchSupport.Short(head)} (a clone of that commit; the working tree's changes are not measured)");

        var offsets = (Option(args, "--offsets") ?? "0").Split(',').Select(o => int.Parse(o, CultureInfo.InvariantCulture)).ToList();
        var (sample, candidates, writers) = ChangedLines.Sample(root, head, commits, Under, want, offsets);
        Console.WriteLine($"Changed lines: {candidates} mutable lines of {Under} written by {writers} of the last {commits} code-changing commits are still at HEAD; {sample.Count} sampled ({sample.Select(s => s.File).Distinct().Count()} files)");

        var clone = Option(args, "--clone") ?? ImpactBenchSupport.CloneAt(root, head, "mutants");

        // The map first: recording builds the test project unmutated.
        var mapPath = Option(args, "--map");
        ImpactMap map;
        if (mapPath is null)
        {
            mapPath = Path.Combine(Path.GetDirectoryName(clone)!, "mutants-map.json");
            var (recorded, took) = ImpactBenchSupport.Record(clone, [ImpactBenchSupport.CoreTests], mapPath);
            map = recorded;
            Console.WriteLine($"Recorded {mapPath} in {took.TotalSeconds:0} s");
        }
        else
        {
            map = ImpactMapFile.Read(mapPath, mapPath);
        }

        if (map.Commit != head)
        {
            Console.WriteLine($"Note: the map is of {ImpactBenchSupport.Short(map.Commit)}, not HEAD; files that differ count as changed");
        }

        var durations = DurationsOf(args, clone);
        // Reports of earlier batches, in order: a mutant a later batch ran again (say with a longer timeout) takes its later result.
        var reports = Option(args, "--stryker-report")?.Split(',') ?? [RunStryker(clone, sample)];
        var roots = Option(args, "--stryker-root")?.Split(',') ?? [clone];
        var merged = new Dictionary<(string, int, int, int, int, string, string), StrykerMutant>();
        for (var i = 0; i < reports.Length; i++)
        {
            foreach (var mutant in StrykerReport.Read(reports[i], roots[Math.Min(i, roots.Length - 1)]))
            {
                var key = (mutant.File, mutant.StartLine, mutant.StartColumn, mutant.EndLine, mutant.EndColumn, mutant.Mutator, mutant.Replacement);
                if (!merged.ContainsKey(key) || mutant.Status != "Ignored")
                {
                    merged[key] = mutant;
                }
            }
        }

        var mutants = merged.Values.ToList();

        var onLines = sample.ToHashSet();
        var ours = mutants.Where(m => onLines.Contains((m.File, m.StartLine)) && m.StatusReason?.Contains("mutate filter", StringComparison.Ordinal) != true).ToList();
        return Measure(root, head, map, durations, ours);
    }

    private static List<BenchRow> Measure(string root, string head, ImpactMap map, Dictionary<string, double> durations, List<StrykerMutant> mutants)
    {
        var repository = GitRepository.Open(root);
        var (policy, graph, sources, tree) = ImpactBenchSupport.ProjectLevelInputs(repository, head);
        using var _ = tree;
        var names = new SourceNameIndex(tree);
        var mapHashes = map.Files.ToDictionary(f => f.Path, f => f.Hash, StringComparer.Ordinal);
        var recorded = map.Projects.SingleOrDefault(p => p.Path == ImpactBenchSupport.CoreTests)
            ?? throw new InvalidOperationException("the map records no " + ImpactBenchSupport.CoreTests);
        var allTests = recorded.Tests.Select(t => t.Name).Concat(durations.Keys).Concat(mutants.SelectMany(m => m.KilledBy))
            .ToHashSet(StringComparer.Ordinal);
        var fullTime = allTests.Sum(t => durations.GetValueOrDefault(t));

        var compiled = mutants.Where(m => m.Status is not ("CompileError" or "Ignored")).ToList();
        var killed = compiled.Where(m => m.Status == "Killed").ToList();
        var timeouts = compiled.Count(m => m.Status == "Timeout");
        var caught = 0;
        var caughtNarrowed = 0;
        var whole = 0;
        var missed = new List<string>();
        var testShares = new List<double>();
        var timeShares = new List<double>();
        var projectLevelProjects = new List<int>();
        foreach (var mutant in compiled)
        {
            var text = tree.ReadText(mutant.File) ?? throw new InvalidOperationException(mutant.File + " is not at HEAD");
            var (mutated, changedLines) = StrykerReport.Apply(text, mutant);
            var headFiles = new Dictionary<string, string>(mapHashes, StringComparer.Ordinal) { [mutant.File] = "mutant-" + mutant.Id };
            var change = new[] { new FileChange(ChangeKind.Modified, mutant.File) };
            var projectLevel = TestSelector.Select(change, policy, graph, null, sources);
            projectLevelProjects.Add(projectLevel.Projects.Count);
            var selection = ImpactSelector.Narrow(projectLevel, map, headFiles, new MapStanding(true, true, 0), ImpactSelector.DefaultMaxAge, graph,
                changes => TestSelector.Select(changes, policy, graph, null, sources), new MutantDiff(mutant.File, changedLines, mutated, names, tree), sources);
            var core = selection.Projects.FirstOrDefault(p => p.Project == ImpactBenchSupport.CoreTests);
            var run = core is null ? [] : ImpactBenchSupport.TestsRun(core, allTests);
            whole += core?.Whole == true ? 1 : 0;
            if (core?.Whole == true && Environment.GetEnvironmentVariable("PIPELINES_BENCH_EXPLAIN") is { Length: > 0 })
            {
                Console.WriteLine($"  whole for mutant {mutant.Id} in {mutant.File}: {selection.FileReasons.GetValueOrDefault(mutant.File)}");
            }
            testShares.Add((double)run.Count / allTests.Count);
            timeShares.Add(fullTime > 0 ? run.Sum(t => durations.GetValueOrDefault(t)) / fullTime : double.NaN);
            if (mutant.Status != "Killed")
            {
                continue;
            }

            var runSet = run.ToHashSet(StringComparer.Ordinal);
            if (mutant.KilledBy.Any(runSet.Contains))
            {
                caught++;
                caughtNarrowed += core?.Whole == true ? 0 : 1;
            }
            else
            {
                missed.Add($"{mutant.File}:{mutant.StartLine} {mutant.Mutator} → '{Clip(mutant.Replacement)}': killed by {mutant.KilledBy[0]}{(mutant.KilledBy.Count > 1 ? $" and {mutant.KilledBy.Count - 1} more" : "")}; " +
                    (core is null ? "the selection ran nothing of Core.Tests" : $"the selection ran {run.Count} tests ({selection.FileReasons.GetValueOrDefault(mutant.File)})"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"The full run: every test of {ImpactBenchSupport.CoreTests} ({allTests.Count} tests, {fullTime:0.0} s of test time by TRX) per mutant, Stryker.NET 5.1.0, coverage analysis off, no bail");
        Console.WriteLine($"Mutants on the sampled lines: {mutants.Count} tried, {compiled.Count} compiled, {killed.Count} killed by the full run ({timeouts} more timed out: their killers are unnamed, not checked), {compiled.Count - killed.Count - timeouts} survived it");
        Console.WriteLine($"Killed by the impact selection: {caught} of {killed.Count} ({caughtNarrowed} by a narrowed selection, {caught - caughtNarrowed} with Core.Tests run whole); {whole} of {compiled.Count} compiled mutants made it run Core.Tests whole (fallback)");
        Console.WriteLine($"Project-level selection for one changed file of {Under}: {ImpactBenchSupport.Median([.. projectLevelProjects.Select(p => (double)p)])} test projects (median), Core.Tests whole");
        foreach (var miss in missed)
        {
            Console.WriteLine("  MISSED " + miss);
        }

        var missedShare = killed.Count == 0 ? double.NaN : 100.0 * missed.Count / killed.Count;
        return
        [
            BenchRow.Info($"impact-mutants: mutants tried / compiled on {mutants.Select(m => (m.File, m.StartLine)).Distinct().Count()} changed lines of {Under}", compiled.Count, "", $"{mutants.Count} tried"),
            BenchRow.Info("impact-mutants: killed by the full Core.Tests run", killed.Count, "", $"{timeouts} timed out, not checked"),
            BenchRow.Info("impact-mutants: of those, killed by the impact selection", caught, "", $"{missed.Count} missed"),
            new BenchRow("impact-mutants: missed by the impact selection, of those the full run kills", missedShare, 1, "%", "target 100% caught, at least 99%"),
            BenchRow.Info("impact-mutants: share of Core.Tests' tests the selection ran (median per mutant)", 100 * ImpactBenchSupport.Median(testShares), "%",
                $"mean {Mean(testShares)}; project level runs 100 %"),
            BenchRow.Info("impact-mutants: share of Core.Tests' test time the selection ran (median per mutant)", 100 * ImpactBenchSupport.Median(timeShares), "%",
                $"mean {Mean(timeShares)}; project level runs 100 %"),
        ];
    }

    private static Dictionary<string, double> DurationsOf(string[] args, string clone)
    {
        if (Option(args, "--durations") is { } trx)
        {
            var read = Adapters.ResultFiles.ResultFileReader.Read(trx);
            return read.Results.GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Seconds), StringComparer.Ordinal);
        }

        var (seconds, failed, wall) = ImpactBenchSupport.Durations(clone, ImpactBenchSupport.CoreTests, build: true);
        Console.WriteLine($"Durations: {seconds.Count} tests of Core.Tests, {seconds.Values.Sum():0.0} s of test time, {wall.TotalSeconds:0} s wall with the build; {failed.Count} failed");
        return seconds;
    }

    private static string RunStryker(string clone, IReadOnlyList<(string File, int Line)> sample)
    {
        var output = Path.Combine(Path.GetDirectoryName(clone)!, "mutants-stryker");
        var config = Path.Combine(Path.GetDirectoryName(clone)!, "mutants-stryker.json");
        var settings = new Dictionary<string, object>
        {
            ["project"] = "Pipelines.Core.csproj",
            ["test-projects"] = new[] { Path.Combine(clone, ImpactBenchSupport.CoreTests) },
            ["mutate"] = ChangedLines.StrykerPatterns(clone, Under, sample),
            ["coverage-analysis"] = "off",
            ["disable-bail"] = true,
            ["additional-timeout"] = 30000, // two loaded cores: the default 5 s made slow runs of killed mutants time out
            ["concurrency"] = 1,
            ["reporters"] = new[] { "json", "progress" },
        };
        File.WriteAllText(config, JsonSerializer.Serialize(new Dictionary<string, object> { ["stryker-config"] = settings }));
        var testFolder = Path.Combine(clone, Path.GetDirectoryName(ImpactBenchSupport.CoreTests)!);
        // The tool manifest of the bench's own tree: the commit measured may predate it.
        Directory.CreateDirectory(Path.Combine(clone, ".config"));
        File.Copy(SourceTree.PathOf(".config/dotnet-tools.json"), Path.Combine(clone, ".config", "dotnet-tools.json"), overwrite: true);
        Programs.RunOrThrow("dotnet", ["tool", "restore"], clone);
        Console.WriteLine($"Stryker: {config} → {output} (about 15 s per mutant on two cores)");
        var watch = Stopwatch.StartNew();
        var run = Programs.Run("dotnet", ["tool", "run", "dotnet-stryker", "--", "-f", config, "--output", output, "--skip-version-check"], testFolder);
        Console.WriteLine($"Stryker exited {run.ExitCode} after {watch.Elapsed.TotalMinutes:0.0} min");
        var report = Path.Combine(output, "reports", "mutation-report.json");
        return File.Exists(report) ? report : throw new InvalidOperationException($"Stryker wrote no report:\n{run.StandardOutput[^Math.Min(4000, run.StandardOutput.Length)..]}\n{run.StandardError}");
    }

    private sealed class MutantDiff(string file, IReadOnlyList<string> lines, string text, SourceNameIndex names, IFileTree tree) : IImpactDiff
    {
        public IReadOnlyList<string> ChangedLines(string path) => path == file ? lines : [];

        public string? HeadText(string path) => path == file ? text : tree.ReadText(path);

        public IReadOnlyList<string> SourcesNaming(string identifier) => names.FilesNaming(identifier);
    }

    private static string Mean(List<double> values) => values.Count == 0 ? "—" : ImpactBenchSupport.Percent(values.Average());

    private static string Clip(string text) => text.Length <= 40 ? text.ReplaceLineEndings(" ") : text[..40].ReplaceLineEndings(" ") + "…";

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Argument(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

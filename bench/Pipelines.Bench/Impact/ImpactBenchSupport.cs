using System.Globalization;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.Git;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Bench.Impact;

/// <summary>What the impact benches share: git, the project-level answer, recording a map, test durations.</summary>
internal static class ImpactBenchSupport
{
    public const string CoreTests = "tests/Pipelines.Core.Tests/Pipelines.Core.Tests.csproj";

    public static string Git(string repository, params string[] arguments) => Programs.RunOrThrow("git", ["-C", repository, .. arguments]);

    /// <summary>A clone of <paramref name="repository"/> checked out at <paramref name="commit"/>: built and mutated there, never in the working tree.</summary>
    public static string CloneAt(string repository, string commit, string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipelines-bench-impact", name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);

        // Older commits' tests read ../shared, as CI has it beside the clone: give the clones the same neighbour.
        var shared = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(repository))!, "shared");
        var beside = Path.Combine(Path.GetDirectoryName(folder)!, "shared");
        if (Directory.Exists(shared) && !Directory.Exists(beside))
        {
            Directory.CreateSymbolicLink(beside, shared);
        }

        Programs.RunOrThrow("git", ["clone", "--quiet", "--shared", "--no-checkout", repository, folder]);
        Git(folder, "checkout", "--quiet", "--detach", commit);
        return folder;
    }

    /// <summary>The selection policy at HEAD's config (the default when there is none) and the project graph at <paramref name="commit"/>.</summary>
    public static (SelectionPolicy Policy, ProjectGraph Graph, TestSourceIndex Sources, GitTree Tree) ProjectLevelInputs(GitRepository repository, string commit)
    {
        var config = ConfigFile.Load(Path.Combine(repository.Root, ConfigFile.DefaultPath), ConfigFile.DefaultPath, mustExist: false);
        var policy = TestsSection.Read(config);
        var tree = repository.ReadTree(commit);
        var graph = ProjectGraphReader.Read(tree);
        return (policy, graph, new TestSourceIndex(tree, graph), tree);
    }

    /// <summary>Records an impact map of <paramref name="projects"/> in <paramref name="clone"/> with <c>pipelines record-impact</c>, in process.</summary>
    public static (ImpactMap Map, TimeSpan Took) Record(string clone, IReadOnlyList<string> projects, string output, params string[] more)
    {
        var (map, took, exit, log) = TryRecord(clone, projects, output, more);
        return map is null ? throw new InvalidOperationException($"record-impact exited {exit}:\n{log}") : (map, took);
    }

    /// <summary>
    /// <see cref="Record"/>, but a run that failed outside (exit 3: a test project that does not build at that commit)
    /// comes back as no map, as a CI job at that push would end red and write none.
    /// </summary>
    public static (ImpactMap? Map, TimeSpan Took, int Exit, string Log) TryRecord(string clone, IReadOnlyList<string> projects, string output, params string[] more)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(new Dictionary<string, string?>(), clone, stdout, stderr);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var exit = PipelinesCli.Run(["record-impact", "--repo", clone, "--out", output, .. more, "--projects", .. projects], context);
        var took = watch.Elapsed;
        if (exit != 0)
        {
            return exit == ExitCodes.OutsideFailure ? (null, took, exit, $"{stderr}\n{stdout}") : throw new InvalidOperationException($"record-impact exited {exit}:\n{stderr}\n{stdout}");
        }

        Console.WriteLine(stdout.ToString().TrimEnd());
        return (ImpactMapFile.Read(output, output), took, exit, string.Empty);
    }

    /// <summary>Runs a built test project once with a TRX logger: each test's duration, and the run's wall time.</summary>
    public static (Dictionary<string, double> Seconds, IReadOnlyList<string> Failed, TimeSpan Wall) Durations(string clone, string project, bool build)
    {
        var results = Path.GetDirectoryName(TrxPath(Path.GetFileName(clone), project))!;
        if (Directory.Exists(results))
        {
            Directory.Delete(results, recursive: true);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var run = Programs.Run("dotnet", ["test", Path.Combine(clone, project), .. build ? Array.Empty<string>() : ["--no-build"], "-v", "q",
            "--logger", "trx;LogFileName=run.trx", "--results-directory", results]);
        var wall = watch.Elapsed;
        var trx = Path.Combine(results, "run.trx");
        if (!File.Exists(trx))
        {
            throw new InvalidOperationException($"dotnet test {project} wrote no TRX (exit {run.ExitCode}):\n{run.StandardOutput}\n{run.StandardError}");
        }

        var read = ResultFileReader.Read(trx);
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var result in read.Results)
        {
            // Data rows share their method's id: a selected method runs all its rows.
            seconds[result.Id] = seconds.GetValueOrDefault(result.Id) + result.Seconds;
        }

        var failed = read.Results.Where(r => r.Outcome == Core.TestResults.TestOutcome.Failed).Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList();
        return (seconds, failed, wall);
    }

    /// <summary>Where <see cref="Durations"/> keeps the TRX of a clone's full run of a project.</summary>
    public static string TrxPath(string cloneName, string project) =>
        Path.Combine(Path.GetTempPath(), "pipelines-bench-impact", $"trx-{cloneName}-{Path.GetFileNameWithoutExtension(project)}", "run.trx");

    /// <summary>The tests of a project an impact selection runs, by name, given every test the project has.</summary>
    public static IReadOnlyList<string> TestsRun(ImpactProjectSelection selection, IReadOnlyCollection<string> all)
    {
        if (selection.Whole)
        {
            return [.. all];
        }

        var names = new HashSet<string>(selection.Tests, StringComparer.Ordinal);
        // The filter runs a class by a name prefix: "Namespace.Class." or, for a bare name, any ".Class." or leading "Class.".
        return [.. all.Where(t => names.Contains(t) || selection.Classes.Any(c => t.StartsWith(c + ".", StringComparison.Ordinal) || t.Contains("." + c + ".", StringComparison.Ordinal)))];
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static string Percent(double share) => double.IsNaN(share) ? "—" : (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Short(string commit) => commit[..Math.Min(8, commit.Length)];
}

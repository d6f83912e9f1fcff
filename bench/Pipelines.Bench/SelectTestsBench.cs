using System.Globalization;
using Pipelines.Cli;
using Pipelines.Cli.Hosting;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>select-tests on a generated 500-project repository, and the CLI's start-up, ReadyToRun against JIT.</summary>
internal static class SelectTestsBench
{
    public static IReadOnlyList<BenchRow> Run(string[] args)
    {
        var projects = Argument(args, "--projects", 500);
        var files = Argument(args, "--files", 2000);
        var results = new List<BenchRow>();

        Console.WriteLine($"Generating a {projects}-project repository with a {files}-file change...");
        using var large = GeneratedRepository.Create(projects, files);
        string[] selectArgs = ["select-tests", "--repo", large.Path, "--base", "HEAD~1", "--json"];

        // In-process: the work itself, once cold (first JIT of every path) and warm.
        var cold = Measure.Once(() => RunInProcess(selectArgs));
        using (var selection = System.Text.Json.JsonDocument.Parse(RunInProcess(selectArgs)))
        {
            var root = selection.RootElement;
            Console.WriteLine($"Selected: {root.GetProperty("projects").GetArrayLength()} test projects, {root.GetProperty("tags").GetArrayLength()} tags, " +
                $"{root.GetProperty("untagged").GetArrayLength()} untagged of {root.GetProperty("changedFiles").GetInt32()} changed files, run-all {root.GetProperty("runAll").GetBoolean()}");
        }

        var warm = Measure.Median(5, () => RunInProcess(selectArgs));
        results.Add(BenchRow.Time($"select-tests in-process, {projects} projects, {files} files (warm)", warm, TimeSpan.FromSeconds(1), $"cold {Seconds(cold)}"));
        if (args.Contains("--in-process"))
        {
            return results; // the selection's own cost, without the publishes (minutes) the other rows need
        }

        // The reading part of that: git's diff and tree, and the text of every MSBuild file the evaluation reads.
        var reading = Measure.Median(5, () => ReadOnly(large.Path));

        // Out of process, as CI runs it: the ReadyToRun binary against the framework-dependent JIT build.
        var r2r = PublishedCli.ReadyToRun;
        var jitDll = PublishedCli.JitDll;

        using var tiny = new TemporaryRepository();
        tiny.Write("src/App/App.cs", "class App {}").Commit("initial");
        tiny.Write("src/App/App.cs", "class App { }").Commit("change");
        string[] tinyArgs = ["select-tests", "--repo", tiny.Path, "--base", "HEAD~1"];
        Measure.Run(r2r, tinyArgs); // first run pays for the page cache, not for us
        var startR2r = Measure.Median(11, () => Measure.Run(r2r, tinyArgs));
        var startJit = Measure.Median(11, () => Measure.Run("dotnet", [jitDll, .. tinyArgs]));
        var native = PublishedCli.Native;
        Measure.Run(native, tinyArgs);
        var startNative = Measure.Median(11, () => Measure.Run(native, tinyArgs));
        var release = PublishedCli.Release;
        Measure.Run(release, tinyArgs);
        var startRelease = Measure.Median(11, () => Measure.Run(release, tinyArgs));
        results.Add(BenchRow.Time("start-up: select-tests on a 1-file change, ReadyToRun", startR2r, TimeSpan.FromMilliseconds(150), $"JIT build {Millis(startJit)}, R2R/JIT {Ratio(startR2r, startJit)}"));
        results.Add(BenchRow.Time("start-up: select-tests on a 1-file change, the release binary (single-file R2R, trimmed)", startRelease, TimeSpan.FromMilliseconds(150), $"release/R2R folder {Ratio(startRelease, startR2r)}"));
        results.Add(BenchRow.Time("start-up: select-tests on a 1-file change, Native AOT (not shipped)", startNative, TimeSpan.FromMilliseconds(150), $"AOT/release {Ratio(startNative, startRelease)}"));

        var processLarge = Measure.Median(3, () => Measure.Run(r2r, selectArgs));
        results.Add(BenchRow.Time($"select-tests process, {projects} projects, {files} files, after start-up", processLarge - startR2r, TimeSpan.FromSeconds(1), $"wall {Seconds(processLarge)}"));

        // The whole process as CI runs it, split: start-up (the 1-file run), reading (git and project files,
        // in-process), selection (the rest of the warm in-process work), and what is left (first-run JIT, cold caches).
        foreach (var (name, binary, startup) in new[] { ("ReadyToRun", r2r, startR2r), ("release binary", release, startRelease) })
        {
            Measure.Run(binary, selectArgs);
            var wall = Measure.Median(3, () => Measure.Run(binary, selectArgs));
            var other = wall - startup - warm;
            results.Add(BenchRow.Time($"select-tests whole process, {projects} projects, {files} files, {name}", wall, TimeSpan.FromSeconds(1),
                $"start-up {Millis(startup)} + reading {Millis(reading)} + selection {Millis(warm - reading)} + first-run/other {Millis(other)}"));
        }

        return results;
    }

    private static void ReadOnly(string repository)
    {
        var git = Pipelines.Adapters.Git.GitRepository.Open(repository);
        var head = git.ResolveCommit("HEAD", "--head");
        _ = git.GetChanges(git.ResolveCommit("HEAD~1", "--base"), head);
        using var tree = git.ReadTree(head);
        foreach (var file in tree.Files.Where(f => f.EndsWith("proj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal)))
        {
            _ = tree.ReadText(file);
        }
    }

    private static string RunInProcess(string[] arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(new Dictionary<string, string?>(), Environment.CurrentDirectory, stdout, stderr);
        var exit = PipelinesCli.Run(arguments, context);
        if (exit is not (0 or 1))
        {
            throw new InvalidOperationException($"select-tests exited {exit}: {stderr}");
        }

        return stdout.ToString();
    }

    private static int Argument(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Millis(TimeSpan time) => time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Ratio(TimeSpan a, TimeSpan b) => (a / b).ToString("0.00", CultureInfo.InvariantCulture);
}

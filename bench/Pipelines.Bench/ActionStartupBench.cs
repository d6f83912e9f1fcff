using System.Globalization;
using System.Runtime.InteropServices;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// What a workflow step pays to start the CLI through <c>actions/run-pipelines.sh</c>, run as a composite step runs
/// it (<c>bash -c '"$GITHUB_ACTION_PATH/../run-pipelines.sh" …'</c>, RUNNER_TEMP a fresh folder per simulated job):
/// from a release ref with dist/ (the single-file binary for this platform, and dist/any alone through
/// <c>dotnet</c>), and from a ref without dist/, whose first step in a job publishes the CLI from source and whose
/// later steps reuse that build. The command is <c>plan-tests --help</c>: the whole command tree is built, the
/// environment inputs are read, the command line parsed and help rendered, and it touches neither git nor files.
/// </summary>
internal static class ActionStartupBench
{
    private const int Runs = 21;
    private const int ColdRuns = 3;

    public static IReadOnlyList<BenchRow> Run()
    {
        var rows = new List<BenchRow>();
        var rid = RunnerRid();
        using var work = new TempDirectory("pipelines-bench-action");

        // A release ref: the action files and a dist/ made by the release script, as a release tag holds them.
        var release = Path.Combine(work.Path, "release");
        CopyRef(release, withSource: false);
        var releaseBuild = Measure.Once(() => _ = PublishedCli.Dist);
        FileTree.Copy(PublishedCli.Dist, Path.Combine(release, "dist"));
        var binary = Path.Combine(release, "dist", rid, OperatingSystem.IsWindows() ? "pipelines.exe" : "pipelines");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"build/release.sh made no {binary}");
        }

        // The same ref with dist/any only: what a runner whose platform has no binary in dist/ runs.
        var anyOnly = Path.Combine(work.Path, "release-any");
        CopyRef(anyOnly, withSource: false);
        FileTree.Copy(Path.Combine(release, "dist", "any"), Path.Combine(anyOnly, "dist", "any"));
        var binaryMb = new FileInfo(binary).Length / 1e6;
        var anyFiles = Directory.GetFiles(Path.Combine(release, "dist", "any"), "*", SearchOption.AllDirectories);
        var anyMb = anyFiles.Sum(f => new FileInfo(f).Length) / 1e6;
        var sizes = string.Create(CultureInfo.InvariantCulture, $"dist/{rid}/{Path.GetFileName(binary)} {binaryMb:0.0} MB; dist/any {anyMb:0.0} MB in {anyFiles.Length} files");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dist/ ready ({releaseBuild.TotalSeconds:0} s, or less when an earlier group built it); {sizes}"));

        var jobs = 0;
        string FreshRunnerTemp() => Directory.CreateDirectory(Path.Combine(work.Path, "runner-temp", (++jobs).ToString(CultureInfo.InvariantCulture))).FullName;

        Step(release, FreshRunnerTemp()); // the first run pays for the page cache, not for us
        var native = Measure.Median(Runs, () => Step(release, FreshRunnerTemp()));
        Step(anyOnly, FreshRunnerTemp());
        var any = Measure.Median(Runs, () => Step(anyOnly, FreshRunnerTemp()));

        // A ref without dist/ (a branch): the source tree as the runner downloads it, without bin/ or obj/.
        var source = Path.Combine(work.Path, "branch");
        CopyRef(source, withSource: true);
        Console.WriteLine($"Timing a job's first step from a ref without dist/ ({ColdRuns} times: dotnet publish from source, fresh obj/ and RUNNER_TEMP each time)...");
        var colds = new List<TimeSpan>();
        var runnerTemp = string.Empty;
        for (var i = 0; i < ColdRuns; i++)
        {
            foreach (var folder in Directory.GetDirectories(Path.Combine(source, "src"), "*", SearchOption.AllDirectories)
                .Where(d => Path.GetFileName(d) is "bin" or "obj").ToList())
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }

            var temp = FreshRunnerTemp();
            colds.Add(Measure.Once(() => Step(source, temp, cold: true)));
            runnerTemp = temp;
        }

        if (Directory.GetFiles(runnerTemp, "pipelines.dll", SearchOption.AllDirectories).Length != 1)
        {
            throw new InvalidOperationException($"the first step left no build from source in RUNNER_TEMP {runnerTemp}");
        }

        var cold = colds.Order().ElementAt(colds.Count / 2);
        var later = Measure.Median(Runs, () => Step(source, runnerTemp)); // the same job: its RUNNER_TEMP holds the build

        rows.Add(BenchRow.Time($"action step start-up, release ref, dist/{rid} (self-contained single file, ReadyToRun)", native, TimeSpan.FromMilliseconds(100),
            $"plan-tests --help through run-pipelines.sh, median of {Runs}; {sizes}"));
        rows.Add(BenchRow.Time("action step start-up, release ref with dist/any only (dotnet pipelines.dll, JIT)", any, TimeSpan.FromMilliseconds(200),
            $"median of {Runs}; dist/any / dist/{rid} = {Times(any, native)}"));
        rows.Add(BenchRow.Time("action step, ref without dist/, a job's first step (dotnet publish from source)", cold, TimeSpan.FromSeconds(60),
            $"median of {ColdRuns} ({string.Join(", ", colds.Select(Seconds))}); NuGet packages warm in ~/.nuget (a hosted runner restores them too, so its cost is higher); " +
            $"no warm compiler server (UseSharedCompilation=false); cold / dist/{rid} = {Times(cold, native)}, cold / dist/any = {Times(cold, any)}"));
        rows.Add(BenchRow.Time("action step start-up, ref without dist/, a later step in the job (the build reused)", later, TimeSpan.FromMilliseconds(200),
            $"median of {Runs}; later step / dist/{rid} = {Times(later, native)}, later step / dist/any = {Times(later, any)}"));
        rows.Add(new BenchRow($"a job's first step from dist/{rid}, as a share of the same step building from source", 100 * (native / cold), 10, "%",
            $"at least 10× faster; cold build-from-source / dist/{rid} = {Times(cold, native)}"));
        rows.Add(new BenchRow("a job's first step from dist/any, as a share of the same step building from source", 100 * (any / cold), 10, "%",
            $"at least 10× faster; cold build-from-source / dist/any = {Times(cold, any)}"));
        return rows;
    }

    /// <summary>
    /// One composite step: the runner's bash running the action's line with <c>--help</c> added. It must succeed and
    /// print the help: a benchmark of a failure measures nothing.
    /// </summary>
    private static void Step(string actionRef, string runnerTemp, bool cold = false)
    {
        var environment = new Dictionary<string, string>
        {
            ["RUNNER_TEMP"] = runnerTemp,
            ["GITHUB_ACTIONS"] = "true",
            ["CI"] = "true",
            ["GITHUB_ACTION_PATH"] = Path.Combine(actionRef, "actions", "plan-tests"),
        };
        if (cold)
        {
            // A fresh runner has no compiler server running; this machine may have a warm one from other builds.
            environment["UseSharedCompilation"] = "false";
        }

        var run = Programs.Run("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", "\"$GITHUB_ACTION_PATH/../run-pipelines.sh\" plan-tests --help"],
            environment: environment);
        if (run.ExitCode != 0 || !run.StandardOutput.Contains("plan-tests", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the plan-tests step from {actionRef} exited {run.ExitCode}:\n{run.StandardError}{run.StandardOutput}");
        }
    }

    /// <summary>
    /// The files of an action ref: action.yml and actions/, and with <paramref name="withSource"/> what
    /// run-pipelines.sh builds from (src/ without bin/ or obj/, the props, global.json and .editorconfig, whose
    /// analyzer settings the warnings-as-errors build needs).
    /// </summary>
    private static void CopyRef(string destination, bool withSource)
    {
        Directory.CreateDirectory(destination);
        FileTree.Copy(SourceTree.PathOf("actions"), Path.Combine(destination, "actions"));
        File.Copy(SourceTree.PathOf("action.yml"), Path.Combine(destination, "action.yml"));
        if (withSource)
        {
            FileTree.Copy(SourceTree.PathOf("src"), Path.Combine(destination, "src"));
            foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig" })
            {
                File.Copy(SourceTree.PathOf(file), Path.Combine(destination, file));
            }
        }
    }

    /// <summary>The runtime identifier run-pipelines.sh looks for in dist/ on this machine.</summary>
    private static string RunnerRid() => (OperatingSystem.IsWindows(), OperatingSystem.IsMacOS(), RuntimeInformation.OSArchitecture) switch
    {
        (true, _, _) => "win-x64",
        (_, true, Architecture.Arm64) => "osx-arm64",
        (_, true, _) => "osx-x64",
        (_, _, Architecture.Arm64) => "linux-arm64",
        _ => "linux-x64",
    };

    private static string Times(TimeSpan a, TimeSpan b) => (a / b).ToString(a / b >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + "×";

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}

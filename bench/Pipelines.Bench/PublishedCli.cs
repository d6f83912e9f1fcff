using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// The CLI as it ships (<c>build/release.sh</c>: the self-contained single-file ReadyToRun binary dist/ holds), as
/// Native AOT (possible, not shipped: it needs a build machine per OS), as self-contained composite ReadyToRun in a
/// folder, and as a framework-dependent JIT build; and the Octokit trial (bench/Pipelines.OctokitTrial) published the
/// way the CLI ships and as Native AOT. Each is published once per benchmark run, when first asked for.
/// </summary>
internal static partial class PublishedCli
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "pipelines-bench-publish");
    private static readonly string Rid = RuntimeInformation.RuntimeIdentifier;
    private static readonly string Exe = OperatingSystem.IsWindows() ? "pipelines.exe" : "pipelines";
    private static readonly string Project = SourceTree.PathOf("src/Pipelines.Cli/Pipelines.Cli.csproj");
    private static readonly string TrialProject = SourceTree.PathOf("bench/Pipelines.OctokitTrial/Pipelines.OctokitTrial.csproj");

    private static readonly Lazy<string> LazyDist = new(() => ReleaseBuild("dist", null));
    private static readonly Lazy<string> LazyTrial = new(() => Path.Combine(ReleaseBuild("trial-dist", TrialProject), Rid, Exe));
    private static readonly Lazy<string> LazyNative = new(() => NativeAot("aot", Project));
    private static readonly Lazy<string> LazyTrialNative = new(() => NativeAot("trial-aot", TrialProject));
    private static readonly Lazy<(string ReadyToRun, string JitDll)> Builds = new(Publish);

    /// <summary>The dist/ a release makes for this platform (and any/).</summary>
    public static string Dist => LazyDist.Value;

    /// <summary>The release binary: dist/&lt;rid&gt;/pipelines, as the actions run it from a release tag.</summary>
    public static string Release => Path.Combine(Dist, Rid, Exe);

    /// <summary>The Octokit trial, published by build/release.sh exactly as the CLI is.</summary>
    public static string OctokitTrial => LazyTrial.Value;

    /// <summary>The Native AOT executable, for comparison.</summary>
    public static string Native => LazyNative.Value;

    /// <summary>The Octokit trial as Native AOT.</summary>
    public static string OctokitTrialNative => LazyTrialNative.Value;

    /// <summary>Trim and AOT analysis warnings of each Native AOT publish, by code (each warning once, not one per assembly).</summary>
    public static Dictionary<string, IReadOnlyDictionary<string, int>> AotWarnings { get; } = [];

    /// <summary>The ReadyToRun executable.</summary>
    public static string ReadyToRun => Builds.Value.ReadyToRun;

    /// <summary>The framework-dependent pipelines.dll, run with <c>dotnet</c>.</summary>
    public static string JitDll => Builds.Value.JitDll;

    private static string ReleaseBuild(string name, string? project)
    {
        var dist = Path.Combine(Folder, name);
        Console.WriteLine($"Building {name}/ with build/release.sh{(project is null ? string.Empty : " --project " + Path.GetFileName(project))} (a minute or more)...");
        List<string> arguments = [SourceTree.PathOf("build/release.sh"), "--rids", Rid, "--out", dist, "--version", "1.0.0"];
        if (project is not null)
        {
            arguments.AddRange(["--project", project]);
        }

        Measure.Run("bash", arguments);
        return dist;
    }

    private static string NativeAot(string name, string project)
    {
        var output = Path.Combine(Folder, name);
        Console.WriteLine($"Publishing {Path.GetFileNameWithoutExtension(project)} as Native AOT for {Rid} (a few minutes)...");
        // Every trim/AOT warning on its own line (TrimmerSingleWarn=false), so they can be counted, not one per assembly;
        // counted, not errors (the repository's warnings-as-errors would stop at record-impact's Mono.Cecil, which the
        // shipped ReadyToRun build keeps whole and this comparison does not run).
        var run = Programs.Run("dotnet", ["publish", project, "-c", "Release", "-r", Rid, "-p:PublishAot=true", "-p:TrimmerSingleWarn=false", "-p:TreatWarningsAsErrors=false",
            "--artifacts-path", Path.Combine(Folder, name + "-artifacts"), "-o", output, "--nologo", "-v", "q"]);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"Native AOT publish of {project} failed:\n{run.StandardOutput}{run.StandardError}");
        }

        AotWarnings[name] = (run.StandardOutput + run.StandardError).Split('\n').Select(l => l.Trim()).Where(l => Code().IsMatch(l)).Distinct()
            .GroupBy(w => Code().Match(w).Groups[1].Value).ToDictionary(g => g.Key, g => g.Count());
        return Path.Combine(output, Exe);
    }

    private static (string, string) Publish()
    {
        Console.WriteLine($"Publishing the CLI for {Rid}: ReadyToRun self-contained, and framework-dependent JIT...");
        var r2r = Path.Combine(Folder, "r2r");
        var jit = Path.Combine(Folder, "jit");
        Measure.Run("dotnet", ["publish", Project, "-c", "Release", "-r", Rid, "--self-contained", "true", "-p:PublishReadyToRun=true", "-o", r2r, "--nologo", "-v", "q"]);
        Measure.Run("dotnet", ["publish", Project, "-c", "Release", "-o", jit, "--nologo", "-v", "q"]);
        return (Path.Combine(r2r, Exe), Path.Combine(jit, "pipelines.dll"));
    }

    [GeneratedRegex(@"warning (IL\d{4}):")]
    private static partial Regex Code();
}

using System.Runtime.InteropServices;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// The CLI as it ships (<c>build/release.sh</c>: the self-contained single-file ReadyToRun binary dist/ holds), as
/// Native AOT (possible, not shipped: it needs a build machine per OS), as self-contained composite ReadyToRun in a
/// folder, and as a framework-dependent JIT build; each published once per benchmark run.
/// </summary>
internal static class PublishedCli
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "pipelines-bench-publish");
    private static readonly Lazy<(string ReadyToRun, string JitDll, string Native)> Builds = new(Publish);

    private static readonly Lazy<string> LazyDist = new(() =>
    {
        var dist = Path.Combine(Folder, "dist");
        Console.WriteLine("Building dist/ with build/release.sh (about a minute)...");
        Measure.Run("bash", [SourceTree.PathOf("build/release.sh"), "--rids", RuntimeInformation.RuntimeIdentifier, "--out", dist, "--version", "1.0.0"]);
        return dist;
    });

    /// <summary>The dist/ a release makes for this platform (and any/).</summary>
    public static string Dist => LazyDist.Value;

    /// <summary>The release binary: dist/&lt;rid&gt;/pipelines, as the actions run it from a release tag.</summary>
    public static string Release => Path.Combine(Dist, RuntimeInformation.RuntimeIdentifier, OperatingSystem.IsWindows() ? "pipelines.exe" : "pipelines");

    /// <summary>The Native AOT executable, for comparison.</summary>
    public static string Native => Builds.Value.Native;

    /// <summary>The ReadyToRun executable.</summary>
    public static string ReadyToRun => Builds.Value.ReadyToRun;

    /// <summary>The framework-dependent pipelines.dll, run with <c>dotnet</c>.</summary>
    public static string JitDll => Builds.Value.JitDll;

    private static (string, string, string) Publish()
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var project = SourceTree.PathOf("src/Pipelines.Cli/Pipelines.Cli.csproj");
        Console.WriteLine($"Publishing the CLI for {rid}: Native AOT, ReadyToRun self-contained, and framework-dependent JIT...");
        var r2r = Path.Combine(Folder, "r2r");
        var jit = Path.Combine(Folder, "jit");
        var native = Path.Combine(Folder, "aot");
        Measure.Run("dotnet", ["publish", project, "-c", "Release", "-r", rid, "-p:PublishAot=true", "-o", native, "--nologo", "-v", "q"]);
        Measure.Run("dotnet", ["publish", project, "-c", "Release", "-r", rid, "--self-contained", "true", "-p:PublishReadyToRun=true", "-o", r2r, "--nologo", "-v", "q"]);
        Measure.Run("dotnet", ["publish", project, "-c", "Release", "-o", jit, "--nologo", "-v", "q"]);
        var exe = OperatingSystem.IsWindows() ? "pipelines.exe" : "pipelines";
        return (Path.Combine(r2r, exe), Path.Combine(jit, "pipelines.dll"), Path.Combine(native, exe));
    }
}

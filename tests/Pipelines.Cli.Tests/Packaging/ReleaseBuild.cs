using System.IO.Compression;
using System.Runtime.InteropServices;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// One real release build (<c>build/release.sh</c>) for this machine's platform, with the framework-dependent build and
/// the vsix, made once and shared by the tests that run what users download: the actions from a ref with <c>dist/</c>,
/// the tasks from the extension.
/// </summary>
internal static class ReleaseBuild
{
    /// <summary>A pre-release version: the tasks and the extension take its numbers, the binaries all of it.</summary>
    public const string Version = "1.4.2-test";

    private static readonly Lazy<string> LazyDist = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<string> LazyExtension = new(Extract, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Rid => RuntimeInformation.RuntimeIdentifier;

    /// <summary>The dist/ folder the release made.</summary>
    public static string Dist => LazyDist.Value;

    /// <summary>The vsix, unpacked: what an agent downloads for each task.</summary>
    public static string Extension => LazyExtension.Value;

    /// <summary>
    /// A copy of this repository's actions as a runner checks out a release ref: action.yml, actions/ and dist/
    /// (symbolically linked, it is large), nothing else.
    /// </summary>
    public static TempDirectory ActionCheckout()
    {
        var checkout = new TempDirectory("pipelines-action-ref");
        File.Copy(SourceTree.PathOf("action.yml"), Path.Combine(checkout.Path, "action.yml"));
        FileTree.Copy(SourceTree.PathOf("actions"), Path.Combine(checkout.Path, "actions"));
        Directory.CreateSymbolicLink(Path.Combine(checkout.Path, "dist"), Dist);
        return checkout;
    }

    private static string Build()
    {
        var output = Path.Combine(Path.GetTempPath(), "pipelines-release-" + Guid.NewGuid().ToString("N")[..8]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(output);
        Programs.RunOrThrow("bash", [SourceTree.PathOf("build/release.sh"), "--rids", Rid, "--out", output, "--version", Version, "--vsix"]);
        return output;
    }

    private static string Extract()
    {
        var folder = Dist + "-vsix";
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        ZipFile.ExtractToDirectory(Path.Combine(Dist, $"pipelines-{Version}.vsix"), folder);
        return folder;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.IO.Compression;
using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// The release: <c>build/release.sh</c> lays out dist/ and the extension the way the actions and tasks look for them;
/// <c>build/publish-release.sh</c> commits dist/ only to the release tag, moves the major tag, and is safe to re-run.
/// </summary>
[TestClass]
public sealed class ReleaseTests
{
    [TestMethod]
    public void The_release_build_runs_on_its_own_and_on_the_dotnet_runtime_and_its_checksums_hold()
    {
        var dist = ReleaseBuild.Dist;
        var native = Path.Combine(dist, ReleaseBuild.Rid, OperatingSystem.IsWindows() ? "pipelines.exe" : "pipelines");

        var version = Programs.RunOrThrow(native, ["--version"]).Trim();
        var portable = Programs.RunOrThrow("dotnet", [Path.Combine(dist, "any", "pipelines.dll"), "--version"]).Trim();
        var sums = Programs.Run("sha256sum", ["--check", "--strict", "SHA256SUMS"], workingDirectory: dist);

        StringAssert.StartsWith(version, ReleaseBuild.Version + "+", "the version, then the commit it was built from");
        Assert.AreEqual(version, portable);
        Assert.AreEqual(ReleaseBuild.Version, File.ReadAllText(Path.Combine(dist, "VERSION")).Trim());
        Assert.AreEqual(0, sums.ExitCode, sums.StandardOutput + sums.StandardError);
        StringAssert.Contains(sums.StandardOutput, $"{ReleaseBuild.Rid}/pipelines: OK");
        Assert.IsFalse(Directory.EnumerateFiles(Path.Combine(dist, ReleaseBuild.Rid)).Any(f => f.EndsWith(".pdb", StringComparison.Ordinal) || f.EndsWith(".dll", StringComparison.Ordinal)),
            "a single file: nothing beside the binary");
    }

    [TestMethod]
    public void The_extension_carries_every_task_with_the_shim_the_portable_build_and_the_release_version()
    {
        using var vsix = ZipFile.OpenRead(Path.Combine(ReleaseBuild.Dist, $"pipelines-{ReleaseBuild.Version}.vsix"));
        var names = vsix.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        var tasks = Directory.GetDirectories(SourceTree.PathOf("tasks")).Select(Path.GetFileName).ToList();

        using var manifest = JsonDocument.Parse(Read(vsix, "extension.vsomanifest"));
        Assert.HasCount(tasks.Count, manifest.RootElement.GetProperty("contributions").EnumerateArray().ToList());
        StringAssert.Contains(Read(vsix, "extension.vsixmanifest"), "Version=\"1.4.2\"");
        foreach (var task in tasks)
        {
            using var json = JsonDocument.Parse(Read(vsix, $"tasks/{task}/task.json"));
            var v = json.RootElement.GetProperty("version");
            Assert.AreEqual("1.4.2", $"{v.GetProperty("Major")}.{v.GetProperty("Minor")}.{v.GetProperty("Patch")}", task);
            Assert.AreEqual(File.ReadAllText(SourceTree.PathOf("tasks/index.js")), Read(vsix, $"tasks/{task}/index.js"), task);
            Assert.Contains($"tasks/{task}/bin/any/pipelines.dll", names);
            Assert.Contains($"tasks/{task}/bin/any/pipelines.runtimeconfig.json", names);
        }
    }

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    /// <summary>A clone of a bare origin whose main has two commits, and a dist/ as release.sh leaves it.</summary>
    private sealed class Origin : IDisposable
    {
        private readonly TempDirectory _bare = new("pipelines-origin");
        private readonly TempDirectory _dist = new("pipelines-dist");

        public Origin()
        {
            Programs.RunOrThrow("git", ["init", "--quiet", "--bare", "--initial-branch", "main", _bare.Path]);
            Clone.Git("remote", "add", "origin", _bare.Path);
            Older = Clone.Write("src/a.txt", "1\n").Commit("first");
            Newer = Clone.Write("src/a.txt", "2\n").Commit("second");
            Clone.Git("push", "--quiet", "origin", "main");
        }

        public TemporaryRepository Clone { get; } = new();

        public string Older { get; }

        public string Newer { get; }

        public string Dist(string version, string binary = "binary")
        {
            _dist.Write("VERSION", version + "\n");
            _dist.Write("linux-x64/pipelines", binary);
            _dist.Write("linux-arm64/pipelines", binary);
            _dist.Write("win-x64/pipelines.exe", binary);
            _dist.Write("any/pipelines.dll", binary);
            File.Delete(Path.Combine(_dist.Path, "SHA256SUMS"));
            _dist.Write("SHA256SUMS", Programs.RunOrThrow("bash", ["-c", "find . -type f | sed 's|^./||' | LC_ALL=C sort | xargs sha256sum"], _dist.Path));
            _dist.Write($"pipelines-{version}.vsix", "zip");
            return _dist.Path;
        }

        public ProgramRun Publish(string tag, string commit, string version)
        {
            Clone.Git("tag", "--force", tag, commit);
            Clone.Git("push", "--quiet", "--force", "origin", $"refs/tags/{tag}");
            return Publish(tag, Dist(version));
        }

        public ProgramRun Publish(string tag, string dist) =>
            Programs.Run("bash", [SourceTree.PathOf("build/publish-release.sh"), "--tag", tag, "--dist", dist], Clone.Path);

        /// <summary>What the origin's ref points at, as the users' runners will fetch it.</summary>
        public string At(string reference) => Programs.RunOrThrow("git", ["rev-parse", reference + "^{commit}"], _bare.Path).Trim();

        public bool Has(string reference) => Programs.Run("git", ["rev-parse", "--verify", "--quiet", reference], _bare.Path).ExitCode == 0;

        public string Show(string spec) => Programs.Run("git", ["show", spec], _bare.Path).StandardOutput;

        public List<string> Files(string reference) =>
            [.. Programs.RunOrThrow("git", ["ls-tree", "-r", "--name-only", reference], _bare.Path).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

        public void Dispose()
        {
            Clone.Dispose();
            _bare.Dispose();
            _dist.Dispose();
        }
    }

    [TestMethod]
    public void Publishing_commits_dist_on_top_of_the_tagged_commit_never_on_main_and_moves_the_major_tag()
    {
        using var origin = new Origin();

        var run = origin.Publish("v1.2.0", origin.Newer, "1.2.0");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var release = origin.At("v1.2.0");
        Assert.AreEqual(origin.Newer, origin.At("v1.2.0^"), "the release commit's parent is the tagged source");
        Assert.AreEqual(release, origin.At("v1"));
        CollectionAssert.AreEquivalent(
            new[] { "dist/VERSION", "dist/SHA256SUMS", "dist/linux-x64/pipelines", "dist/win-x64/pipelines.exe", "dist/any/pipelines.dll", "src/a.txt" },
            origin.Files("v1.2.0"), "the common runners' binaries and any/; no other platform, no vsix");
        var sums = origin.Show("v1.2.0:dist/SHA256SUMS");
        Assert.HasCount(4, sums.Split('\n', StringSplitOptions.RemoveEmptyEntries), sums);
        Assert.DoesNotContain("linux-arm64", sums);
        Assert.AreEqual(origin.Newer, origin.At("main"), "main is untouched");
        CollectionAssert.AreEqual(new[] { "src/a.txt" }, origin.Files("main"));
    }

    [TestMethod]
    public void Publishing_again_after_the_tag_moved_keeps_the_published_commit_even_from_a_rebuilt_dist()
    {
        using var origin = new Origin();
        Assert.AreEqual(0, origin.Publish("v1.2.0", origin.Newer, "1.2.0").ExitCode);
        var first = origin.At("v1.2.0");

        var again = origin.Publish("v1.2.0", origin.Dist("1.2.0", binary: "rebuilt, not byte-identical"));

        Assert.AreEqual(0, again.ExitCode, again.StandardError);
        Assert.AreEqual(first, origin.At("v1.2.0"), "users pinned to the release commit keep it");
        Assert.AreEqual(first, origin.At("v1"));
        Assert.AreEqual("binary", origin.Show("v1.2.0:dist/linux-x64/pipelines"));
    }

    [TestMethod]
    public void An_older_patch_or_a_pre_release_is_published_without_moving_the_major_tag()
    {
        using var origin = new Origin();
        Assert.AreEqual(0, origin.Publish("v1.2.0", origin.Newer, "1.2.0").ExitCode);
        var current = origin.At("v1");

        var patch = origin.Publish("v1.1.5", origin.Older, "1.1.5");
        var candidate = origin.Publish("v1.3.0-rc.1", origin.Newer, "1.3.0-rc.1");

        Assert.AreEqual(0, patch.ExitCode, patch.StandardError);
        Assert.AreEqual(0, candidate.ExitCode, candidate.StandardError);
        Assert.AreEqual(origin.Older, origin.At("v1.1.5^"));
        Assert.AreEqual(origin.Newer, origin.At("v1.3.0-rc.1^"));
        Assert.AreEqual(current, origin.At("v1"), "v1 stays on the newest stable release");
        StringAssert.Contains(patch.StandardOutput, "v1 stays on v1.2.0");
    }

    [TestMethod]
    public void A_tag_off_trunk_or_a_dist_of_another_version_is_bad_input_and_nothing_is_pushed()
    {
        using var origin = new Origin();
        origin.Clone.Git("checkout", "--quiet", "-b", "experiment");
        var offTrunk = origin.Clone.Write("src/a.txt", "3\n").Commit("experiment");

        var notOnMain = origin.Publish("v2.0.0", offTrunk, "2.0.0");
        origin.Clone.Git("tag", "v1.5.0", origin.Newer);
        origin.Clone.Git("push", "--quiet", "origin", "v1.5.0");
        var mismatch = origin.Publish("v1.5.0", origin.Dist("1.4.0"));
        var badTag = origin.Publish("release-1", origin.Dist("1.4.0"));

        Assert.AreEqual(2, notOnMain.ExitCode);
        StringAssert.Contains(notOnMain.StandardError, "is not on main");
        Assert.AreEqual(offTrunk, origin.At("v2.0.0"), "the tag was not moved");
        Assert.AreEqual(2, mismatch.ExitCode);
        StringAssert.Contains(mismatch.StandardError, "VERSION says 1.4.0, the tag says 1.5.0");
        Assert.AreEqual(origin.Newer, origin.At("v1.5.0"));
        Assert.AreEqual(2, badTag.ExitCode);
        StringAssert.Contains(badTag.StandardError, "--tag must look like v1.2.3");
        Assert.IsFalse(origin.Has("refs/tags/v1"), "no major tag came from a refused release");
    }
}

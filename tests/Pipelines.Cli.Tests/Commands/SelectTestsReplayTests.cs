using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// Acceptance for issue #17: select-tests replayed over a series of commits never skips a test project an exact
/// analysis needs, and runs a share of test projects within 0.05 of it. Each oracle here is written separately from
/// the code under test: the first is the generator's own declaration of which project uses which file, the second
/// a deliberately plain reading of this repository's project files and test sources with regular expressions.
/// </summary>
[TestClass]
public sealed partial class SelectTestsReplayTests
{
    private const double Tolerance = 0.05;

    public TestContext TestContext { get; set; } = null!;

    // ---- (b) a public repository's shape, with the truth declared as it is generated ----

    private sealed class Shape
    {
        public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

        /// <summary>File → the projects that build from it, as the author of the layout knows it.</summary>
        public Dictionary<string, HashSet<string>> UsedBy { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string[]> References { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Tests { get; } = new(StringComparer.Ordinal);

        public HashSet<string> WholeBuild { get; } = new(StringComparer.Ordinal);

        public void File(string path, string content, params string[] usedBy)
        {
            Files[path] = content;
            UsedBy[path] = [.. usedBy];
        }

        public void Project(string path, bool test, string[] references, string body = "", params string[] sources)
        {
            References[path] = references;
            if (test)
            {
                Tests.Add(path);
            }

            var folder = path[..path.LastIndexOf('/')];
            var refs = string.Concat(references.Select(r => $"<ProjectReference Include=\"{Relative(folder, r)}\" />"));
            File(path, $"<Project Sdk=\"Microsoft.NET.Sdk\">{body}<ItemGroup>{refs}</ItemGroup></Project>", path);
            foreach (var source in sources)
            {
                File(folder + "/" + source, $"class C{Files.Count} {{}}", path);
            }
        }

        /// <summary>The test projects that reach <paramref name="project"/> through references, itself included.</summary>
        public IEnumerable<string> TestsReaching(string project) =>
            Tests.Where(t => Closure(t).Contains(project));

        private HashSet<string> Closure(string project)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>([project]);
            while (stack.TryPop(out var p))
            {
                if (seen.Add(p))
                {
                    foreach (var r in References.GetValueOrDefault(p) ?? [])
                    {
                        stack.Push(r);
                    }
                }
            }

            return seen;
        }

        public HashSet<string> Needed(IEnumerable<string> changed)
        {
            var needed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in changed)
            {
                if (WholeBuild.Contains(file))
                {
                    needed.UnionWith(Tests);
                }

                foreach (var project in UsedBy[file])
                {
                    needed.UnionWith(TestsReaching(project));
                }
            }

            return needed;
        }

        private static string Relative(string fromFolder, string to) =>
            string.Concat(Enumerable.Repeat("..\\", fromFolder.Count(c => c == '/') + 1)) + to.Replace('/', '\\');
    }

    private static Shape PublicLibraryShape()
    {
        var s = new Shape();
        const string core = "src/Core/Core.csproj", http = "src/Http/Http.csproj", json = "src/Json/Json.csproj", cli = "src/Cli/Cli.csproj";
        const string utilities = "tests/TestUtilities/TestUtilities.csproj", basic = "samples/Basic/Basic.csproj";
        const string advanced = "samples/Advanced/Advanced.csproj", bench = "benchmarks/Core.Benchmarks/Core.Benchmarks.csproj";
        string[] library = [core, http, json, cli];

        s.File("Directory.Build.props", """
            <Project><PropertyGroup>
              <RepoRoot>$(MSBuildThisFileDirectory)</RepoRoot><EngDir>$(RepoRoot)eng/</EngDir>
              <SharedDir>$(RepoRoot)src/Shared/</SharedDir><TargetFramework>net10.0</TargetFramework>
            </PropertyGroup></Project>
            """);
        s.WholeBuild.Add("Directory.Build.props");
        s.File("global.json", """{ "sdk": { "version": "10.0.100" } }""");
        s.WholeBuild.Add("global.json");
        s.File("src/Directory.Build.props", """
            <Project>
              <Import Project="$(MSBuildThisFileDirectory)../Directory.Build.props" />
              <PropertyGroup><SignAssembly>true</SignAssembly><AssemblyOriginatorKeyFile>$(EngDir)key.snk</AssemblyOriginatorKeyFile></PropertyGroup>
            </Project>
            """, library);
        s.File("src/Directory.Build.targets", """<Project><Import Project="$(EngDir)Library.targets" /></Project>""", library);
        s.File("eng/Library.targets", "<Project><PropertyGroup><Deterministic>true</Deterministic></PropertyGroup></Project>", library);
        s.File("eng/key.snk", "key", library);
        s.File("eng/icon.png", "png", core);
        s.File("src/.editorconfig", "[*.cs]\nindent_size = 4\n", library);
        s.File("src/Shared/Guard.cs", "static class Guard {}", core, http);
        s.File("src/Shared/Text/Ascii.cs", "static class Ascii {}", json);
        s.File("src/Shared/Text/Utf8.cs", "static class Utf8 {}", json);
        s.File("assets/http-codes.json", "{}", http);
        s.File("tests/Directory.Build.props", """
            <Project>
              <Import Project="$(MSBuildThisFileDirectory)../Directory.Build.props" />
              <Import Project="$(EngDir)Tests.props" />
            </Project>
            """, "tests/Core.Tests/Core.Tests.csproj", "tests/Http.Tests/Http.Tests.csproj", "tests/Json.Tests/Json.Tests.csproj", "tests/Cli.Tests/Cli.Tests.csproj", utilities);
        s.File("eng/Tests.props", "<Project><PropertyGroup><IsTestProject>true</IsTestProject></PropertyGroup></Project>", s.UsedBy["tests/Directory.Build.props"].ToArray());

        s.Project(core, false, [], """<ItemGroup><Compile Include="$(SharedDir)Guard.cs" Link="Guard.cs" /><None Include="$(EngDir)icon.png" Pack="true" /></ItemGroup>""", "Result.cs", "Option.cs");
        s.Project(http, false, [core], """<ItemGroup><Compile Include="..\Shared\Guard.cs" /><EmbeddedResource Include="..\..\assets\http-codes.json" /></ItemGroup>""", "Client.cs", "Retry.cs");
        s.Project(json, false, [core], """<ItemGroup><Compile Include="..\Shared\Text\**\*.cs" LinkBase="Text" /></ItemGroup>""", "Reader.cs", "Writer.cs");
        s.Project(cli, false, [http, json], "", "Program.cs");
        s.Project(utilities, false, [core], "<PropertyGroup><IsTestProject>false</IsTestProject></PropertyGroup>", "Fakes.cs");
        s.Project("tests/Core.Tests/Core.Tests.csproj", true, [core], "", "ResultTests.cs");
        s.Project("tests/Http.Tests/Http.Tests.csproj", true, [http, utilities], "", "ClientTests.cs");
        s.Project("tests/Json.Tests/Json.Tests.csproj", true, [json, utilities], "", "ReaderTests.cs");
        s.Project("tests/Cli.Tests/Cli.Tests.csproj", true, [cli], "", "ProgramTests.cs");
        s.Project(basic, false, [core], "", "Program.cs");
        s.Project(advanced, false, [http], "", "Program.cs");
        s.Project("samples/Advanced.Tests/Advanced.Tests.csproj", true, [advanced], """<ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /></ItemGroup>""", "AdvancedTests.cs");
        s.Project(bench, false, [core, json], "", "ParseBench.cs");

        foreach (var file in new[]
        {
            ".github/workflows/ci.yml", ".github/workflows/release.yml", ".github/dependabot.yml", ".github/ISSUE_TEMPLATE/bug.md",
            ".gitattributes", "CODEOWNERS", "LICENSE", "README.md", "CONTRIBUTING.md", "docs/index.md", "docs/guide/retries.md",
        })
        {
            s.File(file, "text");
        }

        s.File("build.ps1", "dotnet build"); // truly unknown: nothing uses it, yet nothing can say so
        return s;
    }

    [TestMethod]
    public void Replayed_over_a_public_repositorys_shape_no_needed_test_is_skipped_and_the_share_run_is_close_to_exact()
    {
        var shape = PublicLibraryShape();
        using var repo = new TemporaryRepository();
        foreach (var (path, content) in shape.Files)
        {
            repo.Write(path, content);
        }

        repo.Commit("initial");
        var random = new Random(17);
        var pool = shape.Files.Keys.Where(f => f != "global.json").Order(StringComparer.Ordinal).ToList();
        var commits = new List<(string Sha, string[] Files)>();
        for (var i = 0; i < 40; i++)
        {
            // build.ps1 once, on purpose; otherwise anything but it.
            var files = i == 20 ? ["build.ps1"] : Enumerable.Range(0, random.Next(1, 4)).Select(_ => pool[random.Next(pool.Count)]).Where(f => f != "build.ps1").Distinct().ToArray();
            foreach (var file in files)
            {
                shape.Files[file] += Edit(file, i);
                repo.Write(file, shape.Files[file]);
            }

            commits.Add((repo.Commit($"change {i}"), files));
        }

        var tests = shape.Tests.Count;
        double selectedShare = 0, neededShare = 0;
        var runAlls = 0;
        foreach (var (sha, files) in commits)
        {
            var (runAll, projects, json) = Select(repo.Path, sha);
            var needed = shape.Needed(files);
            var selected = runAll ? shape.Tests : projects;
            var skipped = needed.Except(selected).ToList();
            Assert.IsEmpty(skipped, $"{sha[..8]} changed {string.Join(", ", files)}: skipped {string.Join(", ", skipped)}\n{json}");
            if (runAll)
            {
                runAlls++;
                Assert.IsTrue(files.Contains("build.ps1") || files.Any(shape.WholeBuild.Contains), $"a needless run-all for {string.Join(", ", files)}:\n{json}");
                Assert.IsTrue(json.GetProperty("runAllCauses").GetArrayLength() > 0, "a run-all names its causes");
            }

            selectedShare += (double)selected.Count(shape.Tests.Contains) / tests;
            neededShare += (double)needed.Count / tests;
        }

        selectedShare /= commits.Count;
        neededShare /= commits.Count;
        TestContext.WriteLine($"{commits.Count} commits: mean share selected {selectedShare:0.000}, needed {neededShare:0.000}, {runAlls} run-alls");
        Assert.IsLessThanOrEqualTo(Tolerance, selectedShare - neededShare, $"selected {selectedShare:0.000} against an exact {neededShare:0.000}");
    }

    private static string Edit(string file, int i) =>
        file.EndsWith("proj", StringComparison.Ordinal) || file.EndsWith(".props", StringComparison.Ordinal) || file.EndsWith(".targets", StringComparison.Ordinal)
            ? $"<!-- {i} -->"
            : $"\n// {i}";

    private static (bool RunAll, HashSet<string> Projects, JsonElement Json) Select(string repo, string sha)
    {
        var run = CliRunner.Run(repo, "select-tests", "--base", sha + "~1", "--head", sha, "--json");
        Assert.IsTrue(run.ExitCode is 0 or 1, run.StandardError);
        var json = JsonDocument.Parse(run.StandardOutput).RootElement.Clone();
        var projects = json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToHashSet(StringComparer.Ordinal);
        return (json.GetProperty("runAll").GetBoolean(), projects, json);
    }

    // ---- (a) this repository's own history ----

    [TestMethod]
    public void Replayed_over_this_repositorys_last_100_code_commits_no_needed_test_is_skipped_and_the_share_run_is_close_to_exact()
    {
        var root = SourceTree.Root;
        var shallow = Git(root, "rev-parse", "--is-shallow-repository").Trim() == "true";
        using var clone = new TempDirectory("replay");
        var path = Path.Combine(clone.Path, "repo");
        Git(clone.Path, "clone", "--quiet", "--no-checkout", root, path);

        var commits = new List<(string Sha, string[] Files)>();
        foreach (var sha in Git(path, "rev-list", "--first-parent", "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (commits.Count == 100)
            {
                break;
            }

            var parents = Git(path, "rev-list", "--parents", "-n", "1", sha).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parents.Length < 2)
            {
                continue; // the first commit (or a shallow boundary) has nothing to compare with
            }

            var files = Git(path, "diff", "--name-only", "--no-renames", parents[1], sha).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (files.Any(f => CodeFile().IsMatch(f)))
            {
                commits.Add((sha, files));
            }
        }

        // A shallow CI clone replays what it has; a full one must give at least 30 commits.
        Assert.IsGreaterThanOrEqualTo(shallow ? 1 : 30, commits.Count, $"only {commits.Count} code-changing commits in the clone (shallow: {shallow})");

        double selectedShare = 0, neededShare = 0;
        var runAlls = new List<string>();
        foreach (var (sha, files) in commits)
        {
            var oracle = new PlainOracle(path, sha);
            var needed = oracle.Needed(files);
            var (runAll, projects, json) = Select(path, sha);
            var selected = runAll ? oracle.TestProjects : projects;
            var skipped = needed.Except(selected).ToList();
            Assert.IsEmpty(skipped, $"{sha[..8]} changed {string.Join(", ", files)}: skipped {string.Join(", ", skipped)}\n{json}");
            if (runAll)
            {
                runAlls.Add($"{sha[..8]}: {string.Join("; ", json.GetProperty("runAllCauses").EnumerateArray().Select(c => c.GetProperty("path").GetString() + " — " + c.GetProperty("why").GetString()))}");
            }

            selectedShare += (double)selected.Count(oracle.TestProjects.Contains) / oracle.TestProjects.Count;
            neededShare += (double)needed.Count / oracle.TestProjects.Count;
        }

        selectedShare /= commits.Count;
        neededShare /= commits.Count;
        TestContext.WriteLine($"{commits.Count} commits: mean share selected {selectedShare:0.000}, needed {neededShare:0.000}, {runAlls.Count} run-alls");
        foreach (var line in runAlls)
        {
            TestContext.WriteLine("  run-all " + line);
        }

        Assert.IsLessThanOrEqualTo(Tolerance, selectedShare - neededShare,
            $"selected {selectedShare:0.000} against an exact {neededShare:0.000}; run-alls:\n{string.Join('\n', runAlls)}");
    }

    [TestMethod]
    public void In_this_repository_a_change_to_a_sample_the_shared_test_helpers_build_selects_the_test_projects_that_record_it()
    {
        // Bug: Pipelines.Testing (which the bench references too) was not read, so ImpactSamples naming tests/samples
        // reached no test project, and a change to the impact samples left out Cli.Tests, which records them.
        using var clone = new TempDirectory("samples-change");
        var path = Path.Combine(clone.Path, "repo");
        Git(clone.Path, "clone", "--quiet", "--no-checkout", "--depth", "1", "file://" + SourceTree.Root, path);
        const string Sample = "tests/samples/Impact/ImpactLib/Calculator.cs";
        var text = Git(path, "show", "HEAD:" + Sample) + "\n// changed\n";
        var blob = Programs.RunOrThrow("git", ["hash-object", "-w", "--stdin"], path, input: text).Trim();
        Git(path, "read-tree", "HEAD");
        Git(path, "update-index", "--cacheinfo", $"100644,{blob},{Sample}");
        var tree = Git(path, "write-tree").Trim();
        var commit = Git(path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit-tree", tree, "-p", "HEAD", "-m", "change a sample").Trim();

        var (runAll, projects, json) = Select(path, commit);

        Assert.IsFalse(runAll, json.ToString());
        foreach (var test in new[] { "tests/Pipelines.Adapters.Tests/Pipelines.Adapters.Tests.csproj", "tests/Pipelines.Cli.Tests/Pipelines.Cli.Tests.csproj" })
        {
            Assert.Contains(test, projects, json.ToString());
        }
    }

    [GeneratedRegex(@"\.(cs|csproj|fs|props|targets)$")]
    private static partial Regex CodeFile();

    private static string Git(string directory, params string[] args) => Programs.RunOrThrow("git", args, directory);

    /// <summary>
    /// What each test project of one commit needs, read plainly: the files under its folder and under the folders of
    /// every project it references (transitively), what its project files include from elsewhere, the build files at or
    /// above those folders, and any repository path its sources spell out as a string.
    /// </summary>
    private sealed partial class PlainOracle
    {
        private readonly string[] _files;
        private readonly Dictionary<string, List<string>> _references = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _includes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _named = new(StringComparer.Ordinal);
        private readonly List<string> _projectFolders;

        public PlainOracle(string repo, string sha)
        {
            _files = Git(repo, "ls-tree", "-r", "--name-only", sha).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var projects = _files.Where(f => f.EndsWith(".csproj", StringComparison.Ordinal)).ToList();
            _projectFolders = [.. projects.Select(Folder)];
            var tests = new HashSet<string>(StringComparer.Ordinal);
            foreach (var project in projects)
            {
                var text = Git(repo, "show", $"{sha}:{project}");
                var folder = Folder(project);
                _references[project] = [.. ProjectReference().Matches(text).Select(m => Combine(folder, m.Groups[1].Value))];
                _includes[project] = [.. OtherInclude().Matches(text).Select(m => Combine(folder, m.Groups[2].Value))];
                var marked = text.Contains("<IsTestProject>true", StringComparison.Ordinal) || text.Contains("Microsoft.NET.Test.Sdk", StringComparison.Ordinal)
                    || text.Contains("Include=\"MSTest\"", StringComparison.Ordinal) || text.Contains("xunit", StringComparison.OrdinalIgnoreCase);
                if (marked && !text.Contains("<IsTestProject>false", StringComparison.Ordinal))
                {
                    tests.Add(project);
                }
            }

            TestProjects = tests;

            // Every quoted string in a C# file that names an existing file or folder of the tree.
            var existing = new HashSet<string>(_files, StringComparer.Ordinal);
            foreach (var f in _files)
            {
                for (var slash = f.IndexOf('/'); slash > 0; slash = f.IndexOf('/', slash + 1))
                {
                    existing.Add(f[..slash]);
                }
            }

            var grep = Programs.Run("git", ["grep", "-o", "-E", "\"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\"", sha, "--", "*.cs"], repo);
            foreach (var line in grep.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(':', 3);
                var literal = parts[2].Trim('"');
                // A single word counts only as a folder holding no project ("tasks"): "src" in a glob test reads nothing.
                if (literal.Contains('.') || literal.Contains('/') || (existing.Contains(literal) && !_files.Any(f => f.StartsWith(literal + "/", StringComparison.Ordinal) && f.EndsWith(".csproj", StringComparison.Ordinal))))
                {
                    if (existing.Contains(literal))
                    {
                        if (!_named.TryGetValue(parts[1], out var set))
                        {
                            _named[parts[1]] = set = new HashSet<string>(StringComparer.Ordinal);
                        }

                        set.Add(literal);
                    }
                }
            }
        }

        public HashSet<string> TestProjects { get; }

        public HashSet<string> Needed(IEnumerable<string> changed)
        {
            var needed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var test in TestProjects)
            {
                var closure = Closure(test);
                if (changed.Any(f => Needs(test, closure, f)))
                {
                    needed.Add(test);
                }
            }

            return needed;
        }

        private bool Needs(string test, HashSet<string> closure, string file)
        {
            var name = file[(file.LastIndexOf('/') + 1)..];
            if (name is "global.json" or "NuGet.config" or "nuget.config" || name.EndsWith(".sln", StringComparison.Ordinal) || file == ".config/dotnet-tools.json")
            {
                return true;
            }

            foreach (var project in closure)
            {
                var folder = Folder(project);
                if (Owner(file) == project || _includes[project].Any(i => Covers(i, file)))
                {
                    return true;
                }

                var buildFile = name.StartsWith("Directory.", StringComparison.Ordinal) || name is ".editorconfig" or ".globalconfig";
                if (buildFile && (Folder(file).Length == 0 || (folder + "/").StartsWith(Folder(file) + "/", StringComparison.Ordinal)))
                {
                    return true;
                }

                // A library only tests use, or the test itself, naming the file in its sources.
                var sourcesPrefix = folder + "/";
                if (_named.Where(n => n.Key.StartsWith(sourcesPrefix, StringComparison.Ordinal)).Any(n => n.Value.Any(l => file == l || file.StartsWith(l + "/", StringComparison.Ordinal)))
                    && (project == test || !TestProjects.Contains(project)) && Folder(project).StartsWith("tests/", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private string? Owner(string file)
        {
            var best = _projectFolders.Where(f => file.StartsWith(f + "/", StringComparison.Ordinal)).OrderByDescending(f => f.Length).FirstOrDefault();
            return best is null ? null : _references.Keys.First(p => Folder(p) == best);
        }

        private static bool Covers(string include, string file)
        {
            var star = include.IndexOf('*', StringComparison.Ordinal);
            return star < 0 ? include == file : file.StartsWith(include[..star], StringComparison.Ordinal);
        }

        private HashSet<string> Closure(string project)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>([project]);
            while (stack.TryPop(out var p))
            {
                if (seen.Add(p) && _references.TryGetValue(p, out var refs))
                {
                    foreach (var r in refs)
                    {
                        stack.Push(r);
                    }
                }
            }

            return seen;
        }

        private static string Folder(string path) => path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : string.Empty;

        private static string Combine(string folder, string relative)
        {
            var parts = new List<string>(folder.Length == 0 ? [] : folder.Split('/'));
            foreach (var part in relative.Replace('\\', '/').Split('/'))
            {
                if (part == "..")
                {
                    if (parts.Count > 0)
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                }
                else if (part is not ("" or "."))
                {
                    parts.Add(part);
                }
            }

            return string.Join('/', parts);
        }

        [GeneratedRegex("<ProjectReference\\s+Include=\"([^\"]+)\"")]
        private static partial Regex ProjectReference();

        [GeneratedRegex("<(Compile|None|Content|EmbeddedResource|AdditionalFiles)\\s+Include=\"([^\"$]+)\"")]
        private static partial Regex OtherInclude();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Git;
using Pipelines.Adapters.Processes;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Impact;

/// <summary>What record-impact was asked to do.</summary>
/// <param name="Projects">Test project files, repository-relative.</param>
/// <param name="CollectorPath">The collector assembly the test host loads (impact/ beside the CLI).</param>
/// <param name="WorkDirectory">A folder of this run's own for settings, results and hit files; the caller deletes it.</param>
/// <param name="Keep">Keep the instrumented copies (beside each build output, <c>&lt;output&gt;.pipelines-impact</c>) for a look.</param>
/// <param name="Selection">
/// For a map update: the projects to record only in part, with the tests the selection runs (a project not named here is
/// recorded whole).
/// </param>
public sealed record ImpactRecordRequest(
    GitRepository Repository,
    IReadOnlyList<string> Projects,
    string Configuration,
    bool NoBuild,
    string CollectorPath,
    string WorkDirectory,
    IReadOnlyDictionary<string, string?> Environment,
    Action<string> Log,
    bool Keep = false,
    IReadOnlyDictionary<string, ImpactProjectSelection>? Selection = null);

/// <summary>
/// Records an impact map: builds each test project, copies its output, instruments the copy
/// (<see cref="ImpactInstrumenter"/>), runs it once with <c>dotnet test</c> and the in-process collector, and joins the
/// hits with the commit's files. The user's bin/ is never written: MSBuild's incremental copy would keep instrumented
/// assemblies around.
/// </summary>
public static class ImpactRecorder
{
    public static ImpactMap Record(ImpactRecordRequest request, DateTimeOffset now, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        var repository = request.Repository;
        var modified = repository.ModifiedTrackedFiles();
        if (modified.Count > 0)
        {
            throw new InputException(
                $"--repo: {modified.Count} tracked file(s) differ from HEAD ({string.Join(", ", modified.Take(5))}{(modified.Count > 5 ? ", …" : string.Empty)}); "
                + "the map would name HEAD's content hashes for code it did not run: commit or stash them first");
        }

        if (!File.Exists(request.CollectorPath))
        {
            throw new InvalidOperationException($"the impact collector is missing: {request.CollectorPath} (it ships in impact/ beside the CLI)");
        }

        var head = repository.ResolveCommit("HEAD", "--repo");
        Dictionary<string, string> objectIds;
        using (var tree = repository.ReadTree(head))
        {
            objectIds = new Dictionary<string, string>(tree.ObjectIds, StringComparer.Ordinal);
        }

        var paths = objectIds.Keys.Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < paths.Count; i++)
        {
            index[paths[i]] = i;
        }

        var code = new HashSet<string>(StringComparer.Ordinal);
        var frameworks = FrameworkDirectories(request, cancellation);
        var projects = new List<ImpactProject>();
        for (var n = 0; n < request.Projects.Count; n++)
        {
            var project = request.Projects[n];
            var work = Path.Combine(request.WorkDirectory, n.ToString("D3", CultureInfo.InvariantCulture) + "-" + Path.GetFileNameWithoutExtension(project));
            // A project recorded only in part is left out: select-tests then runs it whole, never narrowing away the
            // tests the map could not see.
            if (RecordProject(request, project, work, index, code, frameworks, cancellation) is { } recorded)
            {
                projects.Add(recorded);
            }
        }

        var files = paths.Select(p => new ImpactFile(p, objectIds[p], code.Contains(p))).ToList();
        return new ImpactMap(head, now, files, projects);
    }

    private static ImpactProject? RecordProject(
        ImpactRecordRequest request, string project, string work, Dictionary<string, int> index, HashSet<string> code,
        IReadOnlyList<string> frameworks, CancellationToken cancellation)
    {
        var root = request.Repository.Root;
        var projectPath = Path.Combine(root, project);
        if (!request.NoBuild)
        {
            request.Log($"record-impact: building {project}");
            var build = Dotnet(request, ["build", projectPath, "-c", request.Configuration, "--nologo", "-v", "q"], root, cancellation);
            if (build.ExitCode != 0)
            {
                throw new OutsideSystemException("dotnet", $"{project}: dotnet build failed (exit {build.ExitCode}): {Tail(build.StandardOutput + build.StandardError)}");
            }
        }

        var targetPath = TargetPath(request, projectPath, project, cancellation);
        if (!File.Exists(targetPath))
        {
            throw new InputException($"{project}: its build output {targetPath} does not exist; build it with -c {request.Configuration} or leave out --no-build");
        }

        var source = Path.GetDirectoryName(targetPath)!;
        // The copy sits beside the output, at the same depth: tests that find the repository's files relative to
        // their own folder (../../../data) still find them. Untracked, so the tree stays clean for the next project.
        var copy = source.TrimEnd(Path.DirectorySeparatorChar) + ".pipelines-impact";
        if (Directory.Exists(copy))
        {
            Directory.Delete(copy, recursive: true);
        }

        CopyDirectory(source, copy);
        try
        {
            return RunCopy(request, project, work, targetPath, source, copy, index, code, frameworks, cancellation);
        }
        finally
        {
            if (!request.Keep)
            {
                try
                {
                    Directory.Delete(copy, recursive: true);
                }
                catch (IOException)
                {
                    // A test host still closing its files; the next recording deletes it first.
                }
            }
        }
    }

    private static ImpactProject? RunCopy(
        ImpactRecordRequest request, string project, string work, string targetPath, string source, string copy,
        Dictionary<string, int> index, HashSet<string> code, IReadOnlyList<string> frameworks, CancellationToken cancellation)
    {
        var root = request.Repository.Root;
        Directory.CreateDirectory(work);
        var instrumented = ImpactInstrumenter.Instrument(source, copy, root, index.ContainsKey, frameworks);
        foreach (var assembly in instrumented)
        {
            code.UnionWith(assembly.Documents);
        }

        request.Log($"record-impact: {project}: instrumented {instrumented.Count} assembly(ies), {instrumented.Sum(a => a.Documents.Count)} source file(s)");
        WriteManifest(Path.Combine(work, "manifest.json"), instrumented);
        var testPath = Path.Combine(copy, Path.GetFileName(targetPath));
        var testAssembly = Path.GetFileNameWithoutExtension(targetPath);
        var only = request.Selection?.GetValueOrDefault(project);
        if (!ReportsOutOfStep(copy))
        {
            // Processes the tests start from the instrumented copy (a tool, the app under test) write their flags there as
            // they exit; the collector books each file to the test that was running. An update runs the selection's
            // filter instead of the whole project, in the batches select-tests writes for it.
            var selected = new Dictionary<string, ImpactTest>(StringComparer.Ordinal);
            IReadOnlyList<string?> batches = only is null ? [(string?)null] : [.. ImpactFilter.Batches(only)];
            for (var n = 0; n < batches.Count; n++)
            {
                var hitsFile = Path.Combine(work, $"hits-b{n:D4}.jsonl");
                var processHits = Path.Combine(work, $"process-hits-b{n:D4}");
                Directory.CreateDirectory(processHits);
                RunTests(request, project, work, testPath, hitsFile, nunitWhere: null, root, cancellation, batches[n], processHits);
                if (batches[n] is { } filter && !File.Exists(hitsFile))
                {
                    // No test matched, so no test host ran: the selected tests are gone, and the map forgets them.
                    request.Log($"record-impact: {project}: the filter matched no test ({Tail(filter)})");
                    continue;
                }

                foreach (var test in ReadHits(hitsFile, project, instrumented, index, root, testAssembly))
                {
                    selected[test.Name] = test;
                }
            }

            return new ImpactProject(project, [.. selected.Values]);
        }

        // NUnit's adapter reports a test's start and end out of step with running it, so the flags between two
        // reports belong to no test in particular; xUnit v3 runs the tests in a process of its own, whose flags the
        // in-process collector never sees (the instrumented assemblies write them to a folder as that process exits).
        // A run of one class at a time still tells classes apart: every test of the class gets all the files its
        // class's run executed.
        var ownProcess = RunsInOwnProcess(copy);
        var discovered = TestAssemblyReader.Read(testPath, project);
        // An update records the classes of the tests the selection runs, each whole, as a full recording would.
        var classes = discovered.Where(t => only is null || only.Runs(t.Id))
            .Select(t => t.ClassName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        request.Log(ownProcess
            ? $"record-impact: {project}: xUnit v3 runs tests in a process of its own; recording per class ({classes.Count} run(s))"
            : $"record-impact: {project}: NUnit reports tests out of step with running them; recording per class ({classes.Count} run(s))");
        var tests = new Dictionary<string, ImpactTest>(StringComparer.Ordinal);
        var incomplete = classes.Count == 0 && only is null; // no class found: the tests are marked in a way the reader does not know
        for (var n = 0; n < classes.Count; n++)
        {
            var hitsFile = Path.Combine(work, $"hits-{n:D4}.jsonl");

            // The xUnit v3 test process writes its flags here as it exits, and so do processes the tests start.
            var hitsDirectory = Path.Combine(work, $"process-hits-{n:D4}");
            Directory.CreateDirectory(hitsDirectory);
            if (ownProcess)
            {
                RunTests(request, project, work, testPath, hitsFile, nunitWhere: null, root, cancellation, ImpactFilter.ClassTerm(classes[n]), hitsDirectory);
            }
            else
            {
                RunTests(request, project, work, testPath, hitsFile, ClassWhere(classes[n]), root, cancellation, hitsDirectory: hitsDirectory);
            }

            var processHits = ReadProcessHits(hitsDirectory, instrumented, index);
            var recorded = ReadHits(hitsFile, project, instrumented, index, root, testAssembly, perClass: true, processHits);
            if (recorded.Count == 0)
            {
                request.Log($"record-impact: {project}: the run of class {classes[n]} reported no test");
                incomplete = true;
            }

            foreach (var test in recorded)
            {
                // Defensive: a test named in two class runs keeps the files of both.
                tests[test.Name] = tests.TryGetValue(test.Name, out var known)
                    ? known with { Outcome = Worse(known.Outcome, test.Outcome), Files = [.. known.Files.Union(test.Files).Order()] }
                    : test;
            }
        }

        if (incomplete)
        {
            request.Log($"record-impact: {project}: left out of the map, since some of its classes recorded no test; select-tests runs it whole");
            return null;
        }

        return new ImpactProject(project, [.. tests.Values], ImpactGranularity.Class);
    }

    /// <summary>NUnit's adapter in the output: its events cannot be matched to the code that ran.</summary>
    internal static bool ReportsOutOfStep(string output) =>
        File.Exists(Path.Combine(output, "NUnit3.TestAdapter.dll")) || File.Exists(Path.Combine(output, "nunit.framework.dll")) || RunsInOwnProcess(output);

    /// <summary>xUnit v3 in the output: its VSTest adapter starts the test assembly as a process of its own.</summary>
    internal static bool RunsInOwnProcess(string output) => File.Exists(Path.Combine(output, "xunit.v3.core.dll"));

    /// <summary>The flags the test processes wrote as they exited (<see cref="ImpactInstrumenter.HitsDirectoryVariable"/>), as map file indices.</summary>
    internal static SortedSet<int> ReadProcessHits(string directory, IReadOnlyList<InstrumentedAssembly> instrumented, Dictionary<string, int> index)
    {
        var result = new SortedSet<int>();
        foreach (var assembly in instrumented)
        {
            foreach (var file in Directory.EnumerateFiles(directory, assembly.Name + ".*.hits"))
            {
                // The name is <assembly>.<pid>.hits: an assembly whose name extends another's (Lib, Lib.Tests) is not it.
                var middle = Path.GetFileName(file)[(assembly.Name.Length + 1)..^".hits".Length];
                if (!middle.All(char.IsAsciiDigit))
                {
                    continue;
                }

                foreach (var line in File.ReadLines(file))
                {
                    if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < assembly.Documents.Count
                        && index.TryGetValue(assembly.Documents[i], out var fileIndex))
                    {
                        result.Add(fileIndex);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// NUnit's own filter for one class's tests, parameterized fixtures (<c>Ns.Fixture(1)</c>) and nested ones
    /// (<c>Ns.Outer+Inner</c>) included. Not a VSTest --filter: the adapter cannot translate an escaped parenthesis.
    /// </summary>
    internal static string ClassWhere(string className) =>
        "class == \"" + className.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static ImpactOutcome Worse(ImpactOutcome a, ImpactOutcome b) =>
        a == ImpactOutcome.Failed || b == ImpactOutcome.Failed ? ImpactOutcome.Failed
        : a == ImpactOutcome.Passed || b == ImpactOutcome.Passed ? ImpactOutcome.Passed : ImpactOutcome.Skipped;

    private static void RunTests(
        ImpactRecordRequest request, string project, string work, string testPath, string hitsFile, string? nunitWhere, string root, CancellationToken cancellation,
        string? filter = null, string? hitsDirectory = null)
    {
        var settings = Path.Combine(work, Path.GetFileNameWithoutExtension(hitsFile) + ".runsettings");
        File.WriteAllText(settings, ImpactRunSettings.Create(request.CollectorPath, hitsFile, nunitWhere));
        var watch = Stopwatch.StartNew();
        string[] arguments = ["test", testPath, "--settings", settings, "--logger", "trx", "--results-directory", Path.Combine(work, "results")];
        var environment = new Dictionary<string, string?>(request.Environment, StringComparer.Ordinal);
        if (filter is not null)
        {
            arguments = [.. arguments, "--filter", filter];
        }

        if (hitsDirectory is not null)
        {
            environment[ImpactInstrumenter.HitsDirectoryVariable] = hitsDirectory;
        }

        var exit = DotnetStreaming(request with { Environment = environment }, arguments, root, cancellation);
        request.Log($"record-impact: {project}: dotnet test{(nunitWhere is null ? string.Empty : " where " + nunitWhere)}{(filter is null ? string.Empty : " --filter " + filter)} exit {exit} in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Joins the collector's lines into tests; a run without its closing line crashed, and its map would lie.</summary>
    /// <param name="perClass">The run ran one class: every test gets every file the run recorded, from its start to its end.</param>
    internal static List<ImpactTest> ReadHits(
        string hitsFile, string project, IReadOnlyList<InstrumentedAssembly> instrumented, Dictionary<string, int> index, string root, string? testAssembly,
        bool perClass = false, IReadOnlySet<int>? processHits = null)
    {
        if (!File.Exists(hitsFile))
        {
            throw new OutsideSystemException("dotnet", $"{project}: the test host never loaded the impact collector (no hits file); see dotnet test's output above");
        }

        var documents = instrumented.ToDictionary(a => a.Name, a => a.Documents, StringComparer.Ordinal);
        var tests = new Dictionary<string, (string Class, string? Source, ImpactOutcome Outcome, SortedSet<int> Files)>(StringComparer.Ordinal);
        var order = new List<string>();
        var sessions = 0;
        var ends = 0;
        var overlapped = new List<string>();
        var run = new SortedSet<int>();
        foreach (var line in File.ReadLines(hitsFile))
        {
            if (line.Length == 0)
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                // A line cut off: the test host died while the collector wrote it.
                throw new OutsideSystemException("dotnet",
                    $"{project}: the test run ended before its session did (the test host crashed mid-write after {tests.Count} test(s)); no map is written");
            }

            using var owned = document;
            var element = document.RootElement;
            switch (element.GetProperty("event").GetString())
            {
                case "session":
                    sessions++;
                    break;
                case "end":
                    ends++;
                    if (perClass && element.TryGetProperty("hits", out var rest))
                    {
                        AddHits(rest, documents, index, run);
                    }

                    break;
                case "test":
                    var name = element.GetProperty("name").GetString() ?? string.Empty;
                    if (element.TryGetProperty("overlapped", out var overlap) && overlap.ValueKind == JsonValueKind.True)
                    {
                        overlapped.Add(name);
                    }

                    var className = element.TryGetProperty("class", out var c) && c.GetString() is { Length: > 0 } managed ? managed : ClassOf(name);
                    var source = element.TryGetProperty("source", out var s) && s.GetString() is { Length: > 0 } file ? RelativeSource(file, root) : null;
                    var outcome = element.GetProperty("outcome").GetString() switch
                    {
                        "Passed" => ImpactOutcome.Passed,
                        "Failed" => ImpactOutcome.Failed,
                        _ => ImpactOutcome.Skipped,
                    };
                    if (!tests.TryGetValue(name, out var entry))
                    {
                        entry = (className, source, outcome, []);
                        order.Add(name);
                    }
                    else
                    {
                        // Data rows share one name: one failing row fails the name, and the files add up.
                        entry.Outcome = entry.Outcome == ImpactOutcome.Failed || outcome == ImpactOutcome.Failed ? ImpactOutcome.Failed
                            : entry.Outcome == ImpactOutcome.Passed || outcome == ImpactOutcome.Passed ? ImpactOutcome.Passed : ImpactOutcome.Skipped;
                    }

                    AddHits(element.GetProperty("hits"), documents, index, perClass ? run : entry.Files);
                    tests[name] = entry;
                    break;
            }
        }

        if (sessions == 0 || ends < sessions)
        {
            throw new OutsideSystemException("dotnet",
                $"{project}: the test run ended before its session did (the test host crashed or was killed after {tests.Count} test(s)); no map is written, since it would leave the rest of the project's tests out");
        }

        if (perClass)
        {
            if (processHits is not null)
            {
                run.UnionWith(processHits);
            }

            foreach (var name in order)
            {
                tests[name].Files.UnionWith(run);
            }
        }

        if (overlapped.Count > 0 && !perClass)
        {
            throw new InputException(
                $"{project}: {overlapped.Count} test(s) ran while another was running (first: {overlapped[0]}), so their files cannot be told apart: "
                + "the test framework kept its parallelism despite the run settings; leave it out with --projects");
        }

        // Every test that ran executed code of its own test assembly. When that assembly is instrumented, a test that
        // recorded none of its files was not seen: its tests ran in another process (as xUnit v3's do, when not
        // recognized by its xunit.v3.core.dll and so not recorded per class), or the framework reported them out of
        // step with running them (an NUnit adapter the recorder did not recognize), so the flags of one test were
        // booked to another. Such a map would lie.
        if (testAssembly is not null && documents.TryGetValue(testAssembly, out var own))
        {
            var ownFiles = own.Where(index.ContainsKey).Select(p => index[p]).ToHashSet();
            var unseen = order.Where(n => tests[n].Outcome != ImpactOutcome.Skipped && !tests[n].Files.Overlaps(ownFiles)).ToList();
            if (unseen.Count > 0)
            {
                throw new InputException(
                    $"{project}: {unseen.Count} of its {tests.Count} test(s) recorded none of their own files (first: {unseen[0]}): they ran outside VSTest's "
                    + "test host (a framework that runs tests in a process of its own, not recognized as xUnit v3) or were reported out of step with running them (NUnit), so their files cannot be told apart; leave it out with --projects");
            }
        }

        return [.. order.Select(n => new ImpactTest(n, tests[n].Class, tests[n].Source, tests[n].Outcome, [.. tests[n].Files]))];
    }

    private static void AddHits(JsonElement hits, Dictionary<string, IReadOnlyList<string>> documents, Dictionary<string, int> index, SortedSet<int> files)
    {
        foreach (var assembly in hits.EnumerateObject())
        {
            if (!documents.TryGetValue(assembly.Name, out var paths))
            {
                continue;
            }

            foreach (var id in assembly.Value.EnumerateArray())
            {
                var i = id.GetInt32();
                if (i >= 0 && i < paths.Count && index.TryGetValue(paths[i], out var fileIndex))
                {
                    files.Add(fileIndex);
                }
            }
        }
    }

    /// <summary>The newest installed version of each shared framework, e.g. "Microsoft.NETCore.App 10.0.1 [/usr/share/dotnet/shared/Microsoft.NETCore.App]".</summary>
    private static List<string> FrameworkDirectories(ImpactRecordRequest request, CancellationToken cancellation)
    {
        var result = Dotnet(request, ["--list-runtimes"], request.Repository.Root, cancellation);
        var newest = new Dictionary<string, (Version Version, string Directory)>(StringComparer.Ordinal);
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var open = line.IndexOf('[', StringComparison.Ordinal);
            var parts = line.Split(' ', 3);
            if (open < 0 || parts.Length < 3 || !line.EndsWith(']') || !Version.TryParse(parts[1].Split('-')[0], out var version))
            {
                continue;
            }

            var directory = Path.Combine(line[(open + 1)..^1], parts[1]);
            if (!newest.TryGetValue(parts[0], out var known) || version > known.Version)
            {
                newest[parts[0]] = (version, directory);
            }
        }

        return [.. newest.Values.Select(v => v.Directory).Where(Directory.Exists)];
    }

    internal static string ClassOf(string fullyQualifiedName)
    {
        var name = fullyQualifiedName;
        var parenthesis = name.IndexOf('(', StringComparison.Ordinal);
        if (parenthesis >= 0)
        {
            name = name[..parenthesis];
        }

        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }

    private static string? RelativeSource(string file, string root)
    {
        var full = Path.GetFullPath(file);
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full[(root.Length + 1)..].Replace('\\', '/') : null;
    }

    private static string TargetPath(ImpactRecordRequest request, string projectPath, string project, CancellationToken cancellation)
    {
        var result = Dotnet(request, ["msbuild", projectPath, "-getProperty:TargetPath", "-getProperty:TargetFrameworks", $"-p:Configuration={request.Configuration}", "-nologo"], request.Repository.Root, cancellation);
        if (result.ExitCode != 0)
        {
            throw new InputException($"{project}: MSBuild could not evaluate it: {Tail(result.StandardOutput + result.StandardError)}");
        }

        using var document = JsonDocument.Parse(result.StandardOutput);
        var properties = document.RootElement.GetProperty("Properties");
        var target = properties.GetProperty("TargetPath").GetString();
        if (string.IsNullOrEmpty(target))
        {
            // Multi-targeting: record the last framework listed (usually the newest).
            var frameworks = properties.GetProperty("TargetFrameworks").GetString() ?? string.Empty;
            var last = frameworks.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                ?? throw new InputException($"{project}: it names no TargetPath and no TargetFrameworks");
            var again = Dotnet(request, ["msbuild", projectPath, "-getProperty:TargetPath", $"-p:Configuration={request.Configuration}", $"-p:TargetFramework={last}", "-nologo"], request.Repository.Root, cancellation);
            target = again.StandardOutput.Trim();
        }

        return target;
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }

    private static void WriteManifest(string path, IReadOnlyList<InstrumentedAssembly> instrumented)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        foreach (var assembly in instrumented)
        {
            writer.WriteStartArray(assembly.Name);
            foreach (var document in assembly.Documents)
            {
                writer.WriteStringValue(document);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static ProcessResult Dotnet(ImpactRecordRequest request, string[] arguments, string directory, CancellationToken cancellation) =>
        ProcessRunner.RunAsync("dotnet", arguments, directory, WithQuietDotnet(request.Environment), cancellation).GetAwaiter().GetResult();

    private static int DotnetStreaming(ImpactRecordRequest request, string[] arguments, string directory, CancellationToken cancellation)
    {
        var start = ProcessRunner.CreateStartInfo("dotnet", arguments, directory, WithQuietDotnet(request.Environment));
        using var process = new Process { StartInfo = start };
        var gate = new Lock();
        void Line(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    request.Log(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new OutsideSystemException("dotnet", $"could not start 'dotnet test': {ex.Message}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            process.WaitForExitAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    private static Dictionary<string, string?> WithQuietDotnet(IReadOnlyDictionary<string, string?> environment) =>
        new(environment, StringComparer.Ordinal)
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(5));
    }
}

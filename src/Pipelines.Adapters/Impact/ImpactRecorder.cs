using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipelines.Adapters.Git;
using Pipelines.Adapters.Processes;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Impact;

/// <summary>What record-impact was asked to do.</summary>
/// <param name="Projects">Test project files, repository-relative.</param>
/// <param name="CollectorPath">The collector assembly the test host loads (impact/ beside the CLI).</param>
/// <param name="WorkDirectory">A folder of this run's own for copies, settings and hit files; the caller deletes it.</param>
public sealed record ImpactRecordRequest(
    GitRepository Repository,
    IReadOnlyList<string> Projects,
    string Configuration,
    bool NoBuild,
    string CollectorPath,
    string WorkDirectory,
    IReadOnlyDictionary<string, string?> Environment,
    Action<string> Log);

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
        var projects = new List<ImpactProject>();
        for (var n = 0; n < request.Projects.Count; n++)
        {
            var project = request.Projects[n];
            var work = Path.Combine(request.WorkDirectory, n.ToString("D3", CultureInfo.InvariantCulture) + "-" + Path.GetFileNameWithoutExtension(project));
            projects.Add(RecordProject(request, project, work, index, code, cancellation));
        }

        var files = paths.Select(p => new ImpactFile(p, objectIds[p], code.Contains(p))).ToList();
        return new ImpactMap(head, now, files, projects);
    }

    private static ImpactProject RecordProject(
        ImpactRecordRequest request, string project, string work, Dictionary<string, int> index, HashSet<string> code, CancellationToken cancellation)
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
        var copy = Path.Combine(work, "bin");
        CopyDirectory(source, copy);
        var instrumented = ImpactInstrumenter.Instrument(source, copy, root, index.ContainsKey);
        foreach (var assembly in instrumented)
        {
            code.UnionWith(assembly.Documents);
        }

        request.Log($"record-impact: {project}: instrumented {instrumented.Count} assembly(ies), {instrumented.Sum(a => a.Documents.Count)} source file(s)");
        WriteManifest(Path.Combine(work, "manifest.json"), instrumented);
        var hitsFile = Path.Combine(work, "hits.jsonl");
        var settings = Path.Combine(work, "impact.runsettings");
        File.WriteAllText(settings, ImpactRunSettings.Create(request.CollectorPath, hitsFile));
        var testPath = Path.Combine(copy, Path.GetFileName(targetPath));
        var watch = Stopwatch.StartNew();
        var exit = DotnetStreaming(request,
            ["test", testPath, "--settings", settings, "--logger", "trx", "--results-directory", Path.Combine(work, "results")],
            root, cancellation);
        request.Log($"record-impact: {project}: dotnet test exit {exit} in {watch.Elapsed.TotalSeconds:F1} s");
        var tests = ReadHits(hitsFile, project, instrumented, index, root);
        return new ImpactProject(project, tests);
    }

    /// <summary>Joins the collector's lines into tests; a run without its closing line crashed, and its map would lie.</summary>
    internal static List<ImpactTest> ReadHits(
        string hitsFile, string project, IReadOnlyList<InstrumentedAssembly> instrumented, Dictionary<string, int> index, string root)
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
        foreach (var line in File.ReadLines(hitsFile))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var element = document.RootElement;
            switch (element.GetProperty("event").GetString())
            {
                case "session":
                    sessions++;
                    break;
                case "end":
                    ends++;
                    break;
                case "test":
                    var name = element.GetProperty("name").GetString() ?? string.Empty;
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

                    foreach (var assembly in element.GetProperty("hits").EnumerateObject())
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
                                entry.Files.Add(fileIndex);
                            }
                        }
                    }

                    tests[name] = entry;
                    break;
            }
        }

        if (sessions == 0 || ends < sessions)
        {
            throw new OutsideSystemException("dotnet",
                $"{project}: the test run ended before its session did (the test host crashed or was killed after {tests.Count} test(s)); no map is written, since it would leave the rest of the project's tests out");
        }

        // Every test runs code of its own instrumented test assembly, so a run where none recorded a file ran its tests
        // somewhere the collector cannot see: xUnit v3 starts each test assembly as a process of its own.
        if (tests.Count > 0 && instrumented.Count > 0 && tests.Values.All(t => t.Files.Count == 0))
        {
            throw new InputException(
                $"{project}: its {tests.Count} test(s) ran outside VSTest's test host, where record-impact cannot see them (xUnit v3 runs each test assembly as its own process); leave it out with --projects");
        }

        return [.. order.Select(n => new ImpactTest(n, tests[n].Class, tests[n].Source, tests[n].Outcome, [.. tests[n].Files]))];
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

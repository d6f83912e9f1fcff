using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Files;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.Git;
using Pipelines.Adapters.Impact;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;

namespace Pipelines.Cli.Commands.RecordImpact;

/// <summary>The <c>--json</c> document of <c>record-impact</c>.</summary>
public sealed record RecordImpactJson(
    string Map, string Commit, int Tests, int Files, int CodeFiles, double Seconds, IReadOnlyList<RecordImpactProjectJson> Projects, IReadOnlyList<string> LeftOut);

/// <summary>One recorded test project in the <c>--json</c> document.</summary>
/// <param name="Granularity"><c>test</c>, or <c>class</c> when the framework could only be recorded a class at a time.</param>
public sealed record RecordImpactProjectJson(string Path, int Tests, int Failed, string Granularity);

/// <summary>Finds the test projects, records them (<see cref="ImpactRecorder"/>) and writes the map.</summary>
public static class RecordImpactHandler
{
    /// <summary>Where the collector ships: impact/ beside the CLI.</summary>
    public static string CollectorPath => Path.Combine(AppContext.BaseDirectory, "impact", ImpactRunSettings.CollectorAssembly + ".dll");

    public static CommandResult Run(CommandSession session, RecordImpactInputs inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var watch = Stopwatch.StartNew();
        var repository = GitRepository.Open(context.ResolvePath(inputs.Repo));
        var output = context.ResolvePath(inputs.Out);
        if (Directory.Exists(output))
        {
            throw new InputException($"--out: '{inputs.Out}' is a folder; name the map file to write");
        }

        // Checked before minutes of recording: the folder the map goes in must be one we can make.
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--out: cannot write '{inputs.Out}': {ex.Message}");
        }

        var projects = FindProjects(repository, inputs.Projects);
        var keep = context.Environment.GetValueOrDefault("PIPELINES_IMPACT_KEEP") is { Length: > 0 };
        var work = Path.Combine(Path.GetTempPath(), "pipelines-impact-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        try
        {
            session.Host.BeginGroup($"record-impact: {projects.Count} test project(s)");
            var map = ImpactRecorder.Record(new ImpactRecordRequest(
                repository, projects, inputs.Configuration, inputs.NoBuild, CollectorPath, work, context.Environment,
                line => session.Log.WriteLine(UntrustedText.ForLine(line)), keep), context.Time.GetUtcNow(), cancellation);
            session.Host.EndGroup();
            try
            {
                ImpactMapFile.Write(output, map);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"--out: cannot write '{inputs.Out}': {ex.Message}");
            }

            return Report(inputs.Out, map, projects, watch.Elapsed.TotalSeconds);
        }
        finally
        {
            try
            {
                // PIPELINES_IMPACT_KEEP keeps the copies, settings and hit files for a look when a map seems wrong.
                if (keep)
                {
                    session.Log.WriteLine($"record-impact: kept {work}");
                }
                else
                {
                    Directory.Delete(work, recursive: true);
                }
            }
            catch (IOException)
            {
                // A test host still closing its files: the temp folder is the system's to clear.
            }
        }
    }

    private static List<string> FindProjects(GitRepository repository, IReadOnlyList<string> patterns)
    {
        var head = repository.ResolveCommit("HEAD", "--repo");
        ProjectGraph graph;
        using (var tree = repository.ReadTree(head))
        {
            graph = ProjectGraphReader.Read(tree);
        }

        List<string> projects;
        if (patterns.Count == 0)
        {
            projects = [.. graph.Projects.Where(p => p.IsTestProject).Select(p => p.Path).Order(StringComparer.Ordinal)];
            if (projects.Count == 0)
            {
                throw new InputException($"--repo: no test project at HEAD in {repository.Root} (a project referencing Microsoft.NET.Test.Sdk, MSTest, xunit or NUnit); name them with --projects");
            }

            return projects;
        }

        projects = [];
        foreach (var pattern in patterns.SelectMany(p => p.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var matches = FileGlob.Expand(repository.Root, pattern, [".csproj", ".fsproj", ".vbproj"])
                .Select(m => Path.GetRelativePath(repository.Root, m).Replace('\\', '/'))
                .ToList();
            if (matches.Count == 0)
            {
                throw new InputException($"--projects: '{pattern}' matches no project file (relative to {repository.Root})");
            }

            foreach (var match in matches)
            {
                if (graph.Projects.FirstOrDefault(p => p.Path == match) is not { } node)
                {
                    throw new InputException($"--projects: '{match}' is not a project tracked at HEAD; commit it first");
                }

                if (!node.IsTestProject)
                {
                    throw new InputException($"--projects: '{match}' is not a test project (it references no test framework or test SDK)");
                }

                projects.Add(match);
            }
        }

        return [.. projects.Distinct(StringComparer.Ordinal)];
    }

    private static CommandResult Report(string display, Core.Selection.Impact.ImpactMap map, IReadOnlyList<string> requested, double seconds)
    {
        var tests = map.Projects.Sum(p => p.Tests.Count);
        var codeFiles = map.Files.Count(f => f.Code);
        var result = new CommandResult(ExitCodes.Success)
            .Output("map", display)
            .Output("tests", tests.ToString(CultureInfo.InvariantCulture))
            .Output("files", map.Files.Count.ToString(CultureInfo.InvariantCulture))
            .Output("seconds", seconds.ToString("F1", CultureInfo.InvariantCulture));
        var projects = map.Projects.Select(p => new RecordImpactProjectJson(
            p.Path, p.Tests.Count, p.Tests.Count(t => t.Outcome == Core.Selection.Impact.ImpactOutcome.Failed),
            p.Granularity == Core.Selection.Impact.ImpactGranularity.Class ? "class" : "test")).ToList();
        var leftOut = requested.Where(r => map.Projects.All(p => p.Path != r)).ToList();
        result.WithJson(new RecordImpactJson(display, map.Commit, tests, map.Files.Count, codeFiles, Math.Round(seconds, 1), projects, leftOut), c => c.RecordImpactJson);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"record-impact: {tests} test(s) in {map.Projects.Count} project(s) recorded at {map.Commit[..Math.Min(12, map.Commit.Length)]}; {codeFiles} of {map.Files.Count} tracked file(s) are instrumented code; {seconds:F1} s").AppendLine();
        foreach (var project in projects)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {project.Path}: {project.Tests} test(s){(project.Granularity == "class" ? ", recorded per class" : string.Empty)}");
            if (project.Failed > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", {project.Failed} failed (they run again whatever changes)");
            }

            text.AppendLine();
        }

        foreach (var project in leftOut)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {project}: left out of the map (see the log above); select-tests runs it whole").AppendLine();
        }

        text.Append("  map: ").AppendLine(display);
        result.Report = text.ToString();
        var md = new StringBuilder();
        md.AppendLine("## Test impact map recorded").AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"**{tests}** tests in **{map.Projects.Count}** projects, **{codeFiles}** instrumented source files of {map.Files.Count} tracked, in {seconds:F1} s.").AppendLine();
        result.Summary = md.ToString();
        return result;
    }
}

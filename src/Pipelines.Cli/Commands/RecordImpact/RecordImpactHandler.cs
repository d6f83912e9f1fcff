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
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Cli.Commands.RecordImpact;

/// <summary>The <c>--json</c> document of <c>record-impact</c>.</summary>
public sealed record RecordImpactJson(
    string Map, string Commit, int Tests, int Files, int CodeFiles, double Seconds, IReadOnlyList<RecordImpactProjectJson> Projects, IReadOnlyList<string> LeftOut)
{
    /// <summary>With <c>--update</c>: what became of the previous map; null without it.</summary>
    public RecordImpactUpdateJson? Update { get; init; }
}

/// <summary>What <c>--update</c> did.</summary>
/// <param name="From">The previous map's commit, when it was narrowed with; null when the update recorded in full.</param>
/// <param name="Full">Why every test project was recorded whole; null when only the selection was.</param>
/// <param name="Rerun">Tests recorded anew.</param>
/// <param name="Carried">Tests kept from the previous map, nothing they ran having changed.</param>
/// <param name="Dropped">Tests of the previous map kept by neither (they run as unknown next time, or are gone).</param>
public sealed record RecordImpactUpdateJson(string? From, string? Full, int Rerun, int Carried, int Dropped);

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

        var graph = ReadGraph(repository);
        var projects = FindProjects(repository, graph, inputs.Projects);
        var plan = inputs.Update is { } update
            ? RecordImpactUpdatePlan.Make(session, repository, context.ResolvePath(update), update, inputs.Config)
            : null;
        var recording = projects;
        Dictionary<string, ImpactProjectSelection>? only = null;
        if (plan?.Selection is { } selection)
        {
            // Only what the selection runs: its whole projects, and the rest of what it narrowed, filtered.
            var runs = selection.Projects.Where(p => !p.Nothing).ToDictionary(p => p.Project, StringComparer.Ordinal);
            recording = [.. projects.Where(runs.ContainsKey)];
            only = runs.Values.Where(p => !p.Whole).ToDictionary(p => p.Project, StringComparer.Ordinal);
        }

        var keep = context.Environment.GetValueOrDefault("PIPELINES_IMPACT_KEEP") is { Length: > 0 };
        var work = Path.Combine(Path.GetTempPath(), "pipelines-impact-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        try
        {
            if (plan is not null)
            {
                session.Log.WriteLine(plan.Selection is null
                    ? $"record-impact: --update: recording in full: {UntrustedText.ForLine(plan.Why ?? string.Empty)}"
                    : $"record-impact: --update: {recording.Count} of {projects.Count} test project(s) to record, {only!.Values.Sum(p => p.Tests.Count + p.Classes.Count)} test(s) or class(es) of them filtered; the rest is kept from {Short(plan.Previous!.Commit)}");
            }

            session.Host.BeginGroup($"record-impact: {recording.Count} test project(s)");
            var map = ImpactRecorder.Record(new ImpactRecordRequest(
                repository, recording, inputs.Configuration, inputs.NoBuild, CollectorPath, work, context.Environment,
                line => session.Log.WriteLine(UntrustedText.ForLine(line)), keep, only), context.Time.GetUtcNow(), cancellation);
            session.Host.EndGroup();
            RecordImpactUpdateJson? updated = null;
            if (plan is not null)
            {
                var reran = map.Projects.Sum(p => p.Tests.Count);
                updated = new RecordImpactUpdateJson(null, plan.Why, reran, 0, 0);
                if (plan is { Previous: { } previous, Selection: { } narrowed })
                {
                    var atHead = graph.Projects.Where(p => p.IsTestProject).Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
                    var merge = ImpactMapUpdate.Merge(previous, narrowed, map, atHead);
                    map = merge.Map;
                    updated = new RecordImpactUpdateJson(previous.Commit, null, merge.Rerun, merge.Carried, merge.Dropped);
                }
            }

            try
            {
                ImpactMapFile.Write(output, map);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"--out: cannot write '{inputs.Out}': {ex.Message}");
            }

            // Like select-tests, a bad previous map is said plainly and exits 2; nothing is lost, the full map is written.
            return Report(inputs.Out, map, recording, watch.Elapsed.TotalSeconds, updated, plan?.BadInput);
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

    /// <summary>A commit as the reports name it.</summary>
    internal static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;

    private static ProjectGraph ReadGraph(GitRepository repository)
    {
        using var tree = repository.ReadTree(repository.ResolveCommit("HEAD", "--repo"));
        return ProjectGraphReader.Read(tree);
    }

    private static List<string> FindProjects(GitRepository repository, ProjectGraph graph, IReadOnlyList<string> patterns)
    {
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

    private static CommandResult Report(
        string display, ImpactMap map, IReadOnlyList<string> requested, double seconds, RecordImpactUpdateJson? update, string? badPrevious)
    {
        var tests = map.Projects.Sum(p => p.Tests.Count);
        var codeFiles = map.Files.Count(f => f.Code);
        var result = new CommandResult(badPrevious is null ? ExitCodes.Success : ExitCodes.BadInput)
            .Output("map", display)
            .Output("tests", tests.ToString(CultureInfo.InvariantCulture))
            .Output("files", map.Files.Count.ToString(CultureInfo.InvariantCulture))
            .Output("seconds", seconds.ToString("F1", CultureInfo.InvariantCulture));
        var projects = map.Projects.Select(p => new RecordImpactProjectJson(
            p.Path, p.Tests.Count, p.Tests.Count(t => t.Outcome == ImpactOutcome.Failed),
            p.Granularity == ImpactGranularity.Class ? "class" : "test")).ToList();
        var leftOut = requested.Where(r => map.Projects.All(p => p.Path != r)).ToList();
        if (update is not null)
        {
            result.Output("rerun", update.Rerun.ToString(CultureInfo.InvariantCulture)).Output("carried", update.Carried.ToString(CultureInfo.InvariantCulture));
        }

        result.WithJson(new RecordImpactJson(display, map.Commit, tests, map.Files.Count, codeFiles, Math.Round(seconds, 1), projects, leftOut) { Update = update },
            c => c.RecordImpactJson);
        var text = new StringBuilder();
        if (badPrevious is not null)
        {
            text.Append("error: --update: ").Append(UntrustedText.ForLine(badPrevious)).AppendLine("; recorded every test project in full instead");
        }

        text.Append(CultureInfo.InvariantCulture,
            $"record-impact: {tests} test(s) in {map.Projects.Count} project(s) recorded at {Short(map.Commit)}; {codeFiles} of {map.Files.Count} tracked file(s) are instrumented code; {seconds:F1} s").AppendLine();
        if (update is { From: { } from })
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  updated from {Short(from)}: {update.Rerun} test(s) recorded anew, {update.Carried} kept (nothing they ran changed), {update.Dropped} dropped (changed without a run, or gone)").AppendLine();
        }
        else if (update is { Full: { } why })
        {
            text.Append("  recorded in full: ").AppendLine(UntrustedText.ForLine(why));
        }

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

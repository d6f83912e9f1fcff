namespace Pipelines.Core.Selection.Impact;

/// <summary>A map brought up to head by re-recording only what the selection runs, and what happened to each test.</summary>
/// <param name="Rerun">Tests recorded anew at head.</param>
/// <param name="Carried">Tests kept from the previous map: the selection left them out, so nothing they ran changed.</param>
/// <param name="Dropped">
/// Tests of the previous map kept by neither: a file they ran changed or is gone though the selection left them out (the
/// next selection runs them as unknown), or the selection ran them and head no longer has them.
/// </param>
public sealed record ImpactMapMerge(ImpactMap Map, int Rerun, int Carried, int Dropped);

/// <summary>
/// Ekstazi's way of keeping a map fresh: a push to main re-records only the tests its own selection runs, and every
/// other test keeps what it executed, since none of those files changed. The result is a map at head, as if recorded
/// in full there, for a fraction of the run.
/// </summary>
public static class ImpactMapUpdate
{
    /// <summary>
    /// True when the project-level answer picked categories because of changed files. Categories are not tied to
    /// projects or to the code the map sees, so such an update records every test project in full.
    /// </summary>
    public static bool ChangedFilesSelectTags(SelectionResult projectLevel)
    {
        ArgumentNullException.ThrowIfNull(projectLevel);
        return projectLevel.TagReasons.Values.Any(r => r.FileCount > 0);
    }

    /// <param name="previous">The map the selection narrowed with.</param>
    /// <param name="selection">What the selection ran, from <see cref="ImpactSelector.Narrow"/> against <paramref name="previous"/>.</param>
    /// <param name="recorded">
    /// The recording of that selection at head: every file tracked at head, and the projects and tests it ran (a project
    /// the recorder left out is absent).
    /// </param>
    /// <param name="testProjectsAtHead">The test projects at head: a project gone since is not carried.</param>
    public static ImpactMapMerge Merge(ImpactMap previous, ImpactSelection selection, ImpactMap recorded, IReadOnlyCollection<string> testProjectsAtHead)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(testProjectsAtHead);

        var headIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < recorded.Files.Count; i++)
        {
            headIndex[recorded.Files[i].Path] = i;
        }

        // A file the previous map knew as code stays code while it is unchanged: a carried project's assemblies still
        // compile it, though this recording did not instrument them. A changed one counts as code only if recorded so now,
        // the safe side (select-tests falls back for a changed file the map does not see as code).
        var unchangedCode = previous.Files.Where(f => f.Code && headIndex.TryGetValue(f.Path, out var i) && recorded.Files[i].Hash == f.Hash)
            .Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var files = recorded.Files.Select(f => f.Code || !unchangedCode.Contains(f.Path) ? f : f with { Code = true }).ToList();

        var selected = selection.Projects.ToDictionary(p => p.Project, StringComparer.Ordinal);
        var before = previous.Projects.ToDictionary(p => p.Path, StringComparer.Ordinal);
        var now = recorded.Projects.ToDictionary(p => p.Path, StringComparer.Ordinal);
        int rerun = 0, carried = 0, dropped = 0;
        var projects = new List<ImpactProject>();
        foreach (var path in before.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            before.TryGetValue(path, out var old);
            now.TryGetValue(path, out var fresh);
            selected.TryGetValue(path, out var ran);
            if (!testProjectsAtHead.Contains(path))
            {
                dropped += old?.Tests.Count ?? 0;
                continue;
            }

            var tests = new List<ImpactTest>(fresh?.Tests ?? []);
            rerun += tests.Count;
            var recordedNames = tests.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var ranAnything = ran is { Nothing: false };
            foreach (var test in old?.Tests ?? [])
            {
                if (recordedNames.Contains(test.Name))
                {
                    continue;
                }

                // Run by the selection: its record is the new one, or it is gone. A whole project recorded anew, or one
                // the recorder left out (select-tests then runs it whole), keeps nothing of before.
                if (ranAnything && (ran!.Whole || fresh is null || ran.Runs(test.Name)))
                {
                    dropped++;
                    continue;
                }

                if (Carry(test, previous, recorded, headIndex) is { } kept)
                {
                    tests.Add(kept);
                    carried++;
                }
                else
                {
                    dropped++;
                }
            }

            if (tests.Count == 0 && fresh is null)
            {
                continue; // left out now and nothing left of before: select-tests runs it whole
            }

            var granularity = fresh?.Granularity == ImpactGranularity.Class || old?.Granularity == ImpactGranularity.Class
                ? ImpactGranularity.Class
                : ImpactGranularity.Test;
            projects.Add(new ImpactProject(path, [.. tests.OrderBy(t => t.Name, StringComparer.Ordinal)], granularity));
        }

        return new ImpactMapMerge(recorded with { Files = files, Projects = projects }, rerun, carried, dropped);
    }

    /// <summary>The test with its files renumbered for head; null when one of them changed or is gone.</summary>
    private static ImpactTest? Carry(ImpactTest test, ImpactMap previous, ImpactMap recorded, Dictionary<string, int> headIndex)
    {
        var renumbered = new List<int>(test.Files.Count);
        foreach (var i in test.Files)
        {
            if (i < 0 || i >= previous.Files.Count)
            {
                return null;
            }

            var file = previous.Files[i];
            if (!headIndex.TryGetValue(file.Path, out var at) || recorded.Files[at].Hash != file.Hash)
            {
                return null;
            }

            renumbered.Add(at);
        }

        renumbered.Sort();
        return test with { Files = renumbered };
    }
}

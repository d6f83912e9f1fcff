using Pipelines.Core.TestResults;

namespace Pipelines.Core.Selection.Impact;

/// <summary>A test that failed in a full run although the selection would not have run it: the "missing tag" slip, caught.</summary>
/// <param name="Source">The test assembly the result file names, when it names one.</param>
public sealed record MissedTest(string Test, string? Source);

/// <summary>
/// Checks a selection against a full run of the same commit: every test that failed there must be one the selection
/// runs. Run now and then beside the selection, it measures the selection's safety on the repository's own changes.
/// </summary>
public static class ImpactAudit
{
    /// <summary>The failed tests of <paramref name="fullRun"/> that <paramref name="selection"/> would have left out, by name.</summary>
    public static IReadOnlyList<MissedTest> Missed(ImpactSelection selection, IEnumerable<TestCaseResult> fullRun)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(fullRun);
        var whole = selection.Projects.Where(p => p.Whole).Select(p => AssemblyName(p.Project)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var filtered = selection.Projects.Where(p => !p.Whole).ToList();
        var missed = new List<MissedTest>();
        foreach (var failed in fullRun.Where(r => r.Outcome == TestOutcome.Failed).DistinctBy(r => (r.Id, r.Source)))
        {
            // A result that names no assembly may belong to any project that runs whole.
            var inWhole = failed.Source is { } source ? whole.Contains(AssemblyName(source)) : whole.Count > 0;
            var inFilter = filtered.Any(p => p.Tests.Contains(failed.Id, StringComparer.Ordinal)
                || p.Classes.Any(c => failed.Id.Contains(c + ".", StringComparison.Ordinal)));
            if (!inWhole && !inFilter)
            {
                missed.Add(new MissedTest(failed.Id, failed.Source));
            }
        }

        return [.. missed.OrderBy(m => m.Test, StringComparer.Ordinal)];
    }

    // "tests/Shop.Tests/Shop.Tests.csproj" and ".../bin/Debug/net10.0/Shop.Tests.dll" both name "Shop.Tests".
    private static string AssemblyName(string path)
    {
        var name = path[(path.LastIndexOfAny(['/', '\\']) + 1)..];
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }
}

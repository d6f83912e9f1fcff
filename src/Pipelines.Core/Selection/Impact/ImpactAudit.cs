using Pipelines.Core.TestResults;

namespace Pipelines.Core.Selection.Impact;

/// <summary>A test that failed in a full run although the selection would not have run it: the "missing tag" slip, caught.</summary>
/// <param name="Source">The test assembly the result file names, when it names one.</param>
public sealed record MissedTest(string Test, string? Source);

/// <summary>What an audit found: how many tests failed in the full run, and which of them the selection left out.</summary>
public sealed record ImpactAuditResult(int Failures, IReadOnlyList<MissedTest> Missed);

/// <summary>
/// Checks a selection against a full run of the same commit: every test that failed there must be one the selection
/// runs. Run now and then beside the selection, it measures the selection's safety on the repository's own changes.
/// </summary>
public static class ImpactAudit
{
    /// <summary>How many tests failed in <paramref name="fullRun"/>, and those <paramref name="selection"/> would have left out.</summary>
    public static ImpactAuditResult Check(ImpactSelection selection, IEnumerable<TestCaseResult> fullRun)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(fullRun);
        var whole = selection.Projects.Where(p => p.Whole).Select(p => AssemblyName(p.Project)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var filtered = selection.Projects.Where(p => !p.Whole).ToList();
        var failures = fullRun.Where(r => r.Outcome == TestOutcome.Failed).DistinctBy(r => (r.Id, r.Source)).ToList();
        var missed = new List<MissedTest>();
        foreach (var failed in failures)
        {
            // A result that names no assembly may belong to any project that runs whole.
            var inWhole = failed.Source is { } source ? whole.Contains(AssemblyName(source)) : whole.Count > 0;
            if (!inWhole && !filtered.Any(p => p.Runs(failed.Id)))
            {
                missed.Add(new MissedTest(failed.Id, failed.Source));
            }
        }

        return new ImpactAuditResult(failures.Count, [.. missed.OrderBy(m => m.Test, StringComparer.Ordinal)]);
    }

    // "tests/Shop.Tests/Shop.Tests.csproj" and ".../bin/Debug/net10.0/Shop.Tests.dll" both name "Shop.Tests".
    private static string AssemblyName(string path)
    {
        var name = path[(path.LastIndexOfAny(['/', '\\']) + 1)..];
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }
}

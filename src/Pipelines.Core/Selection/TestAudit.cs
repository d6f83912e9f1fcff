namespace Pipelines.Core.Selection;

/// <summary>One assembly's share of an audit.</summary>
public sealed record AssemblyAudit(string Assembly, string Framework, int Tests, int Untagged);

/// <summary>What an audit found.</summary>
/// <param name="Untagged">Tests with no category at all: only a full run ever runs them.</param>
/// <param name="UnknownCategories">Categories in code that no tag or <c>always</c> entry of the policy names, with their test counts.</param>
public sealed record TestAuditResult(
    int TestCount,
    IReadOnlyList<DiscoveredTest> Untagged,
    IReadOnlyDictionary<string, int> UnknownCategories,
    IReadOnlyList<AssemblyAudit> Assemblies);

/// <summary>The other half of IMVU's missing-tag slip: tests that no selection by tag can ever reach.</summary>
public static class TestAudit
{
    public static TestAuditResult Audit(IReadOnlyList<DiscoveredTest> tests, SelectionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(tests);
        ArgumentNullException.ThrowIfNull(policy);

        // vstest matches category filters case-insensitively, so "Billing" in code is the "billing" tag.
        var known = new HashSet<string>(policy.Tags.Select(t => t.Name).Concat(policy.Always), StringComparer.OrdinalIgnoreCase);
        var unknown = new SortedDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var category in tests.SelectMany(t => t.Categories.Distinct(StringComparer.OrdinalIgnoreCase)).Where(c => !known.Contains(c)))
        {
            unknown[category] = unknown.GetValueOrDefault(category) + 1;
        }

        var untagged = tests.Where(t => t.Categories.Count == 0)
            .OrderBy(t => t.Assembly, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal)
            .ToList();
        var assemblies = tests.GroupBy(t => (t.Assembly, t.Framework))
            .OrderBy(g => g.Key.Assembly, StringComparer.Ordinal)
            .Select(g => new AssemblyAudit(g.Key.Assembly, g.Key.Framework, g.Count(), g.Count(t => t.Categories.Count == 0)))
            .ToList();
        return new TestAuditResult(tests.Count, untagged, unknown, assemblies);
    }
}

using System.Text;
using Pipelines.Core.Selection;

namespace Pipelines.Core.Planning;

/// <summary>
/// <c>dotnet test --filter</c> expressions that run exactly a shard's units, in planned order, split into several
/// invocations where one filter would pass the command-line limit (32,767 characters on Windows).
/// </summary>
public static class ShardFilters
{
    /// <summary>Room for one filter, leaving the rest of the limit for dotnet's own arguments and paths.</summary>
    public const int DefaultMaxLength = 30_000;

    /// <summary>The filter term for one unit: a class by name prefix (<c>Ns.Class.</c>), a test by exact name.</summary>
    public static string Term(string unitId, PlanBy by) => by switch
    {
        // The trailing dot keeps Ns.Class from also matching Ns.ClassB.
        PlanBy.Class => "FullyQualifiedName~" + TestFilter.Escape(unitId) + ".",
        PlanBy.Test => "FullyQualifiedName=" + TestFilter.Escape(unitId),
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, "JUnit files are run by their own tools, not by a dotnet test filter"),
    };

    /// <summary>
    /// Filters that re-run exactly <paramref name="testIds"/>: the exact name, or the name followed by arguments
    /// (NUnit's <c>Ns.Class.Method(1,2)</c>), since ids leave arguments out.
    /// </summary>
    public static IReadOnlyList<string> ForTests(IReadOnlyList<string> testIds, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(testIds);
        var filters = new List<string>();
        var current = new StringBuilder();
        foreach (var id in testIds)
        {
            var escaped = TestFilter.Escape(id);
            var term = $"FullyQualifiedName={escaped}|FullyQualifiedName~{escaped}\\(";
            if (current.Length > 0 && current.Length + 1 + term.Length > maxLength)
            {
                filters.Add(current.ToString());
                current.Clear();
            }

            current.Append(current.Length > 0 ? "|" : string.Empty).Append(term);
        }

        if (current.Length > 0)
        {
            filters.Add(current.ToString());
        }

        return filters;
    }

    /// <summary>
    /// Filters for consecutive runs of units, each within <paramref name="maxLength"/>. When the selection had a
    /// category filter, units it reached only through their categories run only those categories' tests.
    /// </summary>
    /// <param name="restricted">Units to run only under <paramref name="categoryFilter"/>; the others run whole.</param>
    public static IReadOnlyList<string> Build(
        IReadOnlyList<PlacedUnit> units, PlanBy by, string categoryFilter, IReadOnlySet<string> restricted, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(categoryFilter);
        ArgumentNullException.ThrowIfNull(restricted);
        var filters = new List<string>();
        var chunk = new List<PlacedUnit>();
        var (wholeLength, wholeCount, limitedLength, limitedCount) = (0, 0, 0, 0);
        foreach (var unit in units)
        {
            var isLimited = categoryFilter.Length > 0 && restricted.Contains(unit.Id);
            var term = Term(unit.Id, by).Length;
            var next = isLimited
                ? Length(wholeLength, wholeCount, limitedLength + term, limitedCount + 1, categoryFilter.Length)
                : Length(wholeLength + term, wholeCount + 1, limitedLength, limitedCount, categoryFilter.Length);
            if (chunk.Count > 0 && next > maxLength)
            {
                filters.Add(Join(chunk, by, categoryFilter, restricted));
                chunk.Clear();
                (wholeLength, wholeCount, limitedLength, limitedCount) = (0, 0, 0, 0);
            }

            chunk.Add(unit);
            if (isLimited)
            {
                (limitedLength, limitedCount) = (limitedLength + term, limitedCount + 1);
            }
            else
            {
                (wholeLength, wholeCount) = (wholeLength + term, wholeCount + 1);
            }
        }

        if (chunk.Count > 0)
        {
            filters.Add(Join(chunk, by, categoryFilter, restricted));
        }

        return filters;
    }

    // The length Join would produce: terms and '|' separators, and "|(…)&(categories)" for the limited ones.
    private static int Length(int wholeLength, int wholeCount, int limitedLength, int limitedCount, int categoryLength)
    {
        var whole = wholeLength + Math.Max(0, wholeCount - 1);
        if (limitedCount == 0)
        {
            return whole;
        }

        return whole + (wholeCount > 0 ? 1 : 0) + 1 + limitedLength + (limitedCount - 1) + 3 + categoryLength + 1;
    }

    private static string Join(List<PlacedUnit> units, PlanBy by, string categoryFilter, IReadOnlySet<string> restricted)
    {
        var whole = units.Where(u => categoryFilter.Length == 0 || !restricted.Contains(u.Id)).Select(u => Term(u.Id, by)).ToList();
        var limited = units.Where(u => categoryFilter.Length > 0 && restricted.Contains(u.Id)).Select(u => Term(u.Id, by)).ToList();
        var text = new StringBuilder(string.Join('|', whole));
        if (limited.Count > 0)
        {
            if (text.Length > 0)
            {
                text.Append('|');
            }

            text.Append('(').Append(string.Join('|', limited)).Append(")&(").Append(categoryFilter).Append(')');
        }

        return text.ToString();
    }
}

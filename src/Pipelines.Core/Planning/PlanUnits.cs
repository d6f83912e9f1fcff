using Pipelines.Core.Statistics;

namespace Pipelines.Core.Planning;

/// <summary>A test to plan: its id and the groups it belongs to.</summary>
public sealed record TestToPlan(string Id, string ClassName, string? File = null);

/// <summary>One unit placed on a shard: a test, a class or a file, with its predicted time.</summary>
/// <param name="Estimated">True when no test of the unit has history: its time is the default.</param>
public sealed record PlanUnit(string Id, double Seconds, bool Estimated, int DeclaredIndex);

/// <summary>Groups tests into units and predicts each unit's time from history.</summary>
public static class PlanUnits
{
    /// <summary>The time given to every unit when nothing at all is known.</summary>
    public const double NoHistorySeconds = 1;

    /// <summary>The id of the unit <paramref name="test"/> belongs to.</summary>
    public static string UnitOf(TestToPlan test, PlanBy by)
    {
        ArgumentNullException.ThrowIfNull(test);
        return by switch
        {
            PlanBy.Test => test.Id,
            PlanBy.Class => test.ClassName,
            PlanBy.File => test.File ?? test.ClassName,
            _ => throw new ArgumentOutOfRangeException(nameof(by), by, null),
        };
    }

    /// <summary>
    /// Units in declared order (first appearance). A unit's time is the sum of its tests' estimates; a test never
    /// seen counts the median of the known tests; a unit none of whose tests was ever seen gets
    /// <paramref name="defaultUnitSeconds"/>, or the median of the known units (or <see cref="NoHistorySeconds"/>). Nothing is ever dropped.
    /// </summary>
    public static IReadOnlyList<PlanUnit> Build(IReadOnlyList<TestToPlan> tests, TimingHistory history, PlanBy by, double? defaultUnitSeconds)
    {
        ArgumentNullException.ThrowIfNull(tests);
        ArgumentNullException.ThrowIfNull(history);
        var order = new List<string>();
        var known = new Dictionary<string, double>(StringComparer.Ordinal);
        var unknownTests = new Dictionary<string, int>(StringComparer.Ordinal);
        var knownTestSeconds = new List<double>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var test in tests)
        {
            if (!seen.Add(test.Id))
            {
                continue;
            }

            var unit = UnitOf(test, by);
            if (unknownTests.TryAdd(unit, 0))
            {
                order.Add(unit);
            }

            if (history.Find(test.Id) is { } timing)
            {
                var estimate = timing.Estimate;
                known[unit] = known.GetValueOrDefault(unit) + estimate;
                knownTestSeconds.Add(estimate);
            }
            else
            {
                unknownTests[unit]++;
            }
        }

        var perUnknownTest = Descriptive.Median(knownTestSeconds);
        // With no history at all, equal weights still balance the shards by count.
        var unitDefault = defaultUnitSeconds ?? (known.Count > 0 ? Descriptive.Median([.. known.Values]) : NoHistorySeconds);
        var units = new List<PlanUnit>(order.Count);
        for (var i = 0; i < order.Count; i++)
        {
            var id = order[i];
            units.Add(known.TryGetValue(id, out var seconds)
                ? new PlanUnit(id, seconds + (unknownTests[id] * perUnknownTest), false, i)
                : new PlanUnit(id, unitDefault, true, i));
        }

        return units;
    }
}

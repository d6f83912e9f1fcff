namespace Pipelines.Core.Planning;

/// <summary>The order of the units on one shard: by policy, but never a unit before its prerequisites.</summary>
public static class UnitOrder
{
    public static IReadOnlyList<PlanUnit> Arrange(
        IReadOnlyList<PlanUnit> units, IReadOnlyDictionary<string, List<string>> prerequisites, PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(prerequisites);
        ArgumentNullException.ThrowIfNull(options);
        var here = units.ToDictionary(u => u.Id, StringComparer.Ordinal);
        var waitingOn = units.ToDictionary(u => u.Id, _ => 0, StringComparer.Ordinal);
        var dependents = units.ToDictionary(u => u.Id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var unit in units)
        {
            foreach (var prerequisite in prerequisites.GetValueOrDefault(unit.Id) ?? [])
            {
                if (here.ContainsKey(prerequisite))
                {
                    waitingOn[unit.Id]++;
                    dependents[prerequisite].Add(unit.Id);
                }
            }
        }

        var tail = TailSeconds(units, dependents);
        var ready = new PriorityQueue<PlanUnit, (int Group, double Primary, ulong Shuffle, int Declared)>();
        void Release(PlanUnit unit) => ready.Enqueue(unit, Priority(unit, tail[unit.Id], options));

        foreach (var unit in units.Where(u => waitingOn[u.Id] == 0))
        {
            Release(unit);
        }

        var ordered = new List<PlanUnit>(units.Count);
        while (ready.TryDequeue(out var unit, out _))
        {
            ordered.Add(unit);
            foreach (var dependent in dependents[unit.Id])
            {
                if (--waitingOn[dependent] == 0)
                {
                    Release(here[dependent]);
                }
            }
        }

        return ordered;
    }

    private static (int Group, double Primary, ulong Shuffle, int Declared) Priority(PlanUnit unit, double tail, PlanOptions options) =>
        options.Order switch
        {
            // The longest chain first: a slow test behind a quick prerequisite still starts early.
            PlanOrder.SlowestFirst => (0, -tail, 0, unit.DeclaredIndex),
            PlanOrder.Declared => (0, 0, 0, unit.DeclaredIndex),
            PlanOrder.Random when options.FixedOrder.IsMatch(unit.Id) => (0, 0, 0, unit.DeclaredIndex),
            PlanOrder.Random => (1, 0, SeededShuffle.Key(options.Seed, unit.Id), unit.DeclaredIndex),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Order, null),
        };

    /// <summary>Each unit's seconds plus the longest chain of dependents after it.</summary>
    private static Dictionary<string, double> TailSeconds(IReadOnlyList<PlanUnit> units, Dictionary<string, List<string>> dependents)
    {
        var seconds = units.ToDictionary(u => u.Id, u => u.Seconds, StringComparer.Ordinal);
        var tail = new Dictionary<string, double>(StringComparer.Ordinal);
        double Tail(string id)
        {
            if (!tail.TryGetValue(id, out var value))
            {
                value = seconds[id] + dependents[id].Select(Tail).DefaultIfEmpty(0).Max();
                tail[id] = value;
            }

            return value;
        }

        foreach (var unit in units)
        {
            Tail(unit.Id);
        }

        return tail;
    }
}

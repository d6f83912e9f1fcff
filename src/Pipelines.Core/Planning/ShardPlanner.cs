using Pipelines.Core.Errors;

namespace Pipelines.Core.Planning;

/// <summary>
/// Places units on shards so the slowest shard finishes as early as possible: longest-processing-time-first onto
/// the least loaded shard, then a local search of moves and swaps off the slowest shard. Units tied by declared
/// dependencies travel together as one block. Deterministic: equal inputs give equal plans.
/// </summary>
public static class ShardPlanner
{
    private const int MaxImprovementRounds = 200;
    private const double Epsilon = 1e-9;

    // Closer to the bound than this is noise: timing history varies by far more from run to run.
    private const double GoodEnough = 1e-4;

    public static TestPlan Plan(IReadOnlyList<PlanUnit> units, PlanBy by, int shards, PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var byId = units.ToDictionary(u => u.Id, StringComparer.Ordinal);
        var warnings = new List<string>();
        var prerequisites = Prerequisites(byId, options.Dependencies, warnings);
        var blocks = Blocks(units, prerequisites);

        var assignment = PlaceLongestFirst(blocks, shards, out var loads);
        Improve(blocks, assignment, loads);

        var total = units.Sum(u => u.Seconds);
        var lowerBound = Math.Max(total / shards, units.Count == 0 ? 0 : units.Max(u => u.Seconds));
        var planShards = new List<PlanShard>(shards);
        for (var s = 0; s < shards; s++)
        {
            var members = blocks.Where((_, b) => assignment[b] == s).SelectMany(b => b.Units).ToList();
            var ordered = UnitOrder.Arrange(members, prerequisites, options);
            planShards.Add(new PlanShard(s + 1, loads[s], [.. ordered.Select(u => new PlacedUnit(u.Id, u.Seconds, u.Estimated))]));
        }

        return new TestPlan(options.Seed, by, options.Order, lowerBound, loads.DefaultIfEmpty(0).Max(), planShards, warnings);
    }

    /// <summary>The smallest shard count, up to <paramref name="maxShards"/>, whose plan finishes within the target.</summary>
    public static TestPlan PlanWithin(IReadOnlyList<PlanUnit> units, PlanBy by, double targetSeconds, int maxShards, PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(targetSeconds, 0);
        var total = units.Sum(u => u.Seconds);
        var start = Math.Clamp((int)Math.Ceiling(total / targetSeconds), 1, maxShards);
        TestPlan? plan = null;
        for (var n = start; n <= maxShards; n++)
        {
            plan = Plan(units, by, n, options);
            if (plan.PredictedMakespanSeconds <= targetSeconds + Epsilon)
            {
                return plan;
            }
        }

        return plan! with
        {
            Warnings = [.. plan.Warnings, $"no plan of up to {maxShards} shards finishes within {targetSeconds / 60:0.##} minutes: the longest unit or the total is too long; using {maxShards}"],
        };
    }

    private static Dictionary<string, List<string>> Prerequisites(
        Dictionary<string, PlanUnit> byId, IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies, List<string> warnings)
    {
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (unit, before) in dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (!byId.ContainsKey(unit))
            {
                continue; // not in this plan: its prerequisites do not matter here
            }

            foreach (var prerequisite in before)
            {
                if (byId.ContainsKey(prerequisite))
                {
                    (edges.TryGetValue(unit, out var list) ? list : edges[unit] = []).Add(prerequisite);
                }
                else
                {
                    warnings.Add($"'{unit}' is declared to run after '{prerequisite}', which is not in this plan; it runs without it");
                }
            }
        }

        ThrowOnCycle(edges);
        return edges;
    }

    private static void ThrowOnCycle(Dictionary<string, List<string>> edges)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the path, true: done
        var path = new List<string>();
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
        {
            Visit(start);
        }

        void Visit(string unit)
        {
            if (state.TryGetValue(unit, out var done))
            {
                if (!done)
                {
                    var cycle = path.Skip(path.IndexOf(unit)).Append(unit);
                    throw new InputException($"tests.plan.dependencies: a cycle, so no order can satisfy it: {string.Join(" → ", cycle)}");
                }

                return;
            }

            state[unit] = false;
            path.Add(unit);
            foreach (var next in edges.GetValueOrDefault(unit) ?? [])
            {
                Visit(next);
            }

            path.RemoveAt(path.Count - 1);
            state[unit] = true;
        }
    }

    /// <summary>Units joined by dependencies, in order of their first declared unit.</summary>
    private static List<Block> Blocks(IReadOnlyList<PlanUnit> units, Dictionary<string, List<string>> prerequisites)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < units.Count; i++)
        {
            index[units[i].Id] = i;
        }

        var parent = Enumerable.Range(0, units.Count).ToArray();
        int Find(int x)
        {
            while (parent[x] != x)
            {
                x = parent[x] = parent[parent[x]];
            }

            return x;
        }

        foreach (var (unit, before) in prerequisites)
        {
            foreach (var prerequisite in before)
            {
                var (a, b) = (Find(index[unit]), Find(index[prerequisite]));
                parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }

        var groups = new Dictionary<int, List<PlanUnit>>();
        for (var i = 0; i < units.Count; i++)
        {
            var root = Find(i);
            (groups.TryGetValue(root, out var list) ? list : groups[root] = []).Add(units[i]);
        }

        return [.. groups.OrderBy(g => g.Key).Select(g => new Block(g.Key, g.Value, g.Value.Sum(u => u.Seconds)))];
    }

    private static int[] PlaceLongestFirst(List<Block> blocks, int shards, out double[] loads)
    {
        loads = new double[shards];
        var assignment = new int[blocks.Count];
        var queue = new PriorityQueue<int, (double Load, int Shard)>();
        for (var s = 0; s < shards; s++)
        {
            queue.Enqueue(s, (0, s));
        }

        foreach (var b in Enumerable.Range(0, blocks.Count).OrderByDescending(b => blocks[b].Seconds).ThenBy(b => blocks[b].Order))
        {
            var shard = queue.Dequeue();
            assignment[b] = shard;
            loads[shard] += blocks[b].Seconds;
            queue.Enqueue(shard, (loads[shard], shard));
        }

        return assignment;
    }

    /// <summary>
    /// Moves a block off the slowest shard, or swaps it for a smaller one, whenever that lowers the pair's maximum.
    /// Each shard's blocks are kept sorted by size, so the best partner is a binary search away.
    /// </summary>
    private static void Improve(List<Block> blocks, int[] assignment, double[] loads)
    {
        var shards = loads.Length;
        if (shards < 2)
        {
            return;
        }

        var bound = Math.Max(loads.Sum() / shards, blocks.Count == 0 ? 0 : blocks.Max(b => b.Seconds));

        var comparer = Comparer<(double Seconds, int Block)>.Create((x, y) =>
            x.Seconds != y.Seconds ? x.Seconds.CompareTo(y.Seconds) : x.Block.CompareTo(y.Block));
        var members = Enumerable.Range(0, shards).Select(_ => new SortedSet<(double Seconds, int Block)>(comparer)).ToArray();
        for (var b = 0; b < blocks.Count; b++)
        {
            members[assignment[b]].Add((blocks[b].Seconds, b));
        }

        for (var round = 0; round < MaxImprovementRounds; round++)
        {
            var max = 0;
            for (var s = 1; s < shards; s++)
            {
                if (loads[s] > loads[max] + Epsilon)
                {
                    max = s;
                }
            }

            if (loads[max] <= bound * (1 + GoodEnough))
            {
                return;
            }

            var best = (Gain: Epsilon, From: -1, To: -1, Give: -1, Take: -1);
            foreach (var (seconds, block) in members[max].Reverse())
            {
                for (var s = 0; s < shards; s++)
                {
                    // A move helps when the block is smaller than the gap; a swap when the partner is in (seconds - gap, seconds).
                    var gap = loads[max] - loads[s];
                    if (seconds < gap - Epsilon)
                    {
                        var gain = loads[max] - Math.Max(loads[max] - seconds, loads[s] + seconds);
                        if (gain > best.Gain)
                        {
                            best = (gain, max, s, block, -1);
                        }
                    }

                    if (s != max && Nearest(members[s], seconds - (gap / 2), seconds - gap, seconds) is { } partner)
                    {
                        var delta = seconds - partner.Seconds;
                        var gain = loads[max] - Math.Max(loads[max] - delta, loads[s] + delta);
                        if (gain > best.Gain)
                        {
                            best = (gain, max, s, block, partner.Block);
                        }
                    }
                }
            }

            if (best.From < 0)
            {
                return;
            }

            Transfer(best.Give, best.From, best.To);
            if (best.Take >= 0)
            {
                Transfer(best.Take, best.To, best.From);
            }
        }

        void Transfer(int block, int from, int to)
        {
            var seconds = blocks[block].Seconds;
            members[from].Remove((seconds, block));
            members[to].Add((seconds, block));
            loads[from] -= seconds;
            loads[to] += seconds;
            assignment[block] = to;
        }
    }

    /// <summary>The member nearest <paramref name="target"/> strictly inside (<paramref name="low"/>, <paramref name="high"/>).</summary>
    private static (double Seconds, int Block)? Nearest(SortedSet<(double Seconds, int Block)> set, double target, double low, double high)
    {
        if (set.Count == 0 || low >= high)
        {
            return null;
        }

        (double Seconds, int Block)? below = null;
        (double Seconds, int Block)? above = null;
        var lowKey = (low + Epsilon, int.MinValue);
        var targetKey = (target, int.MaxValue);
        var highKey = (high - Epsilon, int.MaxValue);

        // A view's Min and Max are O(log n) but return default when empty; Contains tells the two apart.
        if (set.Comparer.Compare(lowKey, targetKey) <= 0)
        {
            var view = set.GetViewBetween(lowKey, targetKey);
            if (view.Max is var candidate && view.Contains(candidate))
            {
                below = candidate;
            }
        }

        if (set.Comparer.Compare(targetKey, highKey) <= 0)
        {
            var view = set.GetViewBetween(targetKey, highKey);
            if (view.Min is var candidate && view.Contains(candidate))
            {
                above = candidate;
            }
        }

        return (below, above) switch
        {
            (null, var a) => a,
            (var b, null) => b,
            var (b, a) => target - b!.Value.Seconds <= a!.Value.Seconds - target ? b : a,
        };
    }

    private sealed record Block(int Order, IReadOnlyList<PlanUnit> Units, double Seconds);
}

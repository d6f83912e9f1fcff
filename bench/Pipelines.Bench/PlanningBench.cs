using System.Diagnostics;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Core.Planning;
using Pipelines.Core.TestResults;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// Plan quality and speed: makespan against the lower bound for N = 2 … 50 shards, the wall time longest-first
/// saves against placing units in file order, and how long a 50,000-test plan takes.
/// </summary>
internal static class PlanningBench
{
    private static readonly int[] ShardCounts = [2, 4, 8, 16, 32, 50];

    public static IReadOnlyList<BenchRow> Run()
    {
        var rows = new List<BenchRow>();
        // The real result files are in the repository (tests/data, source noted there), so a fresh clone runs every row.
        var real = SourceTree.PathOf(Path.Combine("tests", "data", "test-results"));
        var history = new TimingHistory();
        foreach (var file in Directory.EnumerateFiles(real).Where(f => f.EndsWith(".trx", StringComparison.Ordinal) || f.EndsWith(".xml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            history.Add(ResultFileReader.Read(file));
        }

        rows.AddRange(Quality("real results (tests/data/test-results)", history, PlanBy.Class));

        var generated = HeavyTailed(50_000, seed: 1_000_003);
        rows.AddRange(Quality("generated 50k tests, heavy-tailed, by class", generated, PlanBy.Class));
        rows.AddRange(Quality("generated 50k tests, heavy-tailed, by test", generated, PlanBy.Test));

        // Planning time: units, placement and filters for every shard count, the slowest one reported.
        var tests = generated.Tests.Select(t => new TestToPlan(t.Id, t.ClassName)).ToList();
        Plan(tests, generated, PlanBy.Test, 8); // warm-up: the JIT is not what we measure
        foreach (var by in new[] { PlanBy.Class, PlanBy.Test })
        {
            var worst = TimeSpan.Zero;
            var worstShards = 0;
            foreach (var shards in ShardCounts)
            {
                var elapsed = Measure.Median(3, () => Plan(tests, generated, by, shards));
                if (elapsed > worst)
                {
                    (worst, worstShards) = (elapsed, shards);
                }
            }

            rows.Add(BenchRow.Time($"plan 50k tests by {by.ToString().ToLowerInvariant()} (units, placement, filters), slowest N", worst, TimeSpan.FromSeconds(1), $"N = {worstShards}"));
        }

        return rows;
    }

    private static IEnumerable<BenchRow> Quality(string name, TimingHistory history, PlanBy by)
    {
        var tests = history.Tests.Select(t => new TestToPlan(t.Id, t.ClassName, t.File)).ToList();
        var units = PlanUnits.Build(tests, history, by, null);
        var worst = 0.0;
        var worstShards = 0;
        var savings = new List<string>();
        foreach (var shards in ShardCounts)
        {
            var plan = ShardPlanner.Plan(units, by, shards, PlanOptions.Default);
            var ratio = plan.PredictedMakespanSeconds / plan.LowerBoundSeconds;
            if (ratio > worst)
            {
                (worst, worstShards) = (ratio, shards);
            }

            var fileOrder = FileOrderMakespan(units, shards);
            savings.Add($"N={shards}: {100 * (1 - (plan.PredictedMakespanSeconds / fileOrder)):0.0}%");
        }

        yield return new BenchRow($"{name}: makespan / lower bound, worst of N = 2..50", worst, 1.03, "×",
            $"worst at N = {worstShards}; {units.Count} units; time saved by longest-first vs file order: {string.Join(", ", savings)}");
    }

    /// <summary>The baseline: each unit, in file order, onto the least loaded shard.</summary>
    private static double FileOrderMakespan(IReadOnlyList<PlanUnit> units, int shards)
    {
        var loads = new double[shards];
        foreach (var unit in units.OrderBy(u => u.DeclaredIndex))
        {
            var least = Array.IndexOf(loads, loads.Min());
            loads[least] += unit.Seconds;
        }

        return loads.Max();
    }

    private static void Plan(List<TestToPlan> tests, TimingHistory history, PlanBy by, int shards)
    {
        var units = PlanUnits.Build(tests, history, by, null);
        var plan = ShardPlanner.Plan(units, by, shards, PlanOptions.Default);
        foreach (var shard in plan.Shards)
        {
            _ = ShardFilters.Build(shard.Units, by, string.Empty, new HashSet<string>());
        }
    }

    /// <summary>
    /// Test times as real suites have them: most tests take milliseconds, a few take minutes (log-normal), in
    /// classes of 1 to 40 tests, with a handful of very slow integration classes.
    /// </summary>
    private static TimingHistory HeavyTailed(int count, int seed)
    {
        var random = new Random(seed);
        var results = new List<TestCaseResult>(count);
        var classIndex = 0;
        while (results.Count < count)
        {
            var size = Math.Min(count - results.Count, 1 + random.Next(40));
            var slowClass = random.NextDouble() < 0.01;
            var className = $"Suite{classIndex / 100}.Area{classIndex % 100}.Class{classIndex}";
            for (var t = 0; t < size; t++)
            {
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                var seconds = Math.Exp(-3 + (1.6 * gaussian)) * (slowClass ? 200 : 1);
                results.Add(new TestCaseResult($"{className}.Test{t}", className, null, seconds, TestOutcome.Passed));
            }

            classIndex++;
        }

        var history = new TimingHistory();
        history.Add(new TestRunResults("generated", null, results));
        return history;
    }
}

using Pipelines.Core.Statistics;
using Pipelines.Core.TestResults;

namespace Pipelines.Core.Planning;

/// <summary>What one test took in recent runs, and where it belongs.</summary>
/// <param name="Seconds">Durations of the most recent runs, oldest first, at most <see cref="TimingHistory.MaxSamples"/>.</param>
/// <param name="Source">The test assembly's file name (not its path, which differs between machines), if known.</param>
/// <param name="Categories">The test's categories when the result file recorded them.</param>
public sealed record TestTiming(
    string Id,
    string ClassName,
    string? File,
    IReadOnlyList<double> Seconds,
    string? Source = null,
    IReadOnlyList<string>? Categories = null)
{
    /// <summary>The median of the recent runs: one slow run on a busy machine does not move it.</summary>
    public double Estimate => Descriptive.Median(Seconds);
}

/// <summary>
/// Timing history merged from many runs into one compact record per test, small enough for a CI cache.
/// Runs are added oldest first; each test keeps its most recent <see cref="MaxSamples"/> durations.
/// </summary>
public sealed class TimingHistory
{
    /// <summary>Enough runs for a robust median, few enough that a test that got slower is seen within days.</summary>
    public const int MaxSamples = 5;

    private readonly Dictionary<string, TestTiming> _tests = new(StringComparer.Ordinal);

    public TimingHistory()
    {
    }

    public TimingHistory(IEnumerable<TestTiming> tests)
    {
        ArgumentNullException.ThrowIfNull(tests);
        foreach (var test in tests)
        {
            _tests[test.Id] = test with { Seconds = [.. test.Seconds.TakeLast(MaxSamples)] };
        }
    }

    public int Count => _tests.Count;

    /// <summary>Every test, ordered by id.</summary>
    public IEnumerable<TestTiming> Tests => _tests.Values.OrderBy(t => t.Id, StringComparer.Ordinal);

    public TestTiming? Find(string id) => _tests.GetValueOrDefault(id);

    /// <summary>
    /// Adds one run. The rows of a data-driven test share an id and add up to one duration; skipped tests say
    /// nothing about time and are left out.
    /// </summary>
    public void Add(TestRunResults run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var perTest = new Dictionary<string, (TestCaseResult First, double Seconds)>(StringComparer.Ordinal);
        foreach (var result in run.Results)
        {
            if (result.Outcome == TestOutcome.Skipped)
            {
                continue;
            }

            perTest[result.Id] = perTest.TryGetValue(result.Id, out var seen)
                ? (seen.First, seen.Seconds + result.Seconds)
                : (result, result.Seconds);
        }

        foreach (var (id, (first, seconds)) in perTest)
        {
            var samples = _tests.TryGetValue(id, out var known) ? known.Seconds.Append(seconds).TakeLast(MaxSamples) : [seconds];
            _tests[id] = new TestTiming(
                id,
                first.ClassName,
                first.File ?? known?.File,
                [.. samples],
                FileName(first.Source) ?? known?.Source,
                first.Categories ?? known?.Categories);
        }
    }

    private static string? FileName(string? path) => path?[(path.Replace('\\', '/').LastIndexOf('/') + 1)..];
}

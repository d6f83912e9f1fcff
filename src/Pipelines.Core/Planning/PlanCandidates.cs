using System.Globalization;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;

namespace Pipelines.Core.Planning;

/// <summary>A test to plan, and how much of its unit the selection reaches.</summary>
public sealed record PlanCandidate(TestToPlan Test, UnitReach Reach);

/// <summary>
/// plan-tests' choices before the planner: which tests to plan (the built ones and the ones with history, each once,
/// within the selection; or an explicit list as given), how to group them when not told, which units run only the
/// selection's categories, and the seed of the random order.
/// </summary>
public static class PlanCandidates
{
    /// <summary>
    /// The tests in the built assemblies first (new tests have no history yet and must still be planned), then those
    /// only the history knows; each once, each with its reach, the ones outside the selection left out.
    /// </summary>
    public static IReadOnlyList<PlanCandidate> Merge(IReadOnlyList<DiscoveredTest> discovered, TimingHistory history, PlanScope scope)
    {
        ArgumentNullException.ThrowIfNull(discovered);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(scope);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<PlanCandidate>();
        foreach (var test in discovered.Where(t => seen.Add(t.Id)))
        {
            candidates.Add(new(new TestToPlan(test.Id, test.ClassName), scope.Of(test.Assembly, test.Categories)));
        }

        foreach (var test in history.Tests.Where(t => seen.Add(t.Id)))
        {
            candidates.Add(new(new TestToPlan(test.Id, test.ClassName, test.File), scope.Of(test.Source, test.Categories)));
        }

        return [.. candidates.Where(c => c.Reach != UnitReach.Out)];
    }

    /// <summary>An explicit list (one id a line, # comments) is planned as given: the user already selected it.</summary>
    public static IReadOnlyList<PlanCandidate> Listed(IEnumerable<string> lines, TimingHistory history)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(history);
        return [.. lines
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(id => history.Find(id) is { } known
                ? new TestToPlan(id, known.ClassName, known.File)
                : new TestToPlan(id, id.LastIndexOf('.') is var dot and > 0 ? id[..dot] : id))
            .Select(t => new PlanCandidate(t, UnitReach.Whole))];
    }

    /// <summary>By class, unless every test is a JUnit test from another ecosystem (a file and no .NET assembly): then by file.</summary>
    public static PlanBy DefaultBy(TimingHistory history, IReadOnlyList<PlanCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates.Count > 0 && candidates.All(c => c.Test.File is not null && history.Find(c.Test.Id)?.Source is null) ? PlanBy.File : PlanBy.Class;
    }

    /// <summary>The units whose every test the selection reaches only through its categories: they run only those.</summary>
    public static IReadOnlySet<string> Restricted(IReadOnlyList<PlanCandidate> candidates, PlanBy by)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates.GroupBy(c => PlanUnits.UnitOf(c.Test, by), StringComparer.Ordinal)
            .Where(g => g.All(c => c.Reach == UnitReach.Restricted))
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The seed of the random order: --seed when given; else the commit under test (the CI's, else HEAD), so every
    /// matrix job of one commit plans the same order and the next commit another; else a fixed one, said so.
    /// </summary>
    /// <param name="ciCommit">The commit the CI says it builds, and the variable that said it.</param>
    /// <param name="head">The repository's HEAD, asked only when needed; null when there is none.</param>
    public static (ulong Seed, string Source) Seed(string? given, (string Sha, string Variable)? ciCommit, Func<string?> head)
    {
        if (given is not null)
        {
            return ulong.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
                ? (seed, "--seed")
                : throw new InputException($"--seed: expected a whole number from 0 to {ulong.MaxValue}, got '{given}'");
        }

        if (ciCommit is var (sha, variable))
        {
            return (SeededShuffle.SeedFromCommit(sha), $"commit {sha[..Math.Min(10, sha.Length)]} ({variable})");
        }

        ArgumentNullException.ThrowIfNull(head);
        return head() is { } commit
            ? (SeededShuffle.SeedFromCommit(commit), $"commit {commit[..10]} (HEAD)")
            : (0, "fixed: no commit to derive it from (pass --seed)");
    }
}

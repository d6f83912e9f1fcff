namespace Pipelines.Core.Selection.Impact;

/// <summary>How the map's commit stands to head, as git says.</summary>
/// <param name="InHistory">False when this clone lacks the commit (a shallow clone, or a map from elsewhere).</param>
/// <param name="IsAncestor">True when head descends from the map's commit.</param>
/// <param name="CommitsSince">How many commits head is ahead of it; null when not an ancestor.</param>
public sealed record MapStanding(bool InHistory, bool IsAncestor, int? CommitsSince);

/// <summary>What changed between the map's commit and head, beyond which paths: read only for the paths that need it.</summary>
public interface IImpactDiff
{
    /// <summary>The lines added or removed in <paramref name="path"/> since the map's commit (without the +/-); empty when none.</summary>
    IReadOnlyList<string> ChangedLines(string path);

    /// <summary>The file's text at head; null when it is gone or not text.</summary>
    string? HeadText(string path);

    /// <summary>The C#, F# and VB sources at head in which <paramref name="identifier"/> stands as a whole word, in path order.</summary>
    IReadOnlyList<string> SourcesNaming(string identifier);
}

/// <summary>What one test project runs under the impact map.</summary>
/// <param name="Whole">True when the project runs whole: the map cannot narrow it (see <paramref name="Reason"/>).</param>
/// <param name="Tests">Fully qualified names of the tests to run (empty when whole).</param>
/// <param name="Classes">Classes to run whole (fully qualified, or a bare name found in a changed test source).</param>
/// <param name="KnownTests">How many of the project's tests the map knows.</param>
public sealed record ImpactProjectSelection(
    string Project,
    bool Whole,
    string Reason,
    IReadOnlyList<string> Tests,
    IReadOnlyList<string> Classes,
    int KnownTests)
{
    /// <summary>True when nothing of the project needs to run.</summary>
    public bool Nothing => !Whole && Tests.Count == 0 && Classes.Count == 0;

    /// <summary>True when the selection runs the test of this project named <paramref name="test"/> (its filter matches it).</summary>
    public bool Runs(string test) => Whole || Tests.Contains(test, StringComparer.Ordinal) || Classes.Any(c => ClassCovers(c, test));

    /// <summary>True when <see cref="ImpactFilter.ClassTerm"/> of <paramref name="className"/> matches <paramref name="test"/>.</summary>
    public static bool ClassCovers(string className, string test) => test.Contains(className + ".", StringComparison.Ordinal);
}

/// <summary>What the impact map made of the project-level selection, with every decision explained.</summary>
/// <param name="Used">False when the map could not be trusted at all: every project runs whole (<paramref name="NotUsedReason"/>).</param>
/// <param name="ChangedSinceMap">How many files differ between the map's commit and head.</param>
/// <param name="FileReasons">For every file changed since the map's commit, what it did (path order).</param>
public sealed record ImpactSelection(
    bool Used,
    string? NotUsedReason,
    string MapCommit,
    int? MapAge,
    int ChangedSinceMap,
    IReadOnlyList<ImpactProjectSelection> Projects,
    IReadOnlyDictionary<string, string> FileReasons);

namespace Pipelines.Core.Selection;

/// <summary>Why one tag or test project was selected: the changed files behind it.</summary>
/// <param name="Files">The first <see cref="TestSelector.MaxReasonFiles"/> files, in path order.</param>
/// <param name="FileCount">How many changed files caused it in all.</param>
/// <param name="Rule">What connected the files to it: a glob, "always", "project graph", "whole build".</param>
public sealed record SelectionReason(IReadOnlyList<string> Files, int FileCount, string Rule);

/// <summary>A changed file nothing covers, and why not.</summary>
public sealed record UntaggedFile(string Path, string Why);

/// <summary>A changed file behind a run-all, and why it could not be narrowed down.</summary>
public sealed record RunAllCause(string Path, string Why);

/// <summary>What <see cref="TestSelector.Select"/> decided, with every decision explained.</summary>
public sealed record SelectionResult(
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Projects,
    string Filter,
    bool RunAll,
    string? RunAllReason,
    IReadOnlyList<UntaggedFile> Untagged,
    IReadOnlyList<string> Ignored,
    IReadOnlyDictionary<string, SelectionReason> TagReasons,
    IReadOnlyDictionary<string, SelectionReason> ProjectReasons,
    int ChangedFileCount,
    UntaggedPolicy UntaggedPolicy)
{
    /// <summary>For every changed path, what it did to the selection, in words (path order).</summary>
    public IReadOnlyDictionary<string, string> FileReasons { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The changed files that reach tests only because test sources name them (read at run time), with those sources:
    /// the impact map narrows such a file to the tests that ran the code naming it.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<NamingSource>> ReadAtRunTime { get; init; } =
        new Dictionary<string, IReadOnlyList<NamingSource>>();

    /// <summary>When <see cref="RunAll"/>: every file behind it and why each was unknown or build-wide.</summary>
    public IReadOnlyList<RunAllCause> RunAllCauses { get; init; } = [];

    /// <summary>True when the untagged policy is <c>fail</c> and something was untagged: the step exits 1.</summary>
    public bool Failed => UntaggedPolicy == UntaggedPolicy.Fail && Untagged.Count > 0;

    /// <summary>True when nothing needs testing: no tag, no project, no run-all.</summary>
    public bool NothingToRun => !RunAll && Tags.Count == 0 && Projects.Count == 0;
}

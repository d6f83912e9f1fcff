namespace Pipelines.Core.TestResults;

/// <summary>How one execution of a test ended.</summary>
public enum TestOutcome
{
    Passed,
    Failed,
    Skipped,

    /// <summary>Neither passed nor failed (inconclusive, not executed, aborted, timed out without a verdict).</summary>
    Other,
}

/// <summary>
/// One execution of one test, as a result file recorded it, in the same shape whatever the file format.
/// </summary>
/// <param name="Id">
/// The fully qualified test name: <c>Namespace.Class.Method</c> for .NET (data rows share their method's id),
/// <c>classname.name</c> for JUnit (the suite name when <c>classname</c> is empty).
/// </param>
/// <param name="ClassName">The id without its last segment for .NET; JUnit's <c>classname</c>, or the suite name.</param>
/// <param name="File">The source file or suite file a JUnit report names; null when the format has none.</param>
/// <param name="Seconds">How long it ran.</param>
/// <param name="Source">Where the test came from: a test assembly path (TRX <c>storage</c>) or a suite name.</param>
public sealed record TestCaseResult(
    string Id,
    string ClassName,
    string? File,
    double Seconds,
    TestOutcome Outcome,
    string? Message = null,
    string? StackTrace = null,
    string? Source = null,
    IReadOnlyList<string>? Categories = null);

/// <summary>The results of one test run (one result file), oldest runs first when several are given.</summary>
public sealed record TestRunResults(string Name, DateTimeOffset? Started, IReadOnlyList<TestCaseResult> Results);

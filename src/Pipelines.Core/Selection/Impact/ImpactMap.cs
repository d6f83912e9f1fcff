namespace Pipelines.Core.Selection.Impact;

/// <summary>How a test ended when the map was recorded; a failed test runs again whatever changed.</summary>
public enum ImpactOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>A file of the repository at the map's commit. Every path is repository-relative with '/' separators.</summary>
/// <param name="Hash">Its content hash: the git blob id (what <c>git ls-tree</c> prints), so HEAD's tree compares without history.</param>
/// <param name="Code">
/// True when an instrumented assembly's debug symbols name it: a test that ran code from it would have recorded it.
/// False for everything the recorder cannot see: project files, props, resources, data, and sources of assemblies no
/// recorded test project loads.
/// </param>
public sealed record ImpactFile(string Path, string Hash, bool Code);

/// <summary>One test as the recorder saw it.</summary>
/// <param name="Name">The fully qualified name <c>dotnet test --filter FullyQualifiedName=…</c> matches.</param>
/// <param name="ClassName">The fully qualified name of its class (nested classes joined with '+').</param>
/// <param name="Source">The file that defines the test, when the adapter or the symbols said; null when unknown.</param>
/// <param name="Files">Indices into <see cref="ImpactMap.Files"/>: every file it executed code from, in ascending order.</param>
public sealed record ImpactTest(string Name, string ClassName, string? Source, ImpactOutcome Outcome, IReadOnlyList<int> Files);

/// <summary>The tests of one test project, recorded.</summary>
/// <param name="Path">The test project file, e.g. <c>tests/Billing.Tests/Billing.Tests.csproj</c>.</param>
/// <param name="Granularity">Whether each test's files are its own, or those of its whole class.</param>
public sealed record ImpactProject(string Path, IReadOnlyList<ImpactTest> Tests, ImpactGranularity Granularity = ImpactGranularity.Test);

/// <summary>What a recorded test's files are the files of.</summary>
public enum ImpactGranularity
{
    /// <summary>The test's own: the framework reported each test in step with running it (MSTest, xUnit v2).</summary>
    Test,

    /// <summary>Its class's: the class ran alone and every test of it got all the files the run executed (NUnit).</summary>
    Class,
}

/// <summary>
/// Which repository files each test executed, at one commit: what <c>select-tests --impact-map</c> narrows test projects
/// with. Recorded by <c>pipelines record-impact</c>.
/// </summary>
/// <param name="Commit">The commit the files and hashes are of.</param>
/// <param name="Files">Every file tracked at <paramref name="Commit"/>, in path order, with its hash.</param>
public sealed record ImpactMap(string Commit, DateTimeOffset RecordedAt, IReadOnlyList<ImpactFile> Files, IReadOnlyList<ImpactProject> Projects)
{
    public const string CurrentFormat = "pipelines-impact-map/1";
}

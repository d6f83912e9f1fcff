using Pipelines.Core.Globbing;

namespace Pipelines.Core.Selection;

/// <summary>What to do with a changed file that no tag and no project covers (IMVU's "missing tag").</summary>
public enum UntaggedPolicy
{
    /// <summary>Play safe: run every test.</summary>
    RunAll,

    /// <summary>Report it and go on with what was selected.</summary>
    Warn,

    /// <summary>Report it and fail the step (exit 1) so the tag gets added.</summary>
    Fail,
}

/// <summary>What a change to a project that no test project depends on (a sample, a benchmark, a tool) does.</summary>
public enum UntestedProjectPolicy
{
    /// <summary>It is known: it selects the project's own tests if it has any, otherwise nothing.</summary>
    Known,

    /// <summary>It counts as untagged, and the <see cref="UntaggedPolicy"/> decides.</summary>
    Untagged,
}

/// <summary>How to find test projects beyond the configured tags.</summary>
public enum InferMode
{
    None,

    /// <summary>Map files to their MSBuild projects and follow <c>ProjectReference</c>s back to test projects.</summary>
    DotNet,
}

/// <summary>The test framework whose <c>dotnet test --filter</c> property names the filter uses.</summary>
public enum FilterSyntax
{
    MSTest,
    XUnit,
    NUnit,
}

/// <summary>A tag and the paths it covers.</summary>
public sealed record TagRule(string Name, GlobSet Paths);

/// <summary>The repository's test-selection policy: the <c>tests:</c> section of the config.</summary>
public sealed record SelectionPolicy(
    IReadOnlyList<TagRule> Tags,
    IReadOnlyList<string> Always,
    GlobSet Ignore,
    UntaggedPolicy Untagged,
    InferMode Infer,
    FilterSyntax FilterSyntax)
{
    /// <summary>
    /// The built-in housekeeping files: CI configuration (but composite actions, which steps run), repository
    /// metadata, licences and markdown. README "select-tests" lists them; <c>tests.housekeeping</c> replaces them.
    /// </summary>
    public static IReadOnlyList<string> DefaultHousekeepingPatterns { get; } =
    [
        ".github/**", "!.github/actions/**", ".gitattributes", ".gitignore", ".mailmap", "CODEOWNERS",
        "LICENSE", "LICENSE.*", "LICENCE", "LICENCE.*", "COPYING", "COPYING.*", "*.md",
    ];

    private static readonly GlobSet DefaultHousekeepingSet = GlobSet.Compile(DefaultHousekeepingPatterns);

    /// <summary>No tags, nothing ignored, infer from the .NET project graph, run everything when unsure.</summary>
    public static SelectionPolicy Default { get; } =
        new([], [], GlobSet.Empty, UntaggedPolicy.RunAll, InferMode.DotNet, FilterSyntax.MSTest);

    /// <summary>
    /// Files that need no tests unless a project uses them or a test's sources name them: consulted only for
    /// files that reach no test project otherwise. Defaults to <see cref="DefaultHousekeepingPatterns"/>.
    /// </summary>
    public GlobSet Housekeeping { get; init; } = DefaultHousekeepingSet;

    /// <summary>What a change to a project no test project depends on does.</summary>
    public UntestedProjectPolicy UntestedProjects { get; init; } = UntestedProjectPolicy.Known;
}

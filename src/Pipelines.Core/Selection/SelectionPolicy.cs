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
    /// <summary>No tags, nothing ignored, infer from the .NET project graph, run everything when unsure.</summary>
    public static SelectionPolicy Default { get; } =
        new([], [], GlobSet.Empty, UntaggedPolicy.RunAll, InferMode.DotNet, FilterSyntax.MSTest);
}

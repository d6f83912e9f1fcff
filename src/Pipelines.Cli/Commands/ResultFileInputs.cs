using Pipelines.Adapters.Files;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli.Hosting;
using Pipelines.Core.TestResults;

namespace Pipelines.Cli.Commands;

/// <summary>
/// Result files given as an input (TRX, JUnit or NUnit XML): files, folders or globs, one per line of each value, as an
/// action or task input holds them.
/// </summary>
public static class ResultFileInputs
{
    private static readonly string[] Extensions = [".trx", ".xml"];

    /// <summary>Each pattern, in the order given, with the runs of the result files it matches (none: the caller says what that means).</summary>
    public static IEnumerable<(string Pattern, IReadOnlyList<TestRunResults> Runs)> Read(CliContext context, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(values);
        foreach (var pattern in values.SelectMany(v => v.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var files = FileGlob.Expand(context.WorkingDirectory, pattern, Extensions);
            yield return (pattern, [.. files.Select(f => ResultFileReader.Read(f, Path.GetRelativePath(context.WorkingDirectory, f)))]);
        }
    }
}

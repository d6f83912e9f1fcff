using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Git;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;
using Pipelines.Core.Planning;
using Pipelines.Core.Selection;

namespace Pipelines.Cli.Commands.PlanTests;

/// <summary>What plan-tests reads: the timing history (and keeps it up to date), the tests in built assemblies, an explicit list, HEAD.</summary>
public static class PlanSources
{
    /// <summary>The timing cache with the history's result files added (and written back); a pattern that finds nothing is a warning.</summary>
    public static TimingHistory History(CliContext context, PlanTestsInputs inputs, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(warnings);
        var timingsPath = inputs.Timings is null ? null : context.ResolvePath(inputs.Timings);
        var history = timingsPath is null ? new TimingHistory() : TimingFile.Read(timingsPath);
        var runs = new List<Core.TestResults.TestRunResults>();
        foreach (var (pattern, found) in ResultFileInputs.Read(context, inputs.History))
        {
            if (found.Count == 0)
            {
                // The first run of a pipeline has no history yet: plan without it, and say so.
                warnings.Add($"--history {pattern}: no result files found; unknown tests get the default time");
            }

            runs.AddRange(found);
        }

        foreach (var run in runs.OrderBy(r => r.Started ?? DateTimeOffset.MinValue).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            history.Add(run);
        }

        if (timingsPath is not null)
        {
            TimingFile.Write(timingsPath, history);
        }

        return history;
    }

    /// <summary>Tests in built assemblies (given, or found in the repository): new tests have no history yet and must still be planned.</summary>
    public static IReadOnlyList<DiscoveredTest> Discover(PlanTestsInputs inputs, string repoPath)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        List<string> assemblies;
        if (inputs.Assemblies.Count > 0)
        {
            assemblies = TestAssemblies.Given(repoPath, inputs.Assemblies);
        }
        else
        {
            try
            {
                assemblies = TestAssemblies.Built(GitRepository.Open(repoPath));
            }
            catch (InputException)
            {
                return []; // not a repository: history alone
            }
        }

        return [.. assemblies.SelectMany(a => TestAssemblyReader.Read(a, Path.GetFileName(a)))];
    }

    /// <summary>The lines of --tests.</summary>
    public static IReadOnlyList<string> TestList(CliContext context, string testsFile)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.ResolvePath(testsFile);
        return File.Exists(path) ? File.ReadAllLines(path) : throw new InputException($"--tests: no such file: {testsFile}");
    }

    /// <summary>The repository's HEAD; null when it is not a repository.</summary>
    public static string? Head(string repoPath)
    {
        try
        {
            return GitRepository.Open(repoPath).ResolveCommit("HEAD", "--repo");
        }
        catch (InputException)
        {
            return null;
        }
    }
}

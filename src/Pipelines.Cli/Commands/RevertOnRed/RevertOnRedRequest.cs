using Pipelines.Adapters.Git;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;
using Pipelines.Core.Planning;
using Pipelines.Core.Revert;
using Pipelines.Core.TestResults;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Commands.RevertOnRed;

/// <summary>One <c>revert-on-red</c> run's inputs read and checked: where, the clone, the rules, the failing tests and the command that runs them.</summary>
/// <param name="TestCommand">The command that runs the failing tests in a checkout, {failed} and {filter} filled in.</param>
public sealed record RevertOnRedRequest(
    RevertLocation Where, GitRepository Repository, RevertSettings Settings, RevertPolicy Policy, int FlakeRetries, RevertMode Mode,
    IReadOnlyList<string> FailingTests, IReadOnlyList<string> TestCommand, string Branch)
{
    public const int DefaultFlakeRetries = 2;

    public static RevertOnRedRequest Read(CliContext context, RevertOnRedInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inputs);
        var where = RevertLocation.Resolve(context, inputs.Provider, inputs.Repo, inputs.Branch, inputs.Red);
        var repository = GitRepository.Open(context.ResolvePath(where.Checkout), where.Checkout == inputs.Repo ? "--repo" : "the checkout");
        var settings = RevertSection.Read(ConfigLoader.Load(context, repository.Root, inputs.Config));
        var retries = inputs.FlakeRetries ?? settings.FlakeRetries ?? DefaultFlakeRetries;
        if (retries is < 0 or > 10)
        {
            throw new InputException($"--flake-retries: expected 0 to 10, got {retries}");
        }

        var failing = ReadFailingTests(context, inputs.FailedTests);
        return new RevertOnRedRequest(
            where,
            repository,
            settings,
            inputs.MaxPerDay is { } max ? settings.Policy with { MaxPerDay = max } : settings.Policy,
            retries,
            inputs.Mode is { } modeText ? RevertSection.ModeValues[modeText] : settings.Mode ?? RevertMode.Push,
            failing,
            Command(inputs.TestCommand, failing),
            where.Branch ?? repository.CurrentBranch() ?? throw new InputException("--branch: HEAD is detached; name the branch that went red"));
    }

    private static IReadOnlyList<string> ReadFailingTests(CliContext context, string? given)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            return [];
        }

        var path = context.ResolvePath(given);
        if (File.Exists(path))
        {
            return [.. ResultFileReader.Read(path, given).Results.Where(r => r.Outcome == TestOutcome.Failed).Select(r => r.Id).Distinct(StringComparer.Ordinal)];
        }

        // A folder of result files: the red run's artifacts, as downloaded.
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".trx", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                throw new InputException($"--failed-tests: the folder '{given}' holds no .trx or .xml result files");
            }

            return [.. files.SelectMany(f => ResultFileReader.Read(f, Path.GetRelativePath(context.WorkingDirectory, f)).Results)
                .Where(r => r.Outcome == TestOutcome.Failed).Select(r => r.Id).Distinct(StringComparer.Ordinal)];
        }

        return [.. given.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static List<string> Command(string? text, IReadOnlyList<string> failing)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InputException("--test-command: required: the command that runs the failing tests in a checkout (exit 0 = pass)");
        }

        var filter = string.Join('|', ShardFilters.ForTests(failing, int.MaxValue));
        var arguments = ArgumentSplitter.Split(text, "--test-command")
            .Select(a => a.Replace("{failed}", string.Join(',', failing), StringComparison.Ordinal).Replace("{filter}", filter, StringComparison.Ordinal))
            .ToList();
        if ((text.Contains("{failed}", StringComparison.Ordinal) || text.Contains("{filter}", StringComparison.Ordinal)) && failing.Count == 0)
        {
            throw new InputException("--failed-tests: the test command uses {failed} or {filter}, so the failing tests are needed (ids, or a result file)");
        }

        return arguments;
    }
}

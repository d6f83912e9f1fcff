using Pipelines.Adapters.Git;
using Pipelines.Cli.Hosting;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Planning;
using Pipelines.Core.Revert;
using Pipelines.Core.TestResults;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Commands.RevertOnRed;

/// <summary>What one run concluded, with the evidence.</summary>
public sealed record RevertDecision(
    RevertVerdict Verdict,
    string Reason,
    CommitInfo? Culprit,
    RevertAttempt? Attempt,
    IReadOnlyList<ProbeResult> Probes,
    string Branch,
    string Red,
    string Green,
    IReadOnlyList<string> FailingTests,
    bool DryRun);

/// <summary>Deflake, bisect, confirm, check the rules, revert, tell the author, log the decision.</summary>
public static class RevertOnRedHandler
{
    public const int DefaultFlakeRetries = 2;

    public static CommandResult Run(CommandSession session, RevertOnRedInputs inputs, CancellationToken cancellation) =>
        RunAsync(session, inputs, cancellation).GetAwaiter().GetResult();

    private static async Task<CommandResult> RunAsync(CommandSession session, RevertOnRedInputs inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var where = RevertLocation.Resolve(context, inputs.Provider, inputs.Repo, inputs.Branch, inputs.Red);
        var repository = GitRepository.Open(context.ResolvePath(where.Checkout), where.Checkout == inputs.Repo ? "--repo" : "the checkout");
        var config = ConfigLoader.Load(context, repository.Root, inputs.Config);
        var settings = RevertSection.Read(config);
        var policy = inputs.MaxPerDay is { } max ? settings.Policy with { MaxPerDay = max } : settings.Policy;
        var retries = inputs.FlakeRetries ?? settings.FlakeRetries ?? DefaultFlakeRetries;
        if (retries is < 0 or > 10)
        {
            throw new InputException($"--flake-retries: expected 0 to 10, got {retries}");
        }

        var mode = inputs.Mode is { } modeText ? RevertSection.ModeValues[modeText] : settings.Mode ?? RevertMode.Push;
        var failing = FailingTests(context, inputs.FailedTests);
        var command = TestCommand(inputs.TestCommand, failing);
        var branch = where.Branch ?? CurrentBranch(repository);
        var work = Directory.CreateTempSubdirectory("pipelines-revert-").FullName;
        try
        {
            var (target, greenFromHistory) = RevertTargets.Create(session, where, repository, branch, work, settings, Connections.Http);
            var head = await target.BranchHeadAsync(cancellation).ConfigureAwait(false);
            var red = repository.ResolveCommit(where.Red ?? head, "--red");
            var greenText = inputs.Green ?? (greenFromHistory is null ? null : await greenFromHistory(red, cancellation).ConfigureAwait(false))
                ?? throw new InputException(where.Provider == "git"
                    ? "--green: the last commit whose build passed is required with the git provider"
                    : "--green: the last commit whose build passed was not given and could not be found from the CI's run history");
            var green = repository.ResolveCommit(greenText, "--green");
            var commits = await target.CommitsBetweenAsync(green, red, cancellation).ConfigureAwait(false);
            if (commits.Count == 0)
            {
                throw new InputException($"--green: {green[..10]} is not an ancestor of --red {red[..10]} on the first-parent line, so there is no range to search");
            }

            using var worktree = ProbeWorktree.Create(repository, work, red);
            bool[] Probe(ProbeRequest request)
            {
                session.Host.BeginGroup($"probe {request.Sha[..10]}: {request.Purpose}");
                worktree.Checkout(request.Sha);
                var attempts = new List<bool>();
                for (var attempt = 0; attempt <= retries; attempt++)
                {
                    var passed = worktree.RunAsync(command, context.Environment, cancellation).GetAwaiter().GetResult();
                    session.Log.WriteLine($"  attempt {attempt + 1}: {(passed ? "pass" : "fail")}");
                    attempts.Add(passed);
                    if (passed)
                    {
                        break;
                    }
                }

                session.Host.EndGroup();
                return [.. attempts];
            }

            var search = new CulpritSearch(green, [.. commits.Select(c => c.Sha)]);
            while (search.Next is { } next)
            {
                search.Record(new ProbeResult(next.Sha, next.Purpose, Probe(next)));
            }

            var outcome = search.Outcome!;
            var probes = search.Probes.ToList();
            var culprit = outcome.Culprit is { } sha ? commits.Single(c => c.Sha == sha) : null;
            var buildLink = inputs.BuildLink ?? context.Ci.BuildLink;
            var (verdict, reason, attempt) = culprit is null
                ? (outcome.Verdict, outcome.Reason, null)
                : await DecideAsync(target, culprit, outcome.Reason, policy, context.Time.GetUtcNow(), mode, inputs.DryRun, failing, buildLink,
                    branchGreenAgain: head == red ? null : () =>
                    {
                        var request = new ProbeRequest(head, "is the branch green again: the failing tests at its head");
                        var result = new ProbeResult(head, request.Purpose, Probe(request));
                        probes.Add(result);
                        return result.Passed;
                    }, cancellation).ConfigureAwait(false);
            var decision = new RevertDecision(verdict, reason, culprit, attempt, probes, branch, red, green, failing, inputs.DryRun);

            if (!inputs.DryRun)
            {
                if (culprit is not null)
                {
                    await target.NotifyAsync(RevertOnRedReport.Notice(decision, buildLink, settings.PostMortem, context.Time.GetUtcNow()), cancellation).ConfigureAwait(false);
                }

                if ((inputs.DecisionLog ?? settings.DecisionLog) is { } log)
                {
                    DecisionLog.Append(context.ResolvePath(log), decision, context.Time.GetUtcNow());
                }
            }

            return RevertOnRedReport.Build(decision);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not worth failing the verdict for.
            }
        }
    }

    private static async Task<(RevertVerdict Verdict, string Reason, RevertAttempt? Attempt)> DecideAsync(
        IRevertTarget target, CommitInfo culprit, string reason, RevertPolicy policy, DateTimeOffset now, RevertMode mode, bool dryRun,
        IReadOnlyList<string> failing, string? buildLink, Func<bool>? branchGreenAgain, CancellationToken cancellation)
    {
        var facts = new CulpritFacts(culprit.Sha, culprit.Subject, culprit.Message, culprit.ChangedFiles,
            await target.FindExistingRevertAsync(culprit.Sha, cancellation).ConfigureAwait(false),
            await target.AutomaticRevertsSinceAsync(now.AddDays(-1), cancellation).ConfigureAwait(false), BranchGreenAgain: false);
        var refusal = RevertGuard.Check(facts, policy);

        // Only when everything else says go is the branch head probed: it costs a test run.
        if (refusal is null && branchGreenAgain is not null && branchGreenAgain())
        {
            refusal = RevertGuard.Check(facts with { BranchGreenAgain = true }, policy);
        }

        if (refusal is { } declined)
        {
            return (declined.Verdict, declined.Reason, null);
        }

        if (dryRun)
        {
            return (RevertVerdict.Reverted, reason + " (dry run: nothing was changed)", null);
        }

        var attempt = await target.RevertAsync(culprit, RevertMessage.Build(culprit.Subject, culprit.Sha, failing, buildLink, reason), mode, cancellation).ConfigureAwait(false);
        return attempt.Conflict is not null
            ? (RevertVerdict.Conflict, "the revert does not apply cleanly; revert it by hand", attempt)
            : (RevertVerdict.Reverted, reason, attempt);
    }

    private static IReadOnlyList<string> FailingTests(Hosting.CliContext context, string? given)
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

    private static List<string> TestCommand(string? text, IReadOnlyList<string> failing)
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

    private static string CurrentBranch(GitRepository repository)
    {
        var current = repository.CurrentBranch();
        return current ?? throw new InputException("--branch: HEAD is detached; name the branch that went red");
    }
}

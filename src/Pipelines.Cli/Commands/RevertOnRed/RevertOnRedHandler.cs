using Pipelines.Adapters.Formats;
using Pipelines.Adapters.Git;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Revert;

namespace Pipelines.Cli.Commands.RevertOnRed;

/// <summary>Reads the run's inputs, resolves the range, probes in a worktree while the core finds the culprit and decides, tells the author, logs.</summary>
public static class RevertOnRedHandler
{
    public static CommandResult Run(CommandSession session, RevertOnRedInputs inputs, CancellationToken cancellation) =>
        RunAsync(session, inputs, cancellation).GetAwaiter().GetResult();

    private static async Task<CommandResult> RunAsync(CommandSession session, RevertOnRedInputs inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var request = RevertOnRedRequest.Read(context, inputs);
        var (where, repository) = (request.Where, request.Repository);
        var work = Directory.CreateTempSubdirectory("pipelines-revert-").FullName;
        try
        {
            var (target, greenFromHistory) = RevertTargets.Create(session, where, repository, request.Branch, work, request.Settings);
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
            var buildLink = inputs.BuildLink ?? context.Ci.BuildLink;
            var decision = await RevertRun.DecideAsync(target,
                new RevertRequest(request.Branch, green, red, head, commits, request.FailingTests, request.Policy, request.Mode, inputs.DryRun, buildLink),
                probe => Probe(session, worktree, request, probe, cancellation), context.Time.GetUtcNow(), cancellation).ConfigureAwait(false);
            if (!inputs.DryRun)
            {
                if (decision.Culprit is not null)
                {
                    await target.NotifyAsync(RevertOnRedReport.Notice(decision, buildLink, request.Settings.PostMortem, context.Time.GetUtcNow()), cancellation).ConfigureAwait(false);
                }

                if ((inputs.DecisionLog ?? request.Settings.DecisionLog) is { } log)
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

    /// <summary>The failing tests at one commit, in the worktree, with the retries that tell a flake, in a log group of its own.</summary>
    private static IReadOnlyList<bool> Probe(CommandSession session, ProbeWorktree worktree, RevertOnRedRequest request, ProbeRequest probe, CancellationToken cancellation)
    {
        session.Host.BeginGroup($"probe {probe.Sha[..10]}: {probe.Purpose}");
        worktree.Checkout(probe.Sha);
        var attempts = RevertRun.Attempts(request.FlakeRetries, attempt =>
        {
            var passed = worktree.RunAsync(request.TestCommand, session.Context.Environment, cancellation).GetAwaiter().GetResult();
            session.Log.WriteLine($"  attempt {attempt + 1}: {(passed ? "pass" : "fail")}");
            return passed;
        });
        session.Host.EndGroup();
        return attempts;
    }
}

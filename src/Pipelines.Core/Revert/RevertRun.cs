namespace Pipelines.Core.Revert;

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

/// <summary>One run's range and rules, resolved.</summary>
/// <param name="Head">The branch's head now: when it moved on past <paramref name="Red"/>, whether it is green again is asked before reverting.</param>
/// <param name="Commits">(green, red], oldest first.</param>
public sealed record RevertRequest(
    string Branch, string Green, string Red, string Head, IReadOnlyList<CommitInfo> Commits, IReadOnlyList<string> FailingTests,
    RevertPolicy Policy, RevertMode Mode, bool DryRun, string? BuildLink);

/// <summary>
/// revert-on-red's decisions: find the culprit by probing (deflake, bisect, confirm), check the rules, revert — or
/// say why not. Probing is the caller's (a checkout and a test run); everything else goes through the target.
/// </summary>
public static class RevertRun
{
    /// <summary>Runs the failing tests at a commit up to 1 + <paramref name="retries"/> times, stopping at the first pass (flaky tests pass sometimes).</summary>
    /// <param name="attempt">Runs the tests once (the attempt's number from 0); true when they pass.</param>
    public static IReadOnlyList<bool> Attempts(int retries, Func<int, bool> attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var results = new List<bool>();
        for (var i = 0; i <= retries; i++)
        {
            results.Add(attempt(i));
            if (results[^1])
            {
                break;
            }
        }

        return results;
    }

    /// <param name="probe">Runs the failing tests at a commit (with its retries) and says how each attempt went.</param>
    public static async Task<RevertDecision> DecideAsync(IRevertTarget target, RevertRequest request, Func<ProbeRequest, IReadOnlyList<bool>> probe, DateTimeOffset now, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(probe);
        var search = new CulpritSearch(request.Green, [.. request.Commits.Select(c => c.Sha)]);
        while (search.Next is { } next)
        {
            search.Record(new ProbeResult(next.Sha, next.Purpose, probe(next)));
        }

        var outcome = search.Outcome!;
        var probes = search.Probes.ToList();
        var culprit = outcome.Culprit is { } sha ? request.Commits.Single(c => c.Sha == sha) : null;
        Func<bool>? branchGreenAgain = request.Head == request.Red ? null : () =>
        {
            var asked = new ProbeRequest(request.Head, "is the branch green again: the failing tests at its head");
            var result = new ProbeResult(request.Head, asked.Purpose, probe(asked));
            probes.Add(result);
            return result.Passed;
        };
        var (verdict, reason, attempt) = culprit is null
            ? (outcome.Verdict, outcome.Reason, null)
            : await RevertAsync(target, request, culprit, outcome.Reason, now, branchGreenAgain, cancellation).ConfigureAwait(false);
        return new RevertDecision(verdict, reason, culprit, attempt, probes, request.Branch, request.Red, request.Green, request.FailingTests, request.DryRun);
    }

    private static async Task<(RevertVerdict Verdict, string Reason, RevertAttempt? Attempt)> RevertAsync(
        IRevertTarget target, RevertRequest request, CommitInfo culprit, string reason, DateTimeOffset now, Func<bool>? branchGreenAgain, CancellationToken cancellation)
    {
        var facts = new CulpritFacts(culprit.Sha, culprit.Subject, culprit.Message, culprit.ChangedFiles,
            await target.FindExistingRevertAsync(culprit.Sha, cancellation).ConfigureAwait(false),
            await target.AutomaticRevertsSinceAsync(now.AddDays(-1), cancellation).ConfigureAwait(false), BranchGreenAgain: false);
        var refusal = RevertGuard.Check(facts, request.Policy);

        // Only when everything else says go is the branch head probed: it costs a test run.
        if (refusal is null && branchGreenAgain is not null && branchGreenAgain())
        {
            refusal = RevertGuard.Check(facts with { BranchGreenAgain = true }, request.Policy);
        }

        if (refusal is { } declined)
        {
            return (declined.Verdict, declined.Reason, null);
        }

        if (request.DryRun)
        {
            return (RevertVerdict.Reverted, reason + " (dry run: nothing was changed)", null);
        }

        var attempt = await target.RevertAsync(culprit, RevertMessage.Build(culprit.Subject, culprit.Sha, request.FailingTests, request.BuildLink, reason), request.Mode, cancellation)
            .ConfigureAwait(false);
        return attempt.Conflict is not null
            ? (RevertVerdict.Conflict, "the revert does not apply cleanly; revert it by hand", attempt)
            : (RevertVerdict.Reverted, reason, attempt);
    }
}

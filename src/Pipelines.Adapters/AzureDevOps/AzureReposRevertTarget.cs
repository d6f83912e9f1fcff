using Pipelines.Adapters.Git;
using Pipelines.Core.Errors;
using Pipelines.Core.Revert;

namespace Pipelines.Adapters.AzureDevOps;

/// <summary>How the Azure Repos target reverts and waits.</summary>
/// <param name="AutoComplete">For pull-request mode: set auto-complete (squash, with our message, so the trailer lands).</param>
public sealed record AzureReposRevertOptions(string Branch, string Remote = "origin", bool AutoComplete = false, TimeSpan? PollInterval = null, TimeSpan? Deadline = null);

/// <summary>
/// revert-on-red on Azure Repos. Probes run in the local clone; the revert itself is made by the Git Reverts API on a
/// generated branch named for the culprit (so a second run finds it), polled to completed, failed or conflict, then
/// either fast-forwarded onto the branch (compare-and-swap on the ref) or opened as a pull request. The author is
/// told with a commit status on the culprit and a thread on the revert's pull request.
/// </summary>
public sealed class AzureReposRevertTarget(AzureReposClient client, GitRepository clone, AzureReposRevertOptions options, TimeProvider? time = null) : IRevertTarget
{
    public const string StatusGenre = "pipelines";
    public const string StatusName = "revert-on-red";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Name => "Azure Repos";

    public async Task<string> BranchHeadAsync(CancellationToken cancellation)
    {
        var head = await client.GetRefAsync("refs/heads/" + options.Branch, cancellation).ConfigureAwait(false)
            ?? throw new InputException($"--branch: {options.Branch} does not exist in {client.RepositoryName}");
        CommitHistory.EnsurePresent(clone, options.Remote, options.Branch, head.ObjectId);
        return head.ObjectId;
    }

    public Task<IReadOnlyList<CommitInfo>> CommitsBetweenAsync(string green, string red, CancellationToken cancellation)
    {
        CommitHistory.EnsurePresent(clone, options.Remote, options.Branch, green, red);
        return Task.FromResult(CommitHistory.Between(clone, green, red));
    }

    public async Task<string?> FindExistingRevertAsync(string culprit, CancellationToken cancellation)
    {
        var head = await BranchHeadAsync(cancellation).ConfigureAwait(false);
        if (CommitHistory.FindRevert(clone, culprit, head) is { } local)
        {
            return local;
        }

        var generated = Generated(culprit);
        var pulls = await client.PullRequestsFromAsync(generated, cancellation).ConfigureAwait(false);
        if (pulls.Count > 0)
        {
            return $"pull request {pulls[0].PullRequestId} ({pulls[0].Status})";
        }

        // A revert the service completed is a revert, pushed or waiting on its branch; a failed one is not.
        return await client.FindRevertAsync(generated, cancellation).ConfigureAwait(false) is { Status: "completed" } done
            ? $"revert {done.RevertId} on {generated}"
            : null;
    }

    public async Task<int> AutomaticRevertsSinceAsync(DateTimeOffset since, CancellationToken cancellation)
    {
        // Every automatic revert leaves its generated branch: that branch is the record the cap counts.
        var count = 0;
        foreach (var generated in await client.ListRefsAsync("heads/" + LocalRevert.ReviewBranchPrefix, cancellation).ConfigureAwait(false))
        {
            if (await client.GetCommitAsync(generated.ObjectId, cancellation).ConfigureAwait(false) is { Committer: { } committer } && committer.Date >= since)
            {
                count++;
            }
        }

        return count;
    }

    public async Task<RevertAttempt> RevertAsync(CommitInfo culprit, string message, RevertMode mode, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(culprit);
        if (mode == RevertMode.CommentOnly)
        {
            return new RevertAttempt(null, null, null);
        }

        var head = await BranchHeadAsync(cancellation).ConfigureAwait(false);
        var generated = Generated(culprit.Sha);
        var revert = await client.CreateRevertAsync(new NewRevert(new RevertSource([new CommitRef(culprit.Sha)]), "refs/heads/" + options.Branch, generated), cancellation)
            .ConfigureAwait(false);
        revert = await WaitAsync(revert, cancellation).ConfigureAwait(false);
        if (revert.Status != "completed")
        {
            if (revert.DetailedStatus?.Conflict == true || revert.Status == "failed" && revert.DetailedStatus?.FailureMessage is null)
            {
                return new RevertAttempt(null, null,
                    $"git switch {options.Branch} && git pull && git revert {(culprit.Parents.Count > 1 ? "-m 1 " : string.Empty)}{culprit.Sha}   # resolve the conflicts, then: git revert --continue && git push");
            }

            throw new OutsideSystemException(AzureReposClient.SystemName, $"revert {revert.RevertId} ended {revert.Status}: {revert.DetailedStatus?.FailureMessage ?? "no reason given"}");
        }

        var revertSha = (await client.GetRefAsync(generated, cancellation).ConfigureAwait(false))?.ObjectId
            ?? throw new OutsideSystemException(AzureReposClient.SystemName, $"revert {revert.RevertId} completed but {generated} is missing");
        if (mode == RevertMode.Push)
        {
            if (!await client.UpdateRefAsync(new GitRefUpdate("refs/heads/" + options.Branch, head, revertSha), cancellation).ConfigureAwait(false))
            {
                throw new OutsideSystemException(AzureReposClient.SystemName,
                    $"{options.Branch} moved while the revert was made; it is left on {generated} — run again to revert onto the new head");
            }

            return new RevertAttempt(revertSha, null, null);
        }

        const int DescriptionLimit = 4000;
        var pull = await client.CreatePullRequestAsync(new NewAzurePullRequest(generated, "refs/heads/" + options.Branch, message.Split('\n')[0],
            message.Length > DescriptionLimit ? message[..(DescriptionLimit - 1)] + "…" : message), cancellation).ConfigureAwait(false);
        if (options.AutoComplete && pull.CreatedBy is { } creator)
        {
            await client.SetAutoCompleteAsync(pull.PullRequestId, new AutoCompleteUpdate(new IdentityRef(creator.Id), new CompletionOptions(false, message, true)), cancellation)
                .ConfigureAwait(false);
        }

        return new RevertAttempt(revertSha, client.PullRequestPage(pull.PullRequestId), null);
    }

    public async Task NotifyAsync(RevertNotice notice, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var description = notice.Headline.Length > 255 ? notice.Headline[..254] + "…" : notice.Headline;
        await client.CreateCommitStatusAsync(notice.Culprit.Sha, new AzureStatus("failed", new StatusContext(StatusName, StatusGenre), description, notice.BuildLink), cancellation)
            .ConfigureAwait(false);
        var pulls = await client.PullRequestsFromAsync(Generated(notice.Culprit.Sha), cancellation).ConfigureAwait(false);
        if (pulls.Count > 0)
        {
            var postMortem = notice.PostMortem is { } report ? $"\n## {report.Title}\n\n{report.Body}" : string.Empty;
            await client.CommentOnPullRequestAsync(pulls[0].PullRequestId, notice.Text + postMortem + "\n<!-- " + notice.Key + " -->\n", notice.Key, cancellation).ConfigureAwait(false);
        }
    }

    private static string Generated(string culprit) => "refs/heads/" + LocalRevert.ReviewBranch(culprit);

    /// <summary>Polls the revert until it is done; the service does it in the background.</summary>
    private async Task<AzureRevert> WaitAsync(AzureRevert revert, CancellationToken cancellation)
    {
        var deadline = _time.GetUtcNow() + (options.Deadline ?? TimeSpan.FromMinutes(5));
        var wait = TimeSpan.FromMilliseconds(250);
        while (revert.Status is "queued" or "inProgress")
        {
            if (_time.GetUtcNow() > deadline)
            {
                throw new OutsideSystemException(AzureReposClient.SystemName, $"revert {revert.RevertId} is still {revert.Status} after {options.Deadline ?? TimeSpan.FromMinutes(5)}; run again to pick it up");
            }

            // Small reverts finish in well under a second: look soon, then back off to the poll interval.
            await Task.Delay(wait, _time, cancellation).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, (options.PollInterval ?? TimeSpan.FromSeconds(2)).Ticks));
            revert = await client.GetRevertAsync(revert.RevertId, cancellation).ConfigureAwait(false);
        }

        return revert;
    }
}

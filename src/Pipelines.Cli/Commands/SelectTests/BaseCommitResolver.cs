using Pipelines.Adapters.Git;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.SelectTests;

/// <summary>The base commit and, for the report, how it was chosen.</summary>
public sealed record BaseCommit(string Sha, string Reason);

/// <summary>
/// Chooses what to compare the head with when <c>--base</c> is not given, the way each CI event means it:
/// a pull request against its target branch; a push against what the branch was before; otherwise the merge base
/// with the default branch — except on the default branch itself, where that merge base is the head and the diff
/// would be empty, so the previous commit is used.
/// </summary>
public static class BaseCommitResolver
{
    public static BaseCommit Resolve(GitRepository repository, CliContext context, string? baseOption, string head)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(context);
        if (baseOption is not null)
        {
            return new BaseCommit(repository.ResolveCommit(baseOption, "--base"), $"--base {baseOption}");
        }

        var target = context.Ci.PullRequestTarget;
        if (target is not null)
        {
            foreach (var candidate in new[] { "origin/" + target, target })
            {
                if (TryResolve(repository, candidate) is { } targetSha)
                {
                    var mergeBase = repository.MergeBase(targetSha, head)
                        ?? throw new Core.Errors.InputException(
                            $"--base: the pull request's target '{candidate}' shares no history with the head; fetch more history (fetch-depth: 0) or give --base");
                    return new BaseCommit(mergeBase, $"merge base with the pull request's target {candidate}");
                }
            }

            throw new Core.Errors.InputException(
                $"--base: the pull request's target branch '{target}' is not in this clone; fetch it (actions/checkout with 'fetch-depth: 0') or give --base");
        }

        var defaultBranch = repository.DefaultBranch();
        if (defaultBranch is not null && TryResolve(repository, defaultBranch) is { } defaultSha)
        {
            var mergeBase = repository.MergeBase(defaultSha, head);
            if (mergeBase is not null && mergeBase != head)
            {
                return new BaseCommit(mergeBase, $"merge base with the default branch {defaultBranch}");
            }
        }

        if (context.Ci.PushedBefore is { } before && TryResolve(repository, before) is { } beforeSha && beforeSha != head)
        {
            return new BaseCommit(beforeSha, "the branch's commit before this push");
        }

        var parent = repository.FirstParent(head);
        if (parent is not null)
        {
            return new BaseCommit(parent, "the head's parent commit (the head is on the default branch)");
        }

        if (repository.IsShallow)
        {
            throw new Core.Errors.InputException(
                "--base: this is a shallow clone with one commit, so there is nothing to compare with; fetch history (fetch-depth: 0) or give --base");
        }

        return new BaseCommit(GitRepository.EmptyTree, "the empty tree (the head is the first commit)");
    }

    private static string? TryResolve(GitRepository repository, string revision)
    {
        try
        {
            return repository.ResolveCommit(revision, "--base");
        }
        catch (Core.Errors.InputException)
        {
            return null;
        }
    }
}

using Pipelines.Adapters.AzureDevOps;
using Pipelines.Adapters.GitHub;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;

namespace Pipelines.Cli.Composition;

/// <summary>
/// A verdict as a status the branch rules can require: on GitHub with a token, a commit status on the run's commit;
/// on Azure Pipelines with System.AccessToken, a pull request status when the run is for a pull request, else a commit
/// status. Elsewhere, or without a token, nothing.
/// </summary>
public static class CommitStatuses
{
    /// <param name="context">The status's name: "pipelines/metrics-gate" (genre/name on Azure DevOps).</param>
    public static Task PostAsync(CommandSession session, bool passed, string description, string context, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Context.Ci switch
        {
            AzurePipelines azure => PostAzureAsync(session, azure, passed, description, context, cancellation),
            GitHubActions github => PostGitHubAsync(session, github, passed, description, context, cancellation),
            _ => Task.CompletedTask,
        };
    }

    private static async Task PostAzureAsync(CommandSession session, AzurePipelines ci, bool passed, string description, string context, CancellationToken cancellation)
    {
        if (ci.Token is not { } token || ci.AzureDevOps is not { Collection: { } collection, Project: { } project, Repository: { } repository })
        {
            return;
        }

        session.AddSecret(token);
        var client = new AzureReposClient(Connections.Http, new Uri(collection.TrimEnd('/') + "/"), project, repository, token);
        var slash = context.LastIndexOf('/');
        var status = new AzureStatus(
            passed ? "succeeded" : "failed",
            new StatusContext(slash < 0 ? context : context[(slash + 1)..], slash < 0 ? "pipelines" : context[..slash]),
            description,
            ci.BuildLink);
        if (ci.PullRequestId is { } pullRequest)
        {
            await client.CreatePullRequestStatusAsync(pullRequest, status, cancellation).ConfigureAwait(false);
        }
        else if (ci.Commit is { } sha)
        {
            await client.CreateCommitStatusAsync(sha, status, cancellation).ConfigureAwait(false);
        }
    }

    private static async Task PostGitHubAsync(CommandSession session, GitHubActions ci, bool passed, string description, string context, CancellationToken cancellation)
    {
        if (ci.Token is not { } token || ci.GitHub.Repository is not { } repository || ci.Commit is not { } sha)
        {
            return;
        }

        session.AddSecret(token);
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        var client = new GitHubClient(Connections.Http, ci.GitHub.ApiRoot, token);
        await client.CreateStatusAsync(repository[..slash], repository[(slash + 1)..], sha,
            new NewStatus(passed ? "success" : "failure", ci.BuildLink, description, context), cancellation).ConfigureAwait(false);
    }
}

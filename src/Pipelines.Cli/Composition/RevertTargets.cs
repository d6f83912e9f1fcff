using Pipelines.Adapters.AzureDevOps;
using Pipelines.Adapters.Git;
using Pipelines.Adapters.GitHub;
using Pipelines.Cli.Commands.RevertOnRed;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Revert;

namespace Pipelines.Cli.Composition;

/// <summary>Finds the last green commit from the CI's run history; null when the history does not say.</summary>
public delegate Task<string?> GreenFinder(string red, CancellationToken cancellation);

/// <summary>Wires the provider's adapter: the place every provider-specific choice of revert-on-red is made.</summary>
public static class RevertTargets
{
    public static readonly IReadOnlyList<string> Providers = ["git", "github", "azure-devops"];

    public static (IRevertTarget Target, GreenFinder? Green) Create(
        CommandSession session, RevertLocation where, GitRepository clone, string branch, string work, RevertSettings settings)
    {
        var http = Connections.Http;
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(where);
        var context = session.Context;
        var ci = context.Ci;
        switch (where.Provider)
        {
            case "github":
                var token = ci.GitHub.Token
                    ?? throw new InputException("GITHUB_TOKEN: the github provider needs a token with contents, pull-requests and statuses write permission (the action passes its 'token' input)");
                session.AddSecret(token);
                var client = new GitHubClient(http, ci.GitHub.ApiRoot, token);
                var slash = where.Slug!.IndexOf('/', StringComparison.Ordinal);
                var repository = new GitHubRepository(where.Slug[..slash], where.Slug[(slash + 1)..], branch, AutoMergeMethod: settings.AutoMerge);
                GreenFinder? green = where.WorkflowId is { } workflow
                    ? async (red, cancellation) =>
                    {
                        var runs = await client.SuccessfulRunsAsync(repository.Owner, repository.Name, workflow, branch, cancellation).ConfigureAwait(false);
                        return runs.Select(r => r.HeadSha).FirstOrDefault(sha => sha != red && clone.IsAncestor(sha, red));
                    }
                    : null;
                return (new GitHubRevertTarget(client, repository, clone, work), green);
            case "azure-devops":
                var accessToken = ci.AzureDevOps.Token
                    ?? throw new InputException("SYSTEM_ACCESSTOKEN: the azure-devops provider needs the job's token (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken))");
                session.AddSecret(accessToken);
                var collection = ci.AzureDevOps.CollectionUri;
                var project = ci.AzureDevOps.Project
                    ?? throw new InputException("SYSTEM_TEAMPROJECT: the azure-devops provider needs the project (Azure Pipelines sets it)");
                var repos = new AzureReposClient(http, collection, project, where.Slug!, accessToken);
                GreenFinder? lastGreen = ci.AzureDevOps.DefinitionId is { } definition
                    ? async (red, cancellation) =>
                    {
                        var built = await repos.SucceededBuildCommitsAsync(definition, branch, cancellation).ConfigureAwait(false);
                        return built.FirstOrDefault(sha => sha != red && clone.IsAncestor(sha, red));
                    }
                    : null;
                return (new AzureReposRevertTarget(repos, clone, new AzureReposRevertOptions(branch, AutoComplete: settings.AutoMerge is not null), context.Time), lastGreen);
            default:
                return (new GitRevertTarget(clone, branch, work), null);
        }
    }
}

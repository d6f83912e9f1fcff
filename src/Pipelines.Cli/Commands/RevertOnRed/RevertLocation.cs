using System.Text.RegularExpressions;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;

namespace Pipelines.Cli.Commands.RevertOnRed;

/// <summary>
/// Which branch, where: the local clone the probes run in, the hosted repository that holds the branch, and the
/// defaults the CI gives (the <c>workflow_run</c> event that fired on a red trunk, or the build's variables).
/// </summary>
/// <param name="Checkout">The local clone.</param>
/// <param name="Slug">owner/name on GitHub, or the repository's name on Azure Repos.</param>
/// <param name="WorkflowId">The workflow whose last green run bounds the search, from a workflow_run event.</param>
public sealed record RevertLocation(string Provider, string Checkout, string? Slug, string? Branch, string? Red, long? WorkflowId)
{
    public static RevertLocation Resolve(CliContext context, string provider, string repo, string? branch, string? red)
    {
        ArgumentNullException.ThrowIfNull(context);
        var isFolder = Directory.Exists(context.ResolvePath(repo));
        var checkout = isFolder || provider == "git" ? repo : ".";
        var slug = isFolder || provider == "git" ? null : repo;
        var ci = context.Ci;
        switch (provider)
        {
            case "github":
                var run = ci.EventPayload?.WorkflowRun;
                slug ??= ci.GitHub.Repository;
                if (slug is null || !Regex.IsMatch(slug, "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"))
                {
                    throw new InputException($"--repo: expected the GitHub repository as owner/name (or GITHUB_REPOSITORY set), got '{slug ?? repo}'");
                }

                return new RevertLocation(provider, checkout, slug, branch ?? run?.HeadBranch ?? ci.Branch, red ?? run?.HeadSha ?? ci.Commit, run?.WorkflowId);
            case "azure-devops":
                slug ??= ci.AzureDevOps.Repository
                    ?? throw new InputException("--repo: expected the Azure Repos repository's name (or BUILD_REPOSITORY_NAME set)");
                return new RevertLocation(provider, checkout, slug, branch ?? ci.Branch, red ?? ci.Commit, null);
            default:
                return new RevertLocation(provider, checkout, null, branch, red ?? ci.Commit, null);
        }
    }
}

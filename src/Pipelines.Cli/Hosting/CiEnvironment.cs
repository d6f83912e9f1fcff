using Pipelines.Core.Errors;

namespace Pipelines.Cli.Hosting;

/// <summary>
/// What the CI system tells a step about its run — the commit, the branch, the pull request's target, the commit before
/// a push, the build's page, the run's token, the event — read once, here, from the variables each host sets, and the
/// <see cref="ICiHost"/> that takes the step's outputs. One class per host (<see cref="GitHubActions"/>,
/// <see cref="AzurePipelines"/>, <see cref="Local"/>), chosen by one rule (<see cref="Detect"/>); commands read these
/// properties and never the variables themselves.
/// </summary>
public abstract class CiEnvironment
{
    protected CiEnvironment(Func<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        GitHub = GitHubActions.Connection(variables);
        AzureDevOps = AzurePipelines.Connection(variables);
    }

    /// <summary>A short name for messages: "GitHub Actions", "Azure Pipelines", "local".</summary>
    public abstract string Name { get; }

    /// <summary>The commit the run builds (GITHUB_SHA, BUILD_SOURCEVERSION).</summary>
    public abstract string? Commit { get; }

    /// <summary>The variable <see cref="Commit"/> came from, for reports that say where a value came from.</summary>
    public abstract string? CommitVariable { get; }

    /// <summary>The branch the run is for, without <c>refs/heads/</c>; null for a tag, a pull request's merge ref, or when not said.</summary>
    public abstract string? Branch { get; }

    /// <summary>The branch a pull request merges into, without <c>refs/heads/</c>; null outside pull requests.</summary>
    public abstract string? PullRequestTarget { get; }

    /// <summary>The branch's commit before the push that started the run; null for other events and for a new branch.</summary>
    public abstract string? PushedBefore { get; }

    /// <summary>The run's page, for messages that link back to it.</summary>
    public abstract string? BuildLink { get; }

    /// <summary>The run's own token for its repository (GITHUB_TOKEN, SYSTEM_ACCESSTOKEN).</summary>
    public abstract string? Token { get; }

    /// <summary>The payload of the event that started a GitHub Actions run, parsed once; null elsewhere.</summary>
    public abstract GitHubEvent? EventPayload { get; }

    /// <summary>
    /// GitHub's REST API as the variables name it, on any host: a GitHub repository can be built on Azure Pipelines,
    /// or a revert run from a terminal, with the token passed in.
    /// </summary>
    public GitHubConnection GitHub { get; }

    /// <summary>Azure DevOps' REST API as the variables name it, on any host.</summary>
    public AzureDevOpsConnection AzureDevOps { get; }

    /// <summary>Where this step's outputs, summary, annotations and masks go.</summary>
    public abstract ICiHost CreateHost(TextWriter log, string commandName);

    /// <summary>
    /// The one rule: GitHub Actions when <c>GITHUB_ACTIONS</c> is <c>true</c>, Azure Pipelines when <c>TF_BUILD</c> is
    /// <c>true</c> (either case: the agent sets <c>True</c>), else a local terminal.
    /// </summary>
    /// <param name="variables">A variable's value, or null when unset or empty.</param>
    public static CiEnvironment Detect(Func<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (IsTrue(variables(GitHubActions.DetectVariable)))
        {
            return new GitHubActions(variables);
        }

        return IsTrue(variables(AzurePipelines.DetectVariable)) ? new AzurePipelines(variables) : new Local(variables);
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A branch name from a full ref: <c>refs/heads/main</c> → <c>main</c>; any other ref (a tag, a pull request) → null.</summary>
    protected static string? BranchOf(string? gitRef)
    {
        const string heads = "refs/heads/";
        return gitRef is not null && gitRef.StartsWith(heads, StringComparison.Ordinal) ? gitRef[heads.Length..] : null;
    }
}

/// <summary>GitHub's REST API as the environment names it: the token, the API's root (GitHub Enterprise has its own), the repository.</summary>
public sealed class GitHubConnection(string? token, string? apiUrl, string? repository)
{
    /// <summary>GITHUB_TOKEN.</summary>
    public string? Token { get; } = token;

    /// <summary>GITHUB_REPOSITORY: owner/name.</summary>
    public string? Repository { get; } = repository;

    /// <summary>GITHUB_API_URL with a trailing '/', https://api.github.com/ when unset.</summary>
    public Uri ApiRoot => Uri.TryCreate((apiUrl ?? "https://api.github.com").TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        ? uri
        : throw new InputException("GITHUB_API_URL: expected the API's http(s) URL, e.g. https://api.github.com");
}

/// <summary>Azure DevOps' REST API as the environment names it.</summary>
/// <param name="Token">SYSTEM_ACCESSTOKEN (the job's token, passed in with <c>env:</c>).</param>
/// <param name="Collection">SYSTEM_COLLECTIONURI: https://dev.azure.com/{organization}/.</param>
/// <param name="Project">SYSTEM_TEAMPROJECT.</param>
/// <param name="Repository">BUILD_REPOSITORY_NAME.</param>
/// <param name="DefinitionId">SYSTEM_DEFINITIONID: the pipeline, whose run history says which commit was last green.</param>
public sealed record AzureDevOpsConnection(string? Token, string? Collection, string? Project, string? Repository, int? DefinitionId)
{
    /// <summary>SYSTEM_COLLECTIONURI as the API's root, with a trailing '/'; missing or not an http(s) URL is bad input naming it.</summary>
    public Uri CollectionUri =>
        Collection is null
            ? throw new InputException("SYSTEM_COLLECTIONURI: the azure-devops provider needs the organization's URL (Azure Pipelines sets it)")
            : Uri.TryCreate(Collection.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new InputException("SYSTEM_COLLECTIONURI: expected the organization's http(s) URL, e.g. https://dev.azure.com/contoso/");
}

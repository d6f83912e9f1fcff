using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.AzureDevOps;

/// <summary>
/// The Azure Repos REST 7.1 calls Pipelines makes, and no more, on <see cref="RetryingHttpClient"/>: one repository
/// of one project. Writes look for their own effect before being repeated.
/// </summary>
public sealed class AzureReposClient
{
    public const string SystemName = "Azure Repos";
    private const string ApiVersion = "api-version=7.1";

    private readonly RetryingHttpClient _retrying;
    private readonly string _token;
    private readonly Uri _repository;

    /// <param name="collection">https://dev.azure.com/{organization}/ (SYSTEM_COLLECTIONURI).</param>
    /// <param name="token">System.AccessToken (OAuth, sent as a bearer token).</param>
    public AzureReposClient(HttpClient http, Uri collection, string project, string repository, string token, HttpRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        _token = token;
        Collection = collection;
        Project = project;
        RepositoryName = repository;
        _repository = new Uri(collection, $"{Uri.EscapeDataString(project)}/_apis/git/repositories/{Uri.EscapeDataString(repository)}/");
        _retrying = new RetryingHttpClient(http, SystemName, retry);
    }

    public Uri Collection { get; }

    public string Project { get; }

    public string RepositoryName { get; }

    /// <summary>The web page of a pull request.</summary>
    public string PullRequestPage(int id) =>
        new Uri(Collection, $"{Uri.EscapeDataString(Project)}/_git/{Uri.EscapeDataString(RepositoryName)}/pullrequest/{id}").ToString();

    /// <summary>Refs whose name starts with refs/<paramref name="filter"/>.</summary>
    public async Task<IReadOnlyList<AzureRef>> ListRefsAsync(string filter, CancellationToken cancellation) =>
        (await GetAsync($"refs?filter={Uri.EscapeDataString(filter)}", AzureReposJsonContext.Default.ListOfAzureRef, "list refs", cancellation).ConfigureAwait(false))?.Value ?? [];

    /// <summary>One ref by its full name (refs/heads/main), or null.</summary>
    public async Task<AzureRef?> GetRefAsync(string name, CancellationToken cancellation) =>
        (await ListRefsAsync(name["refs/".Length..], cancellation).ConfigureAwait(false)).FirstOrDefault(r => r.Name == name);

    /// <summary>Moves a ref only if it still points at <c>oldObjectId</c>; a lost answer is checked by reading the ref back.</summary>
    public async Task<bool> UpdateRefAsync(GitRefUpdate update, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(update);
        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, "refs", new[] { update }, AzureReposJsonContext.Default.GitRefUpdateArray),
            async token => (await GetRefAsync(update.Name, token).ConfigureAwait(false))?.ObjectId == update.NewObjectId,
            cancellation).ConfigureAwait(false);
        if (response is null)
        {
            return true;
        }

        var result = await ReadAsync(response, AzureReposJsonContext.Default.ListOfGitRefResult, $"move {update.Name}", cancellation).ConfigureAwait(false);
        return result.Value.Count == 1 && result.Value[0].Success;
    }

    /// <summary>The revert operation that made <paramref name="generatedRefName"/>, or null if there is none.</summary>
    public Task<AzureRevert?> FindRevertAsync(string generatedRefName, CancellationToken cancellation) =>
        GetAsync($"reverts?refName={Uri.EscapeDataString(generatedRefName)}", AzureReposJsonContext.Default.AzureRevert, "look for a revert", cancellation);

    public async Task<AzureRevert> GetRevertAsync(int revertId, CancellationToken cancellation) =>
        await GetAsync($"reverts/{revertId}", AzureReposJsonContext.Default.AzureRevert, $"read revert {revertId}", cancellation).ConfigureAwait(false)
        ?? throw new OutsideSystemException(SystemName, $"revert {revertId} has gone");

    /// <summary>Starts a revert on the server, or answers the one already started for the same generated ref.</summary>
    public async Task<AzureRevert> CreateRevertAsync(NewRevert revert, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(revert);
        if (await FindRevertAsync(revert.GeneratedRefName, cancellation).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, "reverts", revert, AzureReposJsonContext.Default.NewRevert),
            async token => await FindRevertAsync(revert.GeneratedRefName, token).ConfigureAwait(false) is not null,
            cancellation).ConfigureAwait(false);
        return response is null
            ? (await FindRevertAsync(revert.GeneratedRefName, cancellation).ConfigureAwait(false))!
            : await ReadAsync(response, AzureReposJsonContext.Default.AzureRevert, "start the revert", cancellation).ConfigureAwait(false);
    }

    /// <summary>Pull requests from a branch, in any state.</summary>
    public async Task<IReadOnlyList<AzurePullRequest>> PullRequestsFromAsync(string sourceRefName, CancellationToken cancellation) =>
        (await GetAsync($"pullrequests?searchCriteria.sourceRefName={Uri.EscapeDataString(sourceRefName)}&searchCriteria.status=all",
            AzureReposJsonContext.Default.ListOfAzurePullRequest, "list pull requests", cancellation).ConfigureAwait(false))?.Value ?? [];

    /// <summary>Opens a pull request, or answers the active one from the same branch.</summary>
    public async Task<AzurePullRequest> CreatePullRequestAsync(NewAzurePullRequest pull, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(pull);
        async Task<AzurePullRequest?> Active(CancellationToken token) =>
            (await PullRequestsFromAsync(pull.SourceRefName, token).ConfigureAwait(false)).FirstOrDefault(p => p.Status == "active");

        if (await Active(cancellation).ConfigureAwait(false) is { } open)
        {
            return open;
        }

        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, "pullrequests", pull, AzureReposJsonContext.Default.NewAzurePullRequest),
            async token => await Active(token).ConfigureAwait(false) is not null,
            cancellation).ConfigureAwait(false);
        return response is null
            ? (await Active(cancellation).ConfigureAwait(false))!
            : await ReadAsync(response, AzureReposJsonContext.Default.AzurePullRequest, "open the pull request", cancellation).ConfigureAwait(false);
    }

    /// <summary>Sets auto-complete; setting it again to the same is harmless.</summary>
    public async Task SetAutoCompleteAsync(int pullRequestId, AutoCompleteUpdate update, CancellationToken cancellation)
    {
        using var response = await _retrying.SendAsync(
            () => Request(HttpMethod.Patch, $"pullrequests/{pullRequestId}", update, AzureReposJsonContext.Default.AutoCompleteUpdate), cancellation).ConfigureAwait(false);
        await ReadAsync(response, AzureReposJsonContext.Default.AzurePullRequest, $"set auto-complete on pull request {pullRequestId}", cancellation).ConfigureAwait(false);
    }

    /// <summary>Posts a commit status unless the same state and description are there for this context already.</summary>
    public async Task CreateCommitStatusAsync(string sha, AzureStatus status, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(status);
        async Task<bool> Exists(CancellationToken token) =>
            ((await GetAsync($"commits/{sha}/statuses", AzureReposJsonContext.Default.ListOfAzureStatus, $"list the statuses of {sha}", token).ConfigureAwait(false))?.Value ?? [])
            .Any(s => s.Context == status.Context && s.State == status.State && s.Description == status.Description);

        if (await Exists(cancellation).ConfigureAwait(false))
        {
            return;
        }

        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, $"commits/{sha}/statuses", status, AzureReposJsonContext.Default.AzureStatus), Exists, cancellation).ConfigureAwait(false);
        if (response is not null)
        {
            await EnsureAsync(response, $"set the status of {sha}", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Posts a pull request status (a branch policy can require it) unless the same one is there already.</summary>
    public async Task CreatePullRequestStatusAsync(int pullRequestId, AzureStatus status, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(status);
        async Task<bool> Exists(CancellationToken token) =>
            ((await GetAsync($"pullRequests/{pullRequestId}/statuses", AzureReposJsonContext.Default.ListOfAzureStatus, $"list the statuses of pull request {pullRequestId}", token)
                .ConfigureAwait(false))?.Value ?? [])
            .Any(s => s.Context == status.Context && s.State == status.State && s.Description == status.Description);

        if (await Exists(cancellation).ConfigureAwait(false))
        {
            return;
        }

        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, $"pullRequests/{pullRequestId}/statuses", status, AzureReposJsonContext.Default.AzureStatus), Exists, cancellation).ConfigureAwait(false);
        if (response is not null)
        {
            await EnsureAsync(response, $"set the status of pull request {pullRequestId}", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a thread on a pull request unless one containing <paramref name="key"/> is there already.</summary>
    public async Task CommentOnPullRequestAsync(int pullRequestId, string content, string key, CancellationToken cancellation)
    {
        async Task<bool> Exists(CancellationToken token) =>
            ((await GetAsync($"pullRequests/{pullRequestId}/threads", AzureReposJsonContext.Default.ListOfAzureThread, "list the threads", token).ConfigureAwait(false))?.Value ?? [])
            .Any(t => t.Comments?.Any(c => c.Content?.Contains(key, StringComparison.Ordinal) == true) == true);

        if (await Exists(cancellation).ConfigureAwait(false))
        {
            return;
        }

        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, $"pullRequests/{pullRequestId}/threads", new NewThread([new ThreadComment(0, content, 1)], 1), AzureReposJsonContext.Default.NewThread),
            Exists, cancellation).ConfigureAwait(false);
        if (response is not null)
        {
            await EnsureAsync(response, $"comment on pull request {pullRequestId}", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The commits a pipeline last built successfully on a branch, newest first (Build API, same project).</summary>
    public async Task<IReadOnlyList<string>> SucceededBuildCommitsAsync(int definitionId, string branch, CancellationToken cancellation)
    {
        var path = $"{Uri.EscapeDataString(Project)}/_apis/build/builds?definitions={definitionId}&branchName={Uri.EscapeDataString("refs/heads/" + branch)}"
            + $"&resultFilter=succeeded&queryOrder=finishTimeDescending&$top=30&{ApiVersion}";
        using var response = await _retrying.SendAsync(() => Request(HttpMethod.Get, new Uri(Collection, path)), cancellation).ConfigureAwait(false);
        var builds = await ReadAsync(response, AzureReposJsonContext.Default.ListOfAzureBuild, "list the pipeline's successful runs", cancellation).ConfigureAwait(false);
        return [.. builds.Value.Select(b => b.SourceVersion).OfType<string>()];
    }

    public Task<AzureCommit?> GetCommitAsync(string sha, CancellationToken cancellation) =>
        GetAsync($"commits/{sha}", AzureReposJsonContext.Default.AzureCommit, $"read commit {sha}", cancellation);

    private async Task<T?> GetAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellation)
        where T : class
    {
        using var response = await _retrying.SendAsync(() => Request(HttpMethod.Get, path), cancellation).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync(response, type, what, cancellation).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Request(method, new Uri(_repository, path + separator + ApiVersion));
    }

    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("pipelines", "1.0"));
        return request;
    }

    private HttpRequestMessage Request<T>(HttpMethod method, string path, T body, JsonTypeInfo<T> type)
    {
        var request = Request(method, path);
        request.Content = new StringContent(JsonSerializer.Serialize(body, type), Encoding.UTF8, "application/json");
        return request;
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string what, CancellationToken cancellation)
    {
        await EnsureAsync(response, what, cancellation).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: the answer is not the JSON Azure DevOps documents ({ex.Message})", ex);
        }
    }

    /// <summary>A server that echoes the request back in its error body must not carry our token into a message.</summary>
    private string Masked(string text) => _token.Length >= 4 ? text.Replace(_token, "***", StringComparison.Ordinal) : text;

    private async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellation)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        AzureError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, AzureReposJsonContext.Default.AzureError);
        }
        catch (JsonException)
        {
            // A sign-in page or a proxy's answer: the status says enough.
        }

        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.NonAuthoritativeInformation => " — pass System.AccessToken to the step (env SYSTEM_ACCESSTOKEN: $(System.AccessToken))",
            HttpStatusCode.Forbidden => " — give the build service 'Contribute', 'Create branch' and 'Contribute to pull requests' on the repository",
            _ => string.Empty,
        };
        throw new OutsideSystemException(SystemName, Masked($"could not {what}: {(int)response.StatusCode} {error?.Message ?? response.ReasonPhrase}{hint}"));
    }
}

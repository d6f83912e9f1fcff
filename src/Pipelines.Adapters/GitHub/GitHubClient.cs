using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.GitHub;

/// <summary>
/// The GitHub REST calls Pipelines makes, and no more, on <see cref="RetryingHttpClient"/>. Octokit was tried in its
/// place and measured (README, Dependencies; bench/Pipelines.OctokitTrial): not adopted. Writes look for their own
/// effect before being repeated.
/// </summary>
public sealed class GitHubClient
{
    public const string SystemName = "GitHub API";

    private readonly HttpClient _http;
    private readonly RetryingHttpClient _retrying;
    private readonly string _token;

    /// <param name="apiRoot">https://api.github.com/, or a GitHub Enterprise Server's /api/v3/.</param>
    public GitHubClient(HttpClient http, Uri apiRoot, string token, HttpRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _token = token;
        ApiRoot = apiRoot;
        _retrying = new RetryingHttpClient(http, SystemName, retry);
    }

    public Uri ApiRoot { get; }

    /// <summary>Sets a commit status, unless the same state and description are already there for this context.</summary>
    public async Task CreateStatusAsync(string owner, string repo, string sha, NewStatus status, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(status);
        var path = $"repos/{owner}/{repo}/statuses/{sha}";
        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, path, status, GitHubJsonContext.Default.NewStatus),
            async token => (await ListStatusesAsync(owner, repo, sha, token).ConfigureAwait(false))
                .Any(s => s.Context == status.Context && s.State == status.State && s.Description == status.Description),
            cancellation).ConfigureAwait(false);
        if (response is not null)
        {
            await EnsureAsync(response, $"set the status of {sha}", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The statuses of a commit, newest first.</summary>
    public Task<IReadOnlyList<CommitStatus>> ListStatusesAsync(string owner, string repo, string sha, CancellationToken cancellation) =>
        GetAsync($"repos/{owner}/{repo}/commits/{sha}/statuses", GitHubJsonContext.Default.CommitStatusArray, $"list the statuses of {sha}", cancellation);

    /// <summary>Every ref under <paramref name="prefix"/> (e.g. "heads/pipelines/"); empty for none.</summary>
    public Task<IReadOnlyList<GitRef>> ListRefsAsync(string owner, string repo, string prefix, CancellationToken cancellation) =>
        GetAsync($"repos/{owner}/{repo}/git/refs/{prefix}", GitHubJsonContext.Default.GitRefArray, "list refs", cancellation);

    /// <summary>Creates <paramref name="name"/> at <paramref name="sha"/>; a ref already there at that sha counts as done.</summary>
    public async Task CreateRefAsync(string owner, string repo, string name, string sha, CancellationToken cancellation)
    {
        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, $"repos/{owner}/{repo}/git/refs", new NewRef(name, sha), GitHubJsonContext.Default.NewRef),
            async token => (await ListRefsAsync(owner, repo, string.Empty, token).ConfigureAwait(false)).Any(r => r.Ref == name && r.Target.Sha == sha),
            cancellation).ConfigureAwait(false);
        if (response is not null)
        {
            await EnsureAsync(response, $"create {name}", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Moves a ref; setting it to where it is already is harmless, so this is safe to repeat.</summary>
    public async Task UpdateRefAsync(string owner, string repo, string name, string sha, bool force, CancellationToken cancellation)
    {
        var path = $"repos/{owner}/{repo}/git/{name}";
        using var response = await _retrying.SendAsync(
            () => Request(HttpMethod.Patch, path, new RefUpdate(sha, force ? true : null), GitHubJsonContext.Default.RefUpdate),
            cancellation).ConfigureAwait(false);
        await EnsureAsync(response, $"move {name}", cancellation).ConfigureAwait(false);
    }

    /// <summary>Deletes a ref; one already gone counts as deleted.</summary>
    public async Task DeleteRefAsync(string owner, string repo, string name, CancellationToken cancellation)
    {
        using var response = await _retrying.SendAsync(() => Request(HttpMethod.Delete, $"repos/{owner}/{repo}/git/{name}"), cancellation).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity))
        {
            await EnsureAsync(response, $"delete {name}", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>One ref by its full name below refs/ (e.g. "heads/main"); null when there is none.</summary>
    public Task<GitRef?> GetRefAsync(string owner, string repo, string name, CancellationToken cancellation) =>
        GetOneAsync($"repos/{owner}/{repo}/git/ref/{name}", GitHubJsonContext.Default.GitRef, $"read {name}", cancellation);

    /// <summary>Stores a blob. Blobs are named by their content, so a repeat stores nothing new.</summary>
    public Task<string> CreateBlobAsync(string owner, string repo, byte[] content, CancellationToken cancellation) =>
        CreateObjectAsync($"repos/{owner}/{repo}/git/blobs", new NewBlob(Convert.ToBase64String(content), "base64"), GitHubJsonContext.Default.NewBlob, "store a blob", cancellation);

    /// <summary>Stores a tree; named by its content, so safe to repeat.</summary>
    public Task<string> CreateTreeAsync(string owner, string repo, NewTree tree, CancellationToken cancellation) =>
        CreateObjectAsync($"repos/{owner}/{repo}/git/trees", tree, GitHubJsonContext.Default.NewTree, "store a tree", cancellation);

    /// <summary>Stores a commit; with its dates given it is named by its content, so safe to repeat.</summary>
    public Task<string> CreateCommitAsync(string owner, string repo, NewCommit commit, CancellationToken cancellation) =>
        CreateObjectAsync($"repos/{owner}/{repo}/git/commits", commit, GitHubJsonContext.Default.NewCommit, "store the commit", cancellation);

    /// <summary>The commits on <paramref name="branch"/> since a time, newest first (one page of 100: enough for a daily cap).</summary>
    public Task<IReadOnlyList<CommitSummary>> ListCommitsSinceAsync(string owner, string repo, string branch, DateTimeOffset since, CancellationToken cancellation) =>
        GetAsync($"repos/{owner}/{repo}/commits?sha={Uri.EscapeDataString(branch)}&since={Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))}&per_page=100",
            GitHubJsonContext.Default.CommitSummaryArray, $"list the commits on {branch}", cancellation, followPages: false);

    /// <summary>The pull requests a commit belongs to (merged ones included).</summary>
    public Task<IReadOnlyList<PullRequest>> PullRequestsOfCommitAsync(string owner, string repo, string sha, CancellationToken cancellation) =>
        GetAsync($"repos/{owner}/{repo}/commits/{sha}/pulls", GitHubJsonContext.Default.PullRequestArray, $"find the pull request of {sha}", cancellation);

    /// <summary>Pull requests from one branch of this repository, in any state.</summary>
    public Task<IReadOnlyList<PullRequest>> PullRequestsFromAsync(string owner, string repo, string branch, CancellationToken cancellation) =>
        GetAsync($"repos/{owner}/{repo}/pulls?head={Uri.EscapeDataString(owner + ":" + branch)}&state=all", GitHubJsonContext.Default.PullRequestArray, $"list pull requests from {branch}", cancellation);

    /// <summary>Opens a pull request, or answers the one already open from the same branch.</summary>
    public async Task<PullRequest> CreatePullRequestAsync(string owner, string repo, NewPullRequest pull, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(pull);
        async Task<PullRequest?> Existing(CancellationToken token) =>
            (await PullRequestsFromAsync(owner, repo, pull.Head, token).ConfigureAwait(false)).FirstOrDefault(p => p.State == "open");

        if (await Existing(cancellation).ConfigureAwait(false) is { } open)
        {
            return open;
        }

        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, $"repos/{owner}/{repo}/pulls", pull, GitHubJsonContext.Default.NewPullRequest),
            async token => await Existing(token).ConfigureAwait(false) is not null,
            cancellation).ConfigureAwait(false);
        return response is null
            ? (await Existing(cancellation).ConfigureAwait(false))!
            : await ReadAsync(response, GitHubJsonContext.Default.PullRequest, $"open a pull request from {pull.Head}", cancellation).ConfigureAwait(false);
    }

    /// <summary>Comments on an issue or pull request unless a comment containing <paramref name="key"/> is there already.</summary>
    public Task CommentOnIssueAsync(string owner, string repo, int number, string body, string key, CancellationToken cancellation) =>
        CommentOnceAsync($"repos/{owner}/{repo}/issues/{number}/comments", body, key, $"comment on #{number}", cancellation);

    /// <summary>Comments on a commit unless a comment containing <paramref name="key"/> is there already.</summary>
    public Task CommentOnCommitAsync(string owner, string repo, string sha, string body, string key, CancellationToken cancellation) =>
        CommentOnceAsync($"repos/{owner}/{repo}/commits/{sha}/comments", body, key, $"comment on {sha}", cancellation);

    /// <summary>The latest successful runs of a workflow on a branch, newest first.</summary>
    public async Task<IReadOnlyList<WorkflowRun>> SuccessfulRunsAsync(string owner, string repo, long workflowId, string branch, CancellationToken cancellation)
    {
        var runs = await GetOneAsync($"repos/{owner}/{repo}/actions/workflows/{workflowId}/runs?branch={Uri.EscapeDataString(branch)}&status=success&per_page=30",
            GitHubJsonContext.Default.WorkflowRuns, "list the workflow's successful runs", cancellation).ConfigureAwait(false);
        return runs?.Runs ?? [];
    }

    /// <summary>Turns on auto-merge (GraphQL only: REST has no call for it). False, with the reason, when the repository does not allow it.</summary>
    public async Task<(bool Enabled, string? Reason)> EnableAutoMergeAsync(PullRequest pull, string mergeMethod, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(pull);
        const string Mutation = "mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) { enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) { clientMutationId } }";
        var graphQl = ApiRoot.AbsolutePath.EndsWith("/api/v3/", StringComparison.Ordinal)
            ? new Uri(ApiRoot, "../graphql")
            : new Uri(ApiRoot, "graphql");
        using var response = await _retrying.SendAsync(() =>
        {
            var request = Request(HttpMethod.Post, graphQl);
            request.Content = new StringContent(JsonSerializer.Serialize(
                new GraphQlRequest(Mutation, new Dictionary<string, string> { ["pullRequestId"] = pull.NodeId, ["mergeMethod"] = mergeMethod }),
                GitHubJsonContext.Default.GraphQlRequest), Encoding.UTF8, "application/json");
            return request;
        }, cancellation).ConfigureAwait(false);
        var answer = await ReadAsync(response, GitHubJsonContext.Default.GraphQlResponse, "enable auto-merge", cancellation).ConfigureAwait(false);
        return answer.Errors is { Count: > 0 } errors ? (false, string.Join("; ", errors.Select(e => e.Message))) : (true, null);
    }

    /// <summary>A repository's issues, following the Link header's pages.</summary>
    public Task<IReadOnlyList<Issue>> ListIssuesAsync(string owner, string repo, int perPage, CancellationToken cancellation) =>
        GetAsync($"repos/{owner}/{repo}/issues?per_page={perPage}", GitHubJsonContext.Default.IssueArray, "list issues", cancellation);

    /// <summary>Opens an issue unless one with <paramref name="label"/> holding <paramref name="key"/> exists (open or closed).</summary>
    public async Task<Issue> OpenIssueOnceAsync(string owner, string repo, string title, string body, string label, string key, CancellationToken cancellation)
    {
        async Task<Issue?> Existing(CancellationToken token) =>
            (await GetAsync($"repos/{owner}/{repo}/issues?labels={Uri.EscapeDataString(label)}&state=all&per_page=100", GitHubJsonContext.Default.IssueArray, "list issues", token)
                .ConfigureAwait(false)).FirstOrDefault(i => i.Body?.Contains(key, StringComparison.Ordinal) == true);

        if (await Existing(cancellation).ConfigureAwait(false) is { } found)
        {
            return found;
        }

        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, $"repos/{owner}/{repo}/issues", new NewIssue(title, body, [label]), GitHubJsonContext.Default.NewIssue),
            async token => await Existing(token).ConfigureAwait(false) is not null,
            cancellation).ConfigureAwait(false);
        return response is null
            ? (await Existing(cancellation).ConfigureAwait(false))!
            : await ReadAsync(response, GitHubJsonContext.Default.Issue, "open the issue", cancellation).ConfigureAwait(false);
    }

    private async Task<T?> GetOneAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellation)
        where T : class
    {
        using var response = await _retrying.SendAsync(() => Request(HttpMethod.Get, path), cancellation).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync(response, type, what, cancellation).ConfigureAwait(false);
    }

    private async Task<string> CreateObjectAsync<T>(string path, T body, JsonTypeInfo<T> type, string what, CancellationToken cancellation)
    {
        using var response = await _retrying.SendAsync(() => Request(HttpMethod.Post, path, body, type), cancellation).ConfigureAwait(false);
        return (await ReadAsync(response, GitHubJsonContext.Default.CreatedObject, what, cancellation).ConfigureAwait(false)).Sha;
    }

    private async Task CommentOnceAsync(string path, string body, string key, string what, CancellationToken cancellation)
    {
        async Task<bool> Exists(CancellationToken token) =>
            (await GetAsync(path + "?per_page=100", GitHubJsonContext.Default.CommentArray, what, token).ConfigureAwait(false)).Any(c => c.Body.Contains(key, StringComparison.Ordinal));

        if (await Exists(cancellation).ConfigureAwait(false))
        {
            return;
        }

        using var response = await _retrying.SendOnceAsync(
            () => Request(HttpMethod.Post, path, new NewComment(body), GitHubJsonContext.Default.NewComment), Exists, cancellation).ConfigureAwait(false);
        if (response is not null)
        {
            await EnsureAsync(response, what, cancellation).ConfigureAwait(false);
        }
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
            throw new OutsideSystemException(SystemName, $"could not {what}: the answer is not the JSON GitHub documents ({ex.Message})", ex);
        }
    }

    private async Task<IReadOnlyList<T>> GetAsync<T>(string path, JsonTypeInfo<T[]> type, string what, CancellationToken cancellation, bool followPages = true)
    {
        var items = new List<T>();
        Uri? next = new(ApiRoot, path);
        while (next is not null)
        {
            var page = next;
            using var response = await _retrying.SendAsync(() => Request(HttpMethod.Get, page), cancellation).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return items;
            }

            await EnsureAsync(response, what, cancellation).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
            try
            {
                // A ref lookup by an exact name answers one object, not a list.
                T[] answered = body.TrimStart().StartsWith('[')
                    ? JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null")
                    : [JsonSerializer.Deserialize(body, (JsonTypeInfo<T>)type.Options.GetTypeInfo(typeof(T))) ?? throw new JsonException("null")];
                items.AddRange(answered.Any(item => item is null) ? throw new JsonException("a list with a null item") : answered);
            }
            catch (JsonException ex)
            {
                throw new OutsideSystemException(SystemName, $"could not {what}: the answer is not the JSON GitHub documents ({ex.Message})", ex);
            }

            next = followPages ? NextPage(response) : null;
        }

        return items;
    }

    // Link: <https://api.github.com/repositories/1/issues?page=2>; rel="next", <…>; rel="last"
    private Uri? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var part in string.Join(',', links).Split(','))
        {
            var sections = part.Split(';');
            if (sections.Length > 1 && sections[1..].Any(s => s.Trim() == "rel=\"next\""))
            {
                var url = new Uri(sections[0].Trim().TrimStart('<').TrimEnd('>'));

                // Links name api.github.com; when we talk to it through another root (a recording), keep that root.
                return url.ToString().StartsWith(ApiRoot.ToString(), StringComparison.Ordinal) || url.Host != "api.github.com"
                    ? url
                    : new Uri(ApiRoot, url.PathAndQuery.TrimStart('/'));
            }
        }

        return null;
    }

    private HttpRequestMessage Request(HttpMethod method, string path) => Request(method, new Uri(ApiRoot, path));

    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github.v3+json"));
        request.Headers.Authorization = new AuthenticationHeaderValue("token", _token);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("pipelines", "1.0"));
        return request;
    }

    private HttpRequestMessage Request<T>(HttpMethod method, string path, T body, JsonTypeInfo<T> type)
    {
        var request = Request(method, path);
        request.Content = new StringContent(JsonSerializer.Serialize(body, type), Encoding.UTF8, "application/json");
        return request;
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
        ApiError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, GitHubJsonContext.Default.ApiError);
        }
        catch (JsonException)
        {
            // Not GitHub's error shape (a proxy's page): the status says enough.
        }

        var details = error?.Errors is { Count: > 0 } errors
            ? " (" + string.Join("; ", errors.Select(e => string.Join(' ', new[] { e.Resource, e.Field, e.Code, e.Message }.Where(x => !string.IsNullOrEmpty(x))))) + ")"
            : string.Empty;
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => " — the token is missing or expired",
            HttpStatusCode.Forbidden or HttpStatusCode.NotFound => " — check the token's permissions for this repository (GITHUB_TOKEN needs them granted in 'permissions:')",
            _ => string.Empty,
        };
        throw new OutsideSystemException(SystemName, Masked($"could not {what}: {(int)response.StatusCode} {error?.Message ?? response.ReasonPhrase}{details}{hint}"));
    }
}

using Pipelines.Adapters.GitHub;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.GitHub;

/// <summary>The GitHub client against GitHub's own recorded traffic (@octokit/fixtures), and against faults.</summary>
[TestClass]
public sealed class GitHubClientTests
{
    private const string Sha1 = "0000000000000000000000000000000000000001";

    private static readonly HttpRetryOptions Fast = new(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));

    private static async Task<(GitHubClient Client, HttpClient Http)> Recorded(string scenario)
    {
        var http = new HttpClient();
        return (new GitHubClient(http, await OctokitFixtures.LoadAsync(scenario), OctokitFixtures.Token, Fast), http);
    }

    [TestMethod]
    public async Task Statuses_are_created_and_read_back_as_GitHub_recorded_them()
    {
        var (client, http) = await Recorded("create-status");
        using var _ = http;

        await client.CreateStatusAsync("octokit-fixture-org", "create-status", Sha1, new NewStatus("failure", "https://example.com", "create-status failure test", "example/1"), CancellationToken.None);
        await client.CreateStatusAsync("octokit-fixture-org", "create-status", Sha1, new NewStatus("success", "https://example.com", "create-status success test", "example/2"), CancellationToken.None);
        var statuses = await client.ListStatusesAsync("octokit-fixture-org", "create-status", Sha1, CancellationToken.None);

        CollectionAssert.AreEquivalent(new[] { "example/1", "example/2" }, statuses.Select(s => s.Context).ToArray());
        Assert.AreEqual("failure", statuses.Single(s => s.Context == "example/1").State);
    }

    [TestMethod]
    public async Task Refs_are_listed_created_moved_and_deleted_as_GitHub_recorded_them()
    {
        var (client, http) = await Recorded("git-refs");
        using var _ = http;
        const string Owner = "octokit-fixture-org";

        var before = await client.ListRefsAsync(Owner, "git-refs", string.Empty, CancellationToken.None);
        await client.CreateRefAsync(Owner, "git-refs", "refs/heads/test", "0000000000000000000000000000000000000002", CancellationToken.None);
        await client.UpdateRefAsync(Owner, "git-refs", "refs/heads/test", Sha1, force: false, CancellationToken.None);
        var after = await client.ListRefsAsync(Owner, "git-refs", string.Empty, CancellationToken.None);
        await client.DeleteRefAsync(Owner, "git-refs", "refs/heads/test", CancellationToken.None);

        Assert.IsFalse(before.Any(r => r.Ref == "refs/heads/test"));
        Assert.AreEqual(Sha1, after.Single(r => r.Ref == "refs/heads/test").Target.Sha);
    }

    [TestMethod]
    public async Task Pages_are_followed_through_the_Link_header()
    {
        var (client, http) = await Recorded("paginate-issues");
        using var _ = http;

        var issues = await client.ListIssuesAsync("octokit-fixture-org", "paginate-issues", 3, CancellationToken.None);

        Assert.HasCount(13, issues);
        Assert.HasCount(13, issues.Select(i => i.Number).Distinct().ToList());
    }

    [TestMethod]
    public async Task A_status_whose_answer_was_lost_is_not_set_twice()
    {
        var posted = 0;
        using var server = new FaultServer(request => request.Method == "POST"
            ? new FaultResponse(201, "{}", Delay: TimeSpan.FromSeconds(3)).With(() => Interlocked.Increment(ref posted))
            : new FaultResponse(200, posted > 0 ? "[{\"id\":1,\"state\":\"failure\",\"description\":\"red\",\"target_url\":null,\"context\":\"pipelines/revert-on-red\"}]" : "[]"));
        using var http = new HttpClient();
        var client = new GitHubClient(http, server.BaseAddress, "secret-token", Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(500) });

        await client.CreateStatusAsync("o", "r", Sha1, new NewStatus("failure", null, "red", "pipelines/revert-on-red"), CancellationToken.None);

        Assert.AreEqual(1, posted);
        Assert.AreEqual("{\"state\":\"failure\",\"description\":\"red\",\"context\":\"pipelines/revert-on-red\"}", server.Requests.First(r => r.Method == "POST").Body);
    }

    [TestMethod]
    public async Task A_validation_error_names_what_was_wrong_and_never_the_token()
    {
        using var server = new FaultServer(_ => new FaultResponse(422,
            "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Status\",\"field\":\"state\",\"code\":\"invalid\"}]}"));
        using var http = new HttpClient();
        var client = new GitHubClient(http, server.BaseAddress, "secret-token", Fast);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() =>
            client.CreateStatusAsync("o", "r", Sha1, new NewStatus("bogus", null, null, "c"), CancellationToken.None));

        StringAssert.Contains(error.Message, "422 Validation Failed (Status state invalid)");
        Assert.DoesNotContain("secret-token", error.Message);
    }

    [TestMethod]
    public async Task A_server_that_echoes_the_token_in_its_error_never_carries_it_into_the_message()
    {
        using var server = new FaultServer(_ => new FaultResponse(401, "{\"message\":\"Bad credentials: token secret-token-echoed is not valid\"}"));
        using var http = new HttpClient();
        var client = new GitHubClient(http, server.BaseAddress, "secret-token-echoed", Fast);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() =>
            client.CreateStatusAsync("o", "r", Sha1, new NewStatus("failure", null, null, "c"), CancellationToken.None));

        StringAssert.Contains(error.Message, "401 Bad credentials: token *** is not valid");
        Assert.DoesNotContain("secret-token-echoed", error.ToString());
    }
}

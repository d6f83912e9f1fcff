using System.Text.Json.Nodes;
using Pipelines.Adapters.AzureDevOps;
using Pipelines.Adapters.Http;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.AzureDevOps;

/// <summary>
/// The Azure Repos client against Microsoft's published REST examples (tests/data/contracts/azuredevops/git): each
/// call goes to the example's resource with the example's method, sends only properties the example's body has, and
/// reads the example's answer.
/// </summary>
[TestClass]
public sealed class AzureReposContractTests
{
    private static readonly HttpRetryOptions Fast = new(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));

    private static ContractExample Example(string relative) => SharedContracts.Load("azuredevops/git/" + relative);

    /// <summary>Answers every request with the example's first answer, and records what we sent.</summary>
    private static (AzureReposClient Client, FaultServer Server, HttpClient Http) Serve(ContractExample example, string? secondAnswer = null)
    {
        var (status, body) = example.FirstResponse;
        var server = new FaultServer(_ => new FaultResponse(status, body?.ToJsonString() ?? string.Empty));
        if (secondAnswer is not null)
        {
            server.Then(new FaultResponse(200, secondAnswer));
        }

        var http = new HttpClient();
        return (new AzureReposClient(http, new Uri(server.BaseAddress, "fabrikam/"), "Shop", "shop", "token", Fast), server, http);
    }

    private static void AssertSameCall(ContractExample example, ReceivedRequest sent, string resource)
    {
        Assert.AreEqual(example.Method, sent.Method, "method");
        var path = sent.Path.Split('?')[0];
        StringAssert.StartsWith(path, "/fabrikam/Shop/_apis/git/repositories/shop/");
        Assert.AreEqual(resource, path["/fabrikam/Shop/_apis/git/repositories/shop/".Length..], true, System.Globalization.CultureInfo.InvariantCulture, "resource");
        StringAssert.Contains(example.Url.AbsolutePath.ToLowerInvariant(), "/" + System.Text.RegularExpressions.Regex.Replace(resource.ToLowerInvariant(), "/[0-9a-f]{40}|/\\d+", "/").Split('/')[0]);
        StringAssert.Contains(sent.Path, "api-version=7.1");
        if (sent.Body.Length > 0)
        {
            var undocumented = SharedContracts.UndocumentedProperties(JsonNode.Parse(sent.Body), example.Body);
            Assert.AreEqual(0, undocumented.Count, "sent properties the example does not have: " + string.Join(", ", undocumented));
        }
    }

    [TestMethod]
    public async Task Refs_are_listed_by_prefix_as_the_example_answers()
    {
        var example = Example("refs/GET__git_repositories__repositoryId__refs_heads.json");
        var (client, server, http) = Serve(example);
        using var _ = server;
        using var __ = http;

        var refs = await client.ListRefsAsync("heads/", CancellationToken.None);

        AssertSameCall(example, server.Requests.Single(), "refs");
        StringAssert.Contains(server.Requests.Single().Path, "filter=heads%2F");
        Assert.AreEqual("refs/heads/feature/calcApp", refs[0].Name);
        Assert.AreEqual("ffe9cba521f00d7f60e322845072238635edb451", refs[0].ObjectId);
    }

    [TestMethod]
    public async Task A_ref_is_moved_by_compare_and_swap_as_the_example_shows()
    {
        var example = Example("refs/POST__git_repositories__repositoryId__refs.json");
        var (client, server, http) = Serve(example);
        using var _ = server;
        using var __ = http;

        var moved = await client.UpdateRefAsync(new GitRefUpdate("refs/heads/vsts-api-sample/answer-woman-flame", new string('0', 40), "ffe9cba521f00d7f60e322845072238635edb451"), CancellationToken.None);

        Assert.IsTrue(moved);
        AssertSameCall(example, server.Requests.Single(), "refs");
        Assert.AreEqual(example.Body!.ToJsonString(), JsonNode.Parse(server.Requests.Single().Body)!.ToJsonString(), "the same body as Microsoft's example");
    }

    [TestMethod]
    public async Task A_revert_is_started_with_the_examples_parameters_and_found_again_by_its_generated_ref()
    {
        var create = Example("reverts/CreateRevert.json");
        var (client, server, http) = Serve(create);
        using var _ = server;
        using var __ = http;
        server.Then(new FaultResponse(404, """{"message":"not found"}"""));

        var revert = await client.CreateRevertAsync(new NewRevert(new RevertSource([new CommitRef("4388fbc9e8511520a9ae8dc6ab0080322a9ebe01")]),
            "refs/heads/master", "refs/heads/vsts-dotnet-samples/stop-brass-division"), CancellationToken.None);

        var sent = server.Requests.ToArray();
        Assert.AreEqual(2, sent.Length, "looked for an earlier revert, then started one");
        Assert.AreEqual("GET", sent[0].Method);
        StringAssert.Contains(sent[0].Path, "reverts?refName=refs%2Fheads%2Fvsts-dotnet-samples%2Fstop-brass-division");
        AssertSameCall(create, sent[1], "reverts");
        Assert.AreEqual(19, revert.RevertId);
        Assert.AreEqual("queued", revert.Status);
        Assert.AreEqual("refs/heads/vsts-dotnet-samples/stop-brass-division", revert.Parameters!.GeneratedRefName);

        var get = Example("reverts/GetRevert.json");
        var (again, server2, http2) = Serve(get);
        using var ___ = server2;
        using var ____ = http2;
        var found = await again.FindRevertAsync("refs/heads/vsts-dotnet-samples/stop-brass-division", CancellationToken.None);
        AssertSameCall(get, server2.Requests.Single(), "reverts");
        Assert.AreEqual(get.Url.Query.Split('&')[0].Replace("?refName=", string.Empty, StringComparison.Ordinal).ToUpperInvariant(),
            server2.Requests.Single().Path.Split("refName=")[1].Split('&')[0].ToUpperInvariant(), "the ref name is escaped as the example's URL escapes it");
        Assert.AreEqual(19, found!.RevertId);
    }

    [TestMethod]
    public async Task A_pull_request_is_opened_and_set_to_auto_complete_with_the_examples_properties()
    {
        var list = Example("pullRequests/GET__git_repositories__repositoryId__pullRequests.json");
        var create = Example("pullRequests/POST__git_repositories__repositoryId__pullRequests.json");
        var (client, server, http) = Serve(create);
        using var _ = server;
        using var __ = http;
        server.Then(new FaultResponse(200, """{"value":[],"count":0}"""));

        var pull = await client.CreatePullRequestAsync(new NewAzurePullRequest("refs/heads/npaulk/my_work", "refs/heads/new_feature", "A new feature", "Adding a new feature"), CancellationToken.None);

        var sent = server.Requests.ToArray();
        StringAssert.Contains(sent[0].Path, "pullrequests?searchCriteria.sourceRefName=refs%2Fheads%2Fnpaulk%2Fmy_work&searchCriteria.status=all");
        AssertSameCall(create, sent[1], "pullrequests");
        Assert.AreEqual(22, pull.PullRequestId);
        Assert.AreEqual("d6245f20-2af8-44f4-9451-8107cb2767db", pull.CreatedBy!.Id);

        var patch = Example("pullRequests/PATCH__git_repositories__repositoryId__pullRequests__autoCompletePullRequestId_.json");
        var (completing, server2, http2) = Serve(patch);
        using var ___ = server2;
        using var ____ = http2;
        await completing.SetAutoCompleteAsync(21, new AutoCompleteUpdate(new IdentityRef(pull.CreatedBy.Id), new CompletionOptions(true, "Added known issues document", false)), CancellationToken.None);
        AssertSameCall(patch, server2.Requests.Single(), "pullrequests/21");

        var (lister, server3, http3) = Serve(list);
        using var _____ = server3;
        using var ______ = http3;
        var pulls = await lister.PullRequestsFromAsync("refs/heads/npaulk/my_work", CancellationToken.None);
        Assert.AreEqual("active", pulls[0].Status);
    }

    [TestMethod]
    public async Task A_commit_status_and_a_thread_are_posted_as_the_examples_show_after_looking_for_them()
    {
        var status = Example("statuses/POST__git_repositories__repositoryId__commits__commitId__statuses.json");
        var statuses = Example("statuses/GET__git_repositories__repositoryId__commits__commitId__statuses.json");
        var (client, server, http) = Serve(status);
        using var _ = server;
        using var __ = http;
        server.Then(new FaultResponse(200, statuses.FirstResponse.Body!.ToJsonString()));
        const string Sha = "67cae2b029dff7eb3dc062b49403aaedca5bad8d";

        await client.CreateCommitStatusAsync(Sha, new AzureStatus("failed", new StatusContext("revert-on-red", "pipelines"), "Broke main; reverted", "https://dev.azure.com/fabrikam/Shop/_build/results?buildId=77"), CancellationToken.None);

        var sent = server.Requests.ToArray();
        Assert.AreEqual("GET", sent[0].Method, "looked first");
        AssertSameCall(status, sent[1], $"commits/{Sha}/statuses");

        var thread = Example("pullRequestThreads/POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json");
        var threads = Example("pullRequestThreads/GET__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json");
        var (commenter, server2, http2) = Serve(thread);
        using var ___ = server2;
        using var ____ = http2;
        server2.Then(new FaultResponse(200, threads.FirstResponse.Body!.ToJsonString()));
        await commenter.CommentOnPullRequestAsync(22, "Reverted: the failing tests…\n<!-- key -->", "key", CancellationToken.None);
        var posted = server2.Requests.ToArray();
        AssertSameCall(thread, posted[1], "pullRequests/22/threads");
        Assert.AreEqual(2, posted.Length, "one look, one post");
    }

    [TestMethod]
    public async Task A_pull_request_status_is_posted_as_the_example_shows_after_looking_for_it()
    {
        var post = Example("pullRequestStatuses/POST_git_pullRequestStatuses_status.json");
        var list = Example("pullRequestStatuses/GET_git_pullRequestStatuses_statuses.json");
        var (client, server, http) = Serve(post);
        using var _ = server;
        using var __ = http;
        server.Then(new FaultResponse(200, list.FirstResponse.Body!.ToJsonString()), new FaultResponse(200, """{"value":[],"count":0}"""));

        // The example's list already holds sample-status-2: asking for that one again posts nothing.
        await client.CreatePullRequestStatusAsync(4, new AzureStatus("succeeded", new StatusContext("sample-status-2", "vsts-samples"), "Sample status succeeded"), CancellationToken.None);
        Assert.AreEqual(0, server.Requests.Count(r => r.Method == "POST" && r.Path.Contains("/pullRequests/4/", StringComparison.Ordinal)));
        await client.CreatePullRequestStatusAsync(1, new AzureStatus("succeeded", new StatusContext("sample-status-4", "vsts-samples"), "Sample status succeeded", "http://fabrikam-fiber-inc.com/CI/builds/1"), CancellationToken.None);

        var sent = server.Requests.Where(r => r.Path.Contains("/pullRequests/1/", StringComparison.Ordinal)).ToArray();
        Assert.AreEqual("GET", sent[0].Method, "looked first");
        AssertSameCall(post, sent[1], "pullRequests/1/statuses");
        Assert.IsTrue(JsonNode.DeepEquals(post.Body, JsonNode.Parse(sent[1].Body)), "the same body as Microsoft's example: " + sent[1].Body);
    }

    [TestMethod]
    public async Task A_commit_is_read_with_its_committers_date()
    {
        var example = Example("commits/GET__git_repositories__repositoryId__commits__commitId_.json");
        var (client, server, http) = Serve(example);
        using var _ = server;
        using var __ = http;

        var commit = await client.GetCommitAsync("be67f8871a4d2c75f13a51c1d3c30ac0d74d4ef4", CancellationToken.None);

        AssertSameCall(example, server.Requests.Single(), "commits/be67f8871a4d2c75f13a51c1d3c30ac0d74d4ef4");
        Assert.AreEqual(new DateTimeOffset(2014, 1, 29, 23, 32, 9, TimeSpan.Zero), commit!.Committer!.Date);
    }

    [TestMethod]
    public void The_contract_check_names_a_property_the_example_does_not_have()
    {
        var example = Example("pullRequests/POST__git_repositories__repositoryId__pullRequests.json");

        var undocumented = SharedContracts.UndocumentedProperties(JsonNode.Parse("""{"title":"t","isDraft":true,"reviewers":[{"id":"x","vote":10}]}"""), example.Body);

        CollectionAssert.AreEquivalent(new[] { "$.isDraft", "$.reviewers[0].vote" }, undocumented.ToArray());
    }
}

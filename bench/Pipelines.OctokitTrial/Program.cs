using System.Globalization;
using System.Text;
using Octokit;
using Octokit.Internal;
using Pipelines.Cli;
using Pipelines.Cli.Hosting;
using Ours = Pipelines.Adapters.GitHub;

// The product's entry point, plus one hidden command for the trial:
//   github-calls ours|octokit <create-status root> <git-refs root> <revert-publish root> <revert-pull-request root> <revert-notify root>
// makes revert-on-red's GitHub calls (commit status; create and move a ref; blob, tree, commit and fast-forward; the
// revert pull request; the author told on their pull request and on the commit) through our client or through Octokit,
// each scenario loaded fresh on the fixtures server, and prints what came back; exit 0 only when every answer is the
// recorded one.
if (args.Length == 7 && args[0] == "github-calls")
{
    var roots = args[2..].Select(a => new Uri(a.TrimEnd('/') + "/")).ToArray();
    try
    {
        var result = args[1] == "octokit" ? await Trial.OctokitAsync(roots) : await Trial.OursAsync(roots);
        Console.WriteLine(result);
        return result == Trial.Expected ? 0 : 1;
    }
#pragma warning disable CA1031 // a trial reports any failure as its outcome
    catch (Exception ex)
#pragma warning restore CA1031
    {
        Console.Error.WriteLine($"github-calls {args[1]} failed: {ex}");
        return 3;
    }
}

return PipelinesCli.Run(args, CliContext.FromProcess());

internal static class Trial
{
    private const string Org = "octokit-fixture-org";
    private const string Repo = "pipelines-revert-on-red";
    private const string Token = "0000000000000000000000000000000000000001";
    private const string RevertMessage = "Revert \"Break the state\"\n\nReverts: 00000000000000000000000000000000000000d0\n";

    /// <summary>What the recordings answer, in the order the calls are made.</summary>
    public static readonly string Expected = string.Join(' ',
        "statuses=example/1,example/2", "ref=refs/heads/test@" + Sha(1), "head=" + Sha(0xa1), "blob=" + Sha(0xb1), "tree=" + Sha(0xc1),
        "commit=" + Sha(0xe1), "pull=8", "told-on=7");

    private static string Sha(int n) => n.ToString("x", CultureInfo.InvariantCulture).PadLeft(40, '0');

    public static async Task<string> OursAsync(Uri[] roots)
    {
        using var http = new HttpClient();
        var signature = new Ours.Signature("Pipelines revert-on-red", "revert-on-red@pipelines.invalid", "2026-11-23T10:00:00+00:00");
        var status = new Ours.GitHubClient(http, roots[0], Token);
        await status.CreateStatusAsync(Org, "create-status", Sha(1), new Ours.NewStatus("failure", "https://example.com", "create-status failure test", "example/1"), default);
        await status.CreateStatusAsync(Org, "create-status", Sha(1), new Ours.NewStatus("success", "https://example.com", "create-status success test", "example/2"), default);
        var statuses = await status.ListStatusesAsync(Org, "create-status", Sha(1), default);

        var refs = new Ours.GitHubClient(http, roots[1], Token);
        _ = await refs.ListRefsAsync(Org, "git-refs", string.Empty, default);
        await refs.CreateRefAsync(Org, "git-refs", "refs/heads/test", Sha(2), default);
        await refs.UpdateRefAsync(Org, "git-refs", "refs/heads/test", Sha(1), force: false, default);
        var moved = (await refs.ListRefsAsync(Org, "git-refs", string.Empty, default)).Single(r => r.Ref == "refs/heads/test");

        var publish = new Ours.GitHubClient(http, roots[2], Token);
        var head = (await publish.GetRefAsync(Org, Repo, "heads/main", default))!;
        var blob = await publish.CreateBlobAsync(Org, Repo, Encoding.UTF8.GetBytes("ok\n"), default);
        var tree = await publish.CreateTreeAsync(Org, Repo,
            new Ours.NewTree(Sha(0xc0), [new Ours.TreeEntry("state.txt", "100644", "blob", blob), new Ours.TreeEntry("added.txt", "100644", "blob", null)]), default);
        var commit = await publish.CreateCommitAsync(Org, Repo, new Ours.NewCommit(RevertMessage, tree, [head.Target.Sha], signature, signature), default);
        await publish.UpdateRefAsync(Org, Repo, "refs/heads/main", commit, force: false, default);

        var pulls = new Ours.GitHubClient(http, roots[3], Token);
        var pull = await pulls.CreatePullRequestAsync(Org, Repo,
            new Ours.NewPullRequest("Revert \"Break the state\"", "pipelines/revert-00000000d0", "main", "Reverts: " + Sha(0xd0) + "\n"), default);

        var notify = new Ours.GitHubClient(http, roots[4], Token);
        var of = await notify.PullRequestsOfCommitAsync(Org, Repo, Sha(0xd0), default);
        await notify.CommentOnIssueAsync(Org, Repo, of.Single().Number, "Broke main.\n<!-- key-1 -->\n", "key-1", default);
        await notify.CommentOnCommitAsync(Org, Repo, Sha(0xd1), "Told already.\n<!-- key-2 -->\n", "key-2", default);

        return Describe(statuses.Select(s => s.Context!), moved.Ref + "@" + moved.Target.Sha, head.Target.Sha, blob, tree, commit, pull.Number, of.Single().Number);
    }

    // Our own request bodies go through Octokit's reflection too: keep their properties in the trimmed build.
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties, typeof(RefSha))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties, typeof(TreeRequest))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties, typeof(TreeRequestEntry))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties, typeof(CommitRequest))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties, typeof(SignatureRequest))]
    public static async Task<string> OctokitAsync(Uri[] roots)
    {
        var signature = new SignatureRequest("Pipelines revert-on-red", "revert-on-red@pipelines.invalid", "2026-11-23T10:00:00+00:00");

        var status = Client(roots[0]);
        await status.Repository.Status.Create(Org, "create-status", Sha(1), new NewCommitStatus { State = CommitState.Failure, TargetUrl = "https://example.com", Description = "create-status failure test", Context = "example/1" });
        await status.Repository.Status.Create(Org, "create-status", Sha(1), new NewCommitStatus { State = CommitState.Success, TargetUrl = "https://example.com", Description = "create-status success test", Context = "example/2" });
        var statuses = await status.Repository.Status.GetAll(Org, "create-status", Sha(1));

        var refs = Client(roots[1]);
        _ = await AllRefsAsync(refs, "git-refs");
        await refs.Git.Reference.Create(Org, "git-refs", new NewReference("refs/heads/test", Sha(2)));
        await MoveRefAsync(refs, "git-refs", "heads/test", Sha(1));
        var moved = (await AllRefsAsync(refs, "git-refs")).Single(r => r.Ref == "refs/heads/test");

        var publish = Client(roots[2]);
        // Octokit's Reference.Get asks git/refs/heads/main (the prefix list, which answers an array when another ref
        // starts with the name); GitHub's one-ref call, recorded here, is git/ref/heads/main.
        var head = await new ApiConnection(publish.Connection).Get<Reference>(new Uri($"repos/{Org}/{Repo}/git/ref/heads/main", UriKind.Relative));
        var blob = await publish.Git.Blob.Create(Org, Repo, new NewBlob { Content = Convert.ToBase64String(Encoding.UTF8.GetBytes("ok\n")), Encoding = EncodingType.Base64 });
        // Octokit's NewTree cannot delete a path: its serializer leaves out "sha": null (octokit.net #2836, fix #3040
        // unmerged), so the culprit's new file would stay. Its untyped call with our own [SerializeNull] entry can.
        var tree = await new ApiConnection(publish.Connection).Post<TreeResponse>(new Uri($"repos/{Org}/{Repo}/git/trees", UriKind.Relative),
            new TreeRequest(Sha(0xc0), [new TreeRequestEntry("state.txt", "100644", "blob", blob.Sha), new TreeRequestEntry("added.txt", "100644", "blob", null)]));
        // Octokit's NewCommit takes the dates as DateTimeOffset and sends them in UTC ("…T10:00:00Z"), not as given: the
        // recorded body has the offset, and a revert commit made again after a lost answer must be byte-identical.
        var commit = await new ApiConnection(publish.Connection).Post<Commit>(new Uri($"repos/{Org}/{Repo}/git/commits", UriKind.Relative),
            new CommitRequest(RevertMessage, tree.Sha, [head.Object.Sha], signature, signature));
        await MoveRefAsync(publish, Repo, "heads/main", commit.Sha);

        var pulls = Client(roots[3]);
        // PullRequestRequest always adds sort=created&direction=desc to the recorded query.
        var existing = await new ApiConnection(pulls.Connection).GetAll<PullRequest>(
            new Uri($"repos/{Org}/{Repo}/pulls?head={Uri.EscapeDataString(Org + ":pipelines/revert-00000000d0")}&state=all", UriKind.Relative));
        var pull = existing.Count > 0 ? existing[0] : await pulls.PullRequest.Create(Org, Repo,
            new Octokit.NewPullRequest("Revert \"Break the state\"", "pipelines/revert-00000000d0", "main") { Body = "Reverts: " + Sha(0xd0) + "\n" });

        var notify = Client(roots[4]);
        var of = await notify.Repository.Commit.PullRequests(Org, Repo, Sha(0xd0));
        // GetAllForIssue always adds sort=created&direction=asc to the recorded query.
        var onPull = await new ApiConnection(notify.Connection).GetAll<IssueComment>(
            new Uri($"repos/{Org}/{Repo}/issues/{of[0].Number}/comments?per_page=100", UriKind.Relative));
        if (!onPull.Any(c => c.Body.Contains("<!-- key-1 -->", StringComparison.Ordinal)))
        {
            await notify.Issue.Comment.Create(Org, Repo, of[0].Number, "Broke main.\n<!-- key-1 -->\n");
        }

        var onCommit = await notify.Repository.Comment.GetAllForCommit(Org, Repo, Sha(0xd1), new ApiOptions { PageSize = 100 });
        if (!onCommit.Any(c => c.Body.Contains("<!-- key-2 -->", StringComparison.Ordinal)))
        {
            await notify.Repository.Comment.Create(Org, Repo, Sha(0xd1), new NewCommitComment("Told already.\n<!-- key-2 -->\n"));
        }

        return Describe(statuses.Select(s => s.Context), moved.Ref + "@" + moved.Object.Sha, head.Object.Sha, blob.Sha, tree.Sha, commit.Sha, pull.Number, of[0].Number);
    }

    /// <summary>
    /// GET git/refs/ as GitHub's recording has it (octokit.js asks with the slash): Octokit's typed call asks without
    /// it and rejects an empty namespace, so this goes through its untyped ApiConnection, still its HTTP and JSON.
    /// </summary>
    private static Task<IReadOnlyList<Reference>> AllRefsAsync(Octokit.GitHubClient client, string repo) =>
        new ApiConnection(client.Connection).GetAll<Reference>(new Uri($"repos/{Org}/{repo}/git/refs/", UriKind.Relative));

    /// <summary>
    /// PATCH git/refs/… with only the sha, as GitHub's recordings and ours have it: Octokit's ReferenceUpdate always
    /// sends "force": false, so the typed call does not match the recorded body.
    /// </summary>
    private static Task<Reference> MoveRefAsync(Octokit.GitHubClient client, string repo, string name, string sha) =>
        new ApiConnection(client.Connection).Patch<Reference>(new Uri($"repos/{Org}/{repo}/git/refs/{name}", UriKind.Relative), new RefSha(sha));

    private sealed record RefSha(string Sha);

    private sealed record CommitRequest(string Message, string Tree, IReadOnlyList<string> Parents, SignatureRequest Author, SignatureRequest Committer);

    private sealed record SignatureRequest(string Name, string Email, string Date);

    private sealed record TreeRequest(string BaseTree, IReadOnlyList<TreeRequestEntry> Tree);

    private sealed record TreeRequestEntry(string Path, string Mode, string Type, [property: SerializeNull] string? Sha);

    private static string Describe(IEnumerable<string> statuses, string moved, string head, string blob, string tree, string commit, int pull, int toldOn) =>
        string.Join(' ', "statuses=" + string.Join(',', statuses.Order(StringComparer.Ordinal)), "ref=" + moved, "head=" + head, "blob=" + blob, "tree=" + tree,
            "commit=" + commit, "pull=" + pull.ToString(CultureInfo.InvariantCulture), "told-on=" + toldOn.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Octokit on a fixtures scenario's root. Its GitHubClient(…, baseAddress) replaces any path of a non-github.com
    /// address with /api/v3/, so a root with a path (a scenario's, or a proxy's) needs the Connection built by hand.
    /// </summary>
    private static Octokit.GitHubClient Client(Uri root)
    {
        var connection = new Connection(new ProductHeaderValue("pipelines"), root, new InMemoryCredentialStore(new Credentials(Token)),
            new HttpClientAdapter(() => new FixturesHeaders(new HttpClientHandler())), new SimpleJsonSerializer());
        return new Octokit.GitHubClient(connection);
    }

    /// <summary>
    /// Headers as the recordings have them, where Octokit's differ in ways GitHub accepts: its Accept list, its
    /// "Token" scheme (GitHub takes either case) and the form content type it labels JSON bodies with. Only headers:
    /// paths, queries and bodies reach the recordings as Octokit makes them.
    /// </summary>
    private sealed class FixturesHeaders(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Accept.Clear();
            request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/vnd.github.v3+json"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", Token);
            if (request.Content is { } content)
            {
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            if (Environment.GetEnvironmentVariable("TRIAL_TRACE") is not null)
            {
                Console.Error.WriteLine($"{request.Method} {request.RequestUri}");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

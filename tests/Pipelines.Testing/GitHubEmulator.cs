using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipelines.Testing;

/// <summary>A pull request the emulator holds.</summary>
public sealed record EmulatedPull(int Number, string Head, string Base, string Title, string Body, string State, string? MergedAt, string? MergeCommitSha);

/// <summary>
/// The part of GitHub's REST API that revert-on-red uses, backed by a real bare git repository, so a test can see what
/// really landed: git data writes (blobs, trees, commits, refs with GitHub's fast-forward rule) go through git itself;
/// pull requests, comments, statuses and workflow runs are kept in memory. Every request is recorded, and a write's
/// answer can be lost once (done, then 502), as a dropped connection would.
/// </summary>
public sealed class GitHubEmulator : IDisposable
{
    private readonly FaultServer _server;
    private readonly TempDirectory _work = new("pipelines-github");
    private readonly object _gate = new();

    public GitHubEmulator(string owner, string name, string bareRepository)
    {
        Owner = owner;
        Name = name;
        BareRepository = bareRepository;
        _server = new FaultServer(Handle);
    }

    public string Owner { get; }

    public string Name { get; }

    public string BareRepository { get; }

    public Uri ApiRoot => _server.BaseAddress;

    public IReadOnlyCollection<ReceivedRequest> Requests => _server.Requests;

    public List<EmulatedPull> Pulls { get; } = [];

    /// <summary>Comments by where they were made ("issues/3", "commits/&lt;sha&gt;").</summary>
    public ConcurrentDictionary<string, List<string>> Comments { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, List<JsonObject>> Statuses { get; } = new(StringComparer.Ordinal);

    /// <summary>Successful runs of workflows: (workflow id, branch, head sha), newest first.</summary>
    public List<(long Workflow, string Branch, string HeadSha)> SuccessfulRuns { get; } = [];

    public List<string> GraphQl { get; } = [];

    /// <summary>Issues opened: (number, title, body, labels).</summary>
    public List<(int Number, string Title, string Body, string[] Labels)> Issues { get; } = [];

    /// <summary>Requests the emulator could not take, with why.</summary>
    public ConcurrentBag<string> Errors => Faults.Errors;

    /// <summary>Faults to inject: lost answers, throttling.</summary>
    public EmulatedFaults Faults { get; } = new();

    /// <summary>The next request whose "METHOD path" ends with <paramref name="what"/> is carried out, then answered 502.</summary>
    public void LoseAnswerOnce(string what) => Faults.LoseAnswerOnce(what);

    /// <summary>The next request whose "METHOD path" ends with <paramref name="what"/> is turned away with 429 and Retry-After: 1, not carried out.</summary>
    public void ThrottleOnce(string what) => Faults.ThrottleOnce(what);

    public string Git(params string[] args) => Programs.RunOrThrow("git", args, BareRepository);

    public void Dispose()
    {
        _server.Dispose();
        _work.Dispose();
    }

    private FaultResponse Handle(ReceivedRequest request)
    {
        lock (_gate)
        {
            return Faults.Answer(request, Route);
        }
    }

    private FaultResponse Route(ReceivedRequest request)
    {
        var prefix = $"/repos/{Owner}/{Name}/";
        var full = request.Path;
        var query = full.Contains('?', StringComparison.Ordinal) ? System.Web.HttpUtility.ParseQueryString(full[(full.IndexOf('?', StringComparison.Ordinal) + 1)..]) : new System.Collections.Specialized.NameValueCollection();
        var path = Uri.UnescapeDataString(full.Split('?')[0]);
        var body = request.Body.Length > 0 ? JsonNode.Parse(request.Body)!.AsObject() : new JsonObject();
        if (path == "/graphql" && request.Method == "POST")
        {
            GraphQl.Add(request.Body);
            return Json(200, new JsonObject { ["data"] = new JsonObject { ["enablePullRequestAutoMerge"] = new JsonObject { ["clientMutationId"] = null } } });
        }

        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return NotFound();
        }

        var rest = path[prefix.Length..];
        Match m;
        switch (request.Method)
        {
            case "GET" when rest.StartsWith("git/ref/", StringComparison.Ordinal):
                var refName = "refs/" + rest["git/ref/".Length..];
                var at = Sha(refName);
                return at is null ? NotFound() : Json(200, RefJson(refName, at));
            case "POST" when rest == "git/refs":
                var newRef = (string)body["ref"]!;
                if (Sha(newRef) is not null)
                {
                    return Json(422, new JsonObject { ["message"] = "Reference already exists" });
                }

                Git("update-ref", newRef, (string)body["sha"]!);
                return Json(201, RefJson(newRef, (string)body["sha"]!));
            case "PATCH" when rest.StartsWith("git/refs/", StringComparison.Ordinal):
                var name = "refs/" + rest["git/refs/".Length..];
                var target = (string)body["sha"]!;
                var current = Sha(name);
                if (current is null)
                {
                    return Json(422, new JsonObject { ["message"] = "Reference does not exist" });
                }

                var force = body["force"]?.GetValue<bool>() ?? false;
                if (!force && Programs.Run("git", ["merge-base", "--is-ancestor", current, target], BareRepository).ExitCode != 0)
                {
                    return Json(422, new JsonObject { ["message"] = "Update is not a fast forward" });
                }

                Git("update-ref", name, target);
                return Json(200, RefJson(name, target));
            case "POST" when rest == "git/blobs":
                var file = Path.Combine(_work.Path, Guid.NewGuid().ToString("N"));
                File.WriteAllBytes(file, Convert.FromBase64String((string)body["content"]!));
                return Json(201, new JsonObject { ["sha"] = Git("hash-object", "-w", file).Trim() });
            case "POST" when rest == "git/trees":
                var index = Path.Combine(_work.Path, "index-" + Guid.NewGuid().ToString("N"));
                var env = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
                Programs.RunOrThrow("git", ["read-tree", (string)body["base_tree"]!], BareRepository, env);
                // Mode 0 removes a path: GitHub's "sha": null.
                var lines = body["tree"]!.AsArray().Select(e => e!.AsObject())
                    .Select(e => (string?)e["sha"] is { } sha ? $"{(string)e["mode"]!} {sha}\t{(string)e["path"]!}\n" : $"0 {new string('0', 40)}\t{(string)e["path"]!}\n");
                Programs.RunOrThrow("git", ["update-index", "--index-info"], BareRepository, env, string.Concat(lines));

                return Json(201, new JsonObject { ["sha"] = Programs.RunOrThrow("git", ["write-tree"], BareRepository, env).Trim() });
            case "POST" when rest == "git/commits":
                var messageFile = Path.Combine(_work.Path, Guid.NewGuid().ToString("N"));
                File.WriteAllText(messageFile, (string)body["message"]!);
                var author = body["author"]!.AsObject();
                var committer = body["committer"]!.AsObject();
                var who = new Dictionary<string, string>
                {
                    ["GIT_AUTHOR_NAME"] = (string)author["name"]!, ["GIT_AUTHOR_EMAIL"] = (string)author["email"]!, ["GIT_AUTHOR_DATE"] = (string)author["date"]!,
                    ["GIT_COMMITTER_NAME"] = (string)committer["name"]!, ["GIT_COMMITTER_EMAIL"] = (string)committer["email"]!, ["GIT_COMMITTER_DATE"] = (string)committer["date"]!,
                };
                string[] parents = [.. body["parents"]!.AsArray().SelectMany(p => new[] { "-p", (string)p! })];
                return Json(201, new JsonObject { ["sha"] = Programs.RunOrThrow("git", ["commit-tree", (string)body["tree"]!, .. parents, "-F", messageFile], BareRepository, who).Trim() });
            case "GET" when rest == "commits":
                var log = Git("log", query["sha"]!, "--since=" + query["since"], "--format=%H%x00%B%x01");
                return Json(200, new JsonArray([.. log.Split('\u0001', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim('\n').Split('\0')).Where(p => p.Length == 2)
                    .Select(p => (JsonNode)new JsonObject { ["sha"] = p[0], ["commit"] = new JsonObject { ["message"] = p[1] } })]));
            case "GET" when (m = Regex.Match(rest, "^commits/([0-9a-f]{40})/pulls$")).Success:
                return Json(200, new JsonArray([.. Pulls.Where(p => p.MergeCommitSha == m.Groups[1].Value).Select(PullJson)]));
            case "GET" when rest == "pulls":
                var head = query["head"]!.Split(':')[1];
                return Json(200, new JsonArray([.. Pulls.Where(p => p.Head == head).Select(PullJson)]));
            case "POST" when rest == "pulls":
                if (Pulls.Any(p => p.Head == (string)body["head"]! && p.State == "open"))
                {
                    return Json(422, new JsonObject { ["message"] = "Validation Failed", ["errors"] = new JsonArray(new JsonObject { ["message"] = "A pull request already exists" }) });
                }

                var pull = new EmulatedPull(Pulls.Select(p => p.Number).DefaultIfEmpty(0).Max() + 1, (string)body["head"]!, (string)body["base"]!, (string)body["title"]!, (string)body["body"]!, "open", null, null);
                Pulls.Add(pull);
                return Json(201, PullJson(pull));
            case "GET" when (m = Regex.Match(rest, "^(issues/\\d+|commits/[0-9a-f]{40})/comments$")).Success:
                return Json(200, new JsonArray([.. Comments.GetValueOrDefault(m.Groups[1].Value, []).Select((c, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["body"] = c })]));
            case "POST" when (m = Regex.Match(rest, "^(issues/\\d+|commits/[0-9a-f]{40})/comments$")).Success:
                var comments = Comments.GetOrAdd(m.Groups[1].Value, _ => []);
                comments.Add((string)body["body"]!);
                return Json(201, new JsonObject { ["id"] = comments.Count, ["body"] = (string)body["body"]! });
            case "GET" when (m = Regex.Match(rest, "^commits/([0-9a-f]{40})/statuses$")).Success:
                return Json(200, new JsonArray([.. Statuses.GetValueOrDefault(m.Groups[1].Value, []).Select(s => s.DeepClone())]));
            case "POST" when (m = Regex.Match(rest, "^statuses/([0-9a-f]{40})$")).Success:
                var list = Statuses.GetOrAdd(m.Groups[1].Value, _ => []);
                var status = body.DeepClone().AsObject();
                status["id"] = list.Count + 1;
                list.Insert(0, status);
                return Json(201, status.DeepClone());
            case "GET" when rest == "issues":
                var label = query["labels"];
                return Json(200, new JsonArray([.. Issues.Where(i => label is null || i.Labels.Contains(label))
                    .Select(i => (JsonNode)new JsonObject { ["id"] = 5000 + i.Number, ["number"] = i.Number, ["title"] = i.Title, ["state"] = "open", ["body"] = i.Body })]));
            case "POST" when rest == "issues":
                var issue = (Issues.Count + 1, (string)body["title"]!, (string)body["body"]!, body["labels"]?.AsArray().Select(l => (string)l!).ToArray() ?? []);
                Issues.Add(issue);
                return Json(201, new JsonObject { ["id"] = 5000 + issue.Item1, ["number"] = issue.Item1, ["title"] = issue.Item2, ["state"] = "open", ["body"] = issue.Item3,
                    ["html_url"] = $"https://github.com/{Owner}/{Name}/issues/{issue.Item1}" });
            case "GET" when (m = Regex.Match(rest, "^actions/workflows/(\\d+)/runs$")).Success:
                var runs = SuccessfulRuns.Where(r => r.Workflow == long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) && r.Branch == query["branch"])
                    .Select((r, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["head_sha"] = r.HeadSha, ["head_branch"] = r.Branch, ["conclusion"] = "success" }).ToArray();
                return Json(200, new JsonObject { ["total_count"] = runs.Length, ["workflow_runs"] = new JsonArray(runs) });
            default:
                return NotFound();
        }
    }

    private string? Sha(string refName)
    {
        var run = Programs.Run("git", ["rev-parse", "--verify", "--quiet", refName], BareRepository);
        return run.ExitCode == 0 ? run.StandardOutput.Trim() : null;
    }

    private static JsonObject RefJson(string name, string sha) =>
        new() { ["ref"] = name, ["object"] = new JsonObject { ["sha"] = sha, ["type"] = "commit" } };

    private JsonNode PullJson(EmulatedPull pull) => new JsonObject
    {
        ["id"] = 1000 + pull.Number,
        ["node_id"] = "PR_" + pull.Number,
        ["number"] = pull.Number,
        ["state"] = pull.State,
        ["html_url"] = $"https://github.com/{Owner}/{Name}/pull/{pull.Number}",
        ["merged_at"] = pull.MergedAt,
        ["title"] = pull.Title,
        ["body"] = pull.Body,
    };

    private static FaultResponse Json(int status, JsonNode body) => new(status, body.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

    private static FaultResponse NotFound() => new(404, """{"message":"Not Found"}""");
}

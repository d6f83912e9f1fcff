using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipelines.Testing;

/// <summary>
/// The part of the Azure Repos REST API that revert-on-red uses, for one repository, backed by a real bare git
/// repository: refs with compare-and-swap, the Reverts API (a real <c>git revert</c> in a worktree, answered
/// "queued" first so callers must poll), pull requests, commit statuses and threads in memory. Every request is recorded.
/// </summary>
public sealed class AzureReposEmulator : IDisposable
{
    private readonly FaultServer _server;
    private readonly TempDirectory _work = new("pipelines-azure-repos");
    private readonly object _gate = new();
    private readonly List<JsonObject> _reverts = [];

    public AzureReposEmulator(string organization, string project, string repository, string bareRepository)
    {
        Organization = organization;
        Project = project;
        Repository = repository;
        BareRepository = bareRepository;
        _server = new FaultServer(Handle);
    }

    public string Organization { get; }

    public string Project { get; }

    public string Repository { get; }

    public string BareRepository { get; }

    /// <summary>What SYSTEM_COLLECTIONURI would be.</summary>
    public Uri CollectionUri => new(_server.BaseAddress, Organization + "/");

    public IReadOnlyCollection<ReceivedRequest> Requests => _server.Requests;

    public List<JsonObject> PullRequests { get; } = [];

    public ConcurrentDictionary<string, List<JsonObject>> Statuses { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<int, List<string>> Threads { get; } = new();

    public ConcurrentDictionary<int, List<JsonObject>> PullRequestStatuses { get; } = new();

    public ConcurrentBag<string> Errors => Faults.Errors;

    /// <summary>Successful pipeline runs: (definition id, branch ref, commit built), newest first.</summary>
    public List<(int Definition, string Branch, string Commit)> SucceededBuilds { get; } = [];

    public string Git(params string[] args) => Programs.RunOrThrow("git", args, BareRepository);

    /// <summary>Faults to inject: lost answers, throttling.</summary>
    public EmulatedFaults Faults { get; } = new();

    /// <summary>The next request whose "METHOD path" ends with <paramref name="what"/> is carried out, then answered 502.</summary>
    public void LoseAnswerOnce(string what) => Faults.LoseAnswerOnce(what);

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
        var prefix = $"/{Organization}/{Project}/_apis/git/repositories/{Repository}/";
        var full = request.Path;
        var query = System.Web.HttpUtility.ParseQueryString(full.Contains('?', StringComparison.Ordinal) ? full[(full.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty);
        var path = Uri.UnescapeDataString(full.Split('?')[0]);
        if (query["api-version"] != "7.1")
        {
            return Json(400, new JsonObject { ["message"] = "api-version 7.1 expected" });
        }

        if (path == $"/{Organization}/{Project}/_apis/build/builds" && request.Method == "GET")
        {
            var definition = int.Parse(query["definitions"]!, System.Globalization.CultureInfo.InvariantCulture);
            return query["resultFilter"] != "succeeded"
                ? Json(400, new JsonObject { ["message"] = "expected resultFilter=succeeded" })
                : List([.. SucceededBuilds.Where(b => b.Definition == definition && b.Branch == query["branchName"])
                    .Select((b, i) => (JsonNode)new JsonObject { ["id"] = 100 + i, ["sourceVersion"] = b.Commit, ["sourceBranch"] = b.Branch, ["result"] = "succeeded" })]);
        }

        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return Json(404, new JsonObject { ["message"] = "no such repository" });
        }

        var rest = path[prefix.Length..];
        var body = request.Body.Length > 0 ? JsonNode.Parse(request.Body) : null;
        Match m;
        switch (request.Method)
        {
            case "GET" when rest == "refs":
                var filter = "refs/" + query["filter"];
                var refs = Git("for-each-ref", "--format=%(refname) %(objectname)").Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => l.Split(' ')).Where(p => p[0].StartsWith(filter, StringComparison.Ordinal))
                    .Select(p => (JsonNode)new JsonObject { ["name"] = p[0], ["objectId"] = p[1] }).ToArray();
                return List(refs);
            case "POST" when rest == "refs":
                var results = body!.AsArray().Select(u => u!.AsObject()).Select(u =>
                {
                    var ok = Programs.Run("git", ["update-ref", (string)u["name"]!, (string)u["newObjectId"]!, (string)u["oldObjectId"]!], BareRepository).ExitCode == 0;
                    return (JsonNode)new JsonObject { ["name"] = (string)u["name"]!, ["newObjectId"] = (string)u["newObjectId"]!, ["success"] = ok, ["updateStatus"] = ok ? "succeeded" : "staleOldObjectId" };
                }).ToArray();
                return List(results);
            case "GET" when rest == "reverts":
                var found = _reverts.LastOrDefault(r => (string?)r["parameters"]!["generatedRefName"] == query["refName"]);
                return found is null ? Json(404, new JsonObject { ["message"] = "no revert" }) : Json(200, found.DeepClone());
            case "GET" when (m = Regex.Match(rest, "^reverts/(\\d+)$")).Success:
                return Json(200, _reverts[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1].DeepClone());
            case "POST" when rest == "reverts":
                var answer = new JsonObject
                {
                    ["revertId"] = _reverts.Count + 1,
                    ["parameters"] = new JsonObject { ["ontoRefName"] = (string)body!["ontoRefName"]!, ["generatedRefName"] = (string)body["generatedRefName"]! },
                    ["status"] = "queued",
                    ["detailedStatus"] = null,
                };
                var queued = answer.DeepClone();
                Revert(answer, (string)body["ontoRefName"]!, (string)body["generatedRefName"]!, (string)body["source"]!["commitList"]![0]!["commitId"]!);
                _reverts.Add(answer);
                return Json(201, queued);
            case "GET" when rest == "pullrequests":
                return List([.. PullRequests.Where(p => (string?)p["sourceRefName"] == query["searchCriteria.sourceRefName"]).Select(p => p.DeepClone())]);
            case "POST" when rest == "pullrequests":
                var pull = body!.DeepClone().AsObject();
                pull["pullRequestId"] = PullRequests.Count + 1;
                pull["status"] = "active";
                pull["createdBy"] = new JsonObject { ["id"] = "build-service-identity", ["displayName"] = "Project Collection Build Service" };
                PullRequests.Add(pull);
                return Json(201, pull.DeepClone());
            case "PATCH" when (m = Regex.Match(rest, "^pullrequests/(\\d+)$")).Success:
                var existing = PullRequests[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1];
                foreach (var (name, value) in body!.AsObject())
                {
                    existing[name] = value?.DeepClone();
                }

                return Json(200, existing.DeepClone());
            case "GET" when (m = Regex.Match(rest, "^commits/([0-9a-f]{40})/statuses$")).Success:
                return List([.. Statuses.GetValueOrDefault(m.Groups[1].Value, []).Select(s => s.DeepClone())]);
            case "POST" when (m = Regex.Match(rest, "^commits/([0-9a-f]{40})/statuses$")).Success:
                Statuses.GetOrAdd(m.Groups[1].Value, _ => []).Add(body!.DeepClone().AsObject());
                return Json(201, body.DeepClone());
            case "GET" when (m = Regex.Match(rest, "^commits/([0-9a-f]{40})$")).Success:
                var fields = Git("show", "-s", "--format=%cI%x00%B", m.Groups[1].Value).Split('\0');
                return Json(200, new JsonObject { ["commitId"] = m.Groups[1].Value, ["committer"] = new JsonObject { ["date"] = fields[0].Trim() }, ["comment"] = fields[1] });
            case "GET" when (m = Regex.Match(rest, "^pullRequests/(\\d+)/statuses$")).Success:
                return List([.. PullRequestStatuses.GetValueOrDefault(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), []).Select(s => s.DeepClone())]);
            case "POST" when (m = Regex.Match(rest, "^pullRequests/(\\d+)/statuses$")).Success:
                PullRequestStatuses.GetOrAdd(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), _ => []).Add(body!.DeepClone().AsObject());
                return Json(200, body.DeepClone());
            case "GET" when (m = Regex.Match(rest, "^pullRequests/(\\d+)/threads$")).Success:
                return List([.. Threads.GetValueOrDefault(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), [])
                    .Select((c, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["comments"] = new JsonArray(new JsonObject { ["content"] = c }) })]);
            case "POST" when (m = Regex.Match(rest, "^pullRequests/(\\d+)/threads$")).Success:
                var threads = Threads.GetOrAdd(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), _ => []);
                threads.Add((string)body!["comments"]![0]!["content"]!);
                return Json(200, new JsonObject { ["id"] = threads.Count });
            default:
                return Json(404, new JsonObject { ["message"] = "not emulated: " + request.Method + " " + rest });
        }
    }

    /// <summary>What the service does in the background: a real revert onto the branch, left on the generated ref.</summary>
    private void Revert(JsonObject operation, string onto, string generated, string commit)
    {
        var worktree = Path.Combine(_work.Path, "revert-" + Guid.NewGuid().ToString("N")[..8]);
        Git("worktree", "add", "--quiet", "--detach", worktree, onto);
        var who = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = "Project Collection Build Service", ["GIT_AUTHOR_EMAIL"] = "build@fabrikam.invalid",
            ["GIT_COMMITTER_NAME"] = "Project Collection Build Service", ["GIT_COMMITTER_EMAIL"] = "build@fabrikam.invalid",
        };
        var reverted = Programs.Run("git", ["revert", "--no-edit", commit], worktree, who);
        if (reverted.ExitCode == 0)
        {
            Git("update-ref", generated, Programs.RunOrThrow("git", ["rev-parse", "HEAD"], worktree).Trim());
            operation["status"] = "completed";
        }
        else
        {
            operation["status"] = "failed";
            operation["detailedStatus"] = new JsonObject { ["conflict"] = true };
        }

        Programs.Run("git", ["revert", "--abort"], worktree);
        Git("worktree", "remove", "--force", worktree);
    }

    private static FaultResponse List(JsonNode[] items) =>
        Json(200, new JsonObject { ["value"] = new JsonArray(items), ["count"] = items.Length });

    private static FaultResponse Json(int status, JsonNode body) => new(status, body.ToJsonString());
}

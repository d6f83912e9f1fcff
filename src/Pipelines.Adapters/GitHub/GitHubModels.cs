using System.Text.Json.Serialization;

namespace Pipelines.Adapters.GitHub;

/// <summary>A commit status, as sent (the body's key order is GitHub's documented one).</summary>
public sealed record NewStatus(string State, string? TargetUrl, string? Description, string Context);

/// <summary>A commit status, as read.</summary>
public sealed record CommitStatus(long Id, string State, string? Description = null, string? TargetUrl = null, string? Context = null);

/// <summary>A git reference, as read.</summary>
public sealed record GitRef(string Ref, [property: JsonPropertyName("object")] GitObject Target);

public sealed record GitObject(string Sha, string Type);

public sealed record NewRef(string Ref, string Sha);

public sealed record RefUpdate(string Sha, bool? Force = null);

/// <summary>A blob to store: content in base64, so any bytes survive.</summary>
public sealed record NewBlob(string Content, string Encoding);

/// <summary>What a create call answers with when only the new object's id matters.</summary>
public sealed record CreatedObject(string Sha);

/// <summary>A tree made of <see cref="BaseTree"/> with some entries replaced.</summary>
public sealed record NewTree(string BaseTree, IReadOnlyList<TreeEntry> Tree);

/// <summary>One path of a new tree; a null <see cref="Sha"/> deletes the path, so it must be sent as null.</summary>
public sealed record TreeEntry(string Path, string Mode, string Type, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Sha);

/// <summary>
/// A commit to create. Author and committer carry their dates, so the same request makes the same commit: a repeat
/// after a lost answer creates nothing new.
/// </summary>
public sealed record NewCommit(string Message, string Tree, IReadOnlyList<string> Parents, Signature Author, Signature Committer);

public sealed record Signature(string Name, string Email, string Date);

/// <summary>A commit in a list, as much as we read of it.</summary>
public sealed record CommitSummary(string Sha, CommitDetail Commit);

public sealed record CommitDetail(string Message);

/// <summary>A pull request, as much as we read of it.</summary>
public sealed record PullRequest(long Id, string NodeId, int Number, string State, string HtmlUrl, string? MergedAt = null);

public sealed record NewPullRequest(string Title, string Head, string Base, string Body);

/// <summary>A comment on an issue, a pull request or a commit.</summary>
public sealed record Comment(long Id, string Body, string? HtmlUrl = null);

public sealed record NewComment(string Body);

/// <summary>An issue or pull request, as much as we read of it.</summary>
public sealed record Issue(long Id, int Number, string Title, string State, string? Body = null, string? HtmlUrl = null);

public sealed record NewIssue(string Title, string Body, IReadOnlyList<string> Labels);

/// <summary>A page of a workflow's runs.</summary>
public sealed record WorkflowRuns(int TotalCount, [property: JsonPropertyName("workflow_runs")] IReadOnlyList<WorkflowRun> Runs);

public sealed record WorkflowRun(long Id, string HeadSha, string? HeadBranch = null, string? Conclusion = null);

/// <summary>A GraphQL request: GitHub has no REST call for some writes (enabling auto-merge).</summary>
public sealed record GraphQlRequest(string Query, IReadOnlyDictionary<string, string> Variables);

public sealed record GraphQlResponse(IReadOnlyList<GraphQlError>? Errors = null);

public sealed record GraphQlError(string Message);

/// <summary>GitHub's error body: a message, and for 422 the fields that were wrong.</summary>
public sealed record ApiError(string? Message = null, IReadOnlyList<ApiErrorDetail>? Errors = null, string? DocumentationUrl = null);

public sealed record ApiErrorDetail(string? Resource = null, string? Field = null, string? Code = null, string? Message = null);

/// <summary>
/// Source-generated JSON for the GitHub REST calls we make: snake_case, nulls left out, no reflection. An answer without
/// a member the model needs, or with null where it allows none, fails to read (exit 3), never a crash later.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(NewStatus))]
[JsonSerializable(typeof(CommitStatus[]))]
[JsonSerializable(typeof(GitRef))]
[JsonSerializable(typeof(GitRef[]))]
[JsonSerializable(typeof(NewRef))]
[JsonSerializable(typeof(RefUpdate))]
[JsonSerializable(typeof(NewBlob))]
[JsonSerializable(typeof(CreatedObject))]
[JsonSerializable(typeof(NewTree))]
[JsonSerializable(typeof(NewCommit))]
[JsonSerializable(typeof(CommitSummary[]))]
[JsonSerializable(typeof(PullRequest))]
[JsonSerializable(typeof(PullRequest[]))]
[JsonSerializable(typeof(NewPullRequest))]
[JsonSerializable(typeof(Comment))]
[JsonSerializable(typeof(Comment[]))]
[JsonSerializable(typeof(NewComment))]
[JsonSerializable(typeof(Issue[]))]
[JsonSerializable(typeof(Issue))]
[JsonSerializable(typeof(NewIssue))]
[JsonSerializable(typeof(WorkflowRuns))]
[JsonSerializable(typeof(GraphQlRequest))]
[JsonSerializable(typeof(GraphQlResponse))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;

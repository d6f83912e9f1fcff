using System.Text.Json.Serialization;

namespace Pipelines.Adapters.AzureDevOps;

/// <summary>Azure DevOps wraps lists: <c>{"value": [...], "count": n}</c>; a null item is an answer of the wrong shape.</summary>
public sealed record ListOf<T>(IReadOnlyList<T> Value)
{
    public IReadOnlyList<T> Value { get; init; } = Value?.Any(item => item is null) == true ? throw new System.Text.Json.JsonException("a list with a null item") : Value!;
}

/// <summary>A git ref, as read or as one update of a compare-and-swap (<c>oldObjectId</c> must still hold).</summary>
public sealed record GitRefUpdate(string Name, string OldObjectId, string NewObjectId);

public sealed record GitRefResult(string Name, bool Success, string? OldObjectId = null, string? NewObjectId = null, string? UpdateStatus = null);

public sealed record AzureRef(string Name, string ObjectId);

public sealed record CommitRef(string CommitId);

public sealed record RevertSource(IReadOnlyList<CommitRef> CommitList);

/// <summary>A revert to make on the server: the commits reverted onto a branch, the result left on a generated ref.</summary>
public sealed record NewRevert(RevertSource Source, string OntoRefName, string GeneratedRefName);

/// <summary>A revert operation: queued, inProgress, completed, failed or abandoned.</summary>
public sealed record AzureRevert(int RevertId, string Status, RevertDetail? DetailedStatus = null, RevertParameters? Parameters = null);

public sealed record RevertParameters(string? OntoRefName = null, string? GeneratedRefName = null);

public sealed record RevertDetail(bool? Conflict = null, string? FailureMessage = null, string? CurrentCommitId = null, bool? Timedout = null);

public sealed record IdentityRef(string Id, string? DisplayName = null);

public sealed record AzurePullRequest(int PullRequestId, string Status, string SourceRefName, string TargetRefName, string? Title = null, IdentityRef? CreatedBy = null);

public sealed record NewAzurePullRequest(string SourceRefName, string TargetRefName, string Title, string Description);

public sealed record CompletionOptions(bool DeleteSourceBranch, string MergeCommitMessage, bool SquashMerge);

public sealed record AutoCompleteUpdate(IdentityRef AutoCompleteSetBy, CompletionOptions CompletionOptions);

public sealed record StatusContext(string Name, string Genre);

/// <summary>A commit or pull request status; written in the documented order (state, description, targetUrl, context).</summary>
public sealed record AzureStatus(
    [property: JsonPropertyOrder(0)] string State,
    [property: JsonPropertyOrder(3)] StatusContext Context,
    [property: JsonPropertyOrder(1)] string? Description = null,
    [property: JsonPropertyOrder(2)] string? TargetUrl = null);

public sealed record ThreadComment(int ParentCommentId, string Content, int CommentType);

/// <summary>A pull request thread to start: status 1 is "active".</summary>
public sealed record NewThread(IReadOnlyList<ThreadComment> Comments, int Status);

public sealed record AzureThread(int Id, IReadOnlyList<AzureComment>? Comments = null);

public sealed record AzureComment(string? Content = null);

public sealed record GitUserDate(DateTimeOffset Date, string? Name = null, string? Email = null);

public sealed record AzureCommit(string CommitId, GitUserDate? Committer = null, string? Comment = null);

/// <summary>A pipeline run (a "build"), as much as we read of it: the commit it built.</summary>
public sealed record AzureBuild(int Id, string? SourceVersion = null, string? SourceBranch = null, string? Result = null);

/// <summary>Azure DevOps' error body.</summary>
public sealed record AzureError(string? Message = null, string? TypeKey = null);

/// <summary>
/// Source-generated JSON for the Azure Repos calls we make: camelCase, nulls left out, no reflection. An answer without
/// a member the model needs, or with null where it allows none, fails to read (exit 3), never a crash later.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ListOf<AzureRef>))]
[JsonSerializable(typeof(GitRefUpdate[]))]
[JsonSerializable(typeof(ListOf<GitRefResult>))]
[JsonSerializable(typeof(NewRevert))]
[JsonSerializable(typeof(AzureRevert))]
[JsonSerializable(typeof(ListOf<AzurePullRequest>))]
[JsonSerializable(typeof(AzurePullRequest))]
[JsonSerializable(typeof(NewAzurePullRequest))]
[JsonSerializable(typeof(AutoCompleteUpdate))]
[JsonSerializable(typeof(AzureStatus))]
[JsonSerializable(typeof(ListOf<AzureStatus>))]
[JsonSerializable(typeof(NewThread))]
[JsonSerializable(typeof(AzureThread))]
[JsonSerializable(typeof(ListOf<AzureThread>))]
[JsonSerializable(typeof(AzureCommit))]
[JsonSerializable(typeof(ListOf<AzureBuild>))]
[JsonSerializable(typeof(AzureError))]
internal sealed partial class AzureReposJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Pipelines.Adapters.AzureDevOps;

/// <summary>Azure DevOps wraps lists: <c>{"value": [...], "count": n}</c>.</summary>
public sealed record ListOf<T>(IReadOnlyList<T> Value);

/// <summary>A git ref, as read or as one update of a compare-and-swap (<c>oldObjectId</c> must still hold).</summary>
public sealed record GitRefUpdate(string Name, string OldObjectId, string NewObjectId);

public sealed record GitRefResult(string Name, string? OldObjectId, string? NewObjectId, bool Success, string? UpdateStatus);

public sealed record AzureRef(string Name, string ObjectId);

public sealed record CommitRef(string CommitId);

public sealed record RevertSource(IReadOnlyList<CommitRef> CommitList);

/// <summary>A revert to make on the server: the commits reverted onto a branch, the result left on a generated ref.</summary>
public sealed record NewRevert(RevertSource Source, string OntoRefName, string GeneratedRefName);

/// <summary>A revert operation: queued, inProgress, completed, failed or abandoned.</summary>
public sealed record AzureRevert(int RevertId, string Status, RevertDetail? DetailedStatus, RevertParameters? Parameters);

public sealed record RevertParameters(string? OntoRefName, string? GeneratedRefName);

public sealed record RevertDetail(bool? Conflict, string? FailureMessage, string? CurrentCommitId, bool? Timedout);

public sealed record IdentityRef(string Id, string? DisplayName = null);

public sealed record AzurePullRequest(int PullRequestId, string Status, string SourceRefName, string TargetRefName, string? Title, IdentityRef? CreatedBy);

public sealed record NewAzurePullRequest(string SourceRefName, string TargetRefName, string Title, string Description);

public sealed record CompletionOptions(bool DeleteSourceBranch, string MergeCommitMessage, bool SquashMerge);

public sealed record AutoCompleteUpdate(IdentityRef AutoCompleteSetBy, CompletionOptions CompletionOptions);

public sealed record StatusContext(string Name, string Genre);

public sealed record AzureStatus(string State, string? Description, string? TargetUrl, StatusContext Context);

public sealed record ThreadComment(int ParentCommentId, string Content, int CommentType);

/// <summary>A pull request thread to start: status 1 is "active".</summary>
public sealed record NewThread(IReadOnlyList<ThreadComment> Comments, int Status);

public sealed record AzureThread(int Id, IReadOnlyList<AzureComment>? Comments);

public sealed record AzureComment(string? Content);

public sealed record GitUserDate(string? Name, string? Email, DateTimeOffset Date);

public sealed record AzureCommit(string CommitId, GitUserDate? Committer, string? Comment);

/// <summary>A pipeline run (a "build"), as much as we read of it: the commit it built.</summary>
public sealed record AzureBuild(int Id, string? SourceVersion, string? SourceBranch, string? Result);

/// <summary>Azure DevOps' error body.</summary>
public sealed record AzureError(string? Message, string? TypeKey);

/// <summary>Source-generated JSON for the Azure Repos calls we make: camelCase, nulls left out, no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
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

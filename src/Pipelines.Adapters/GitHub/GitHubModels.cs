using System.Text.Json.Serialization;

namespace Pipelines.Adapters.GitHub;

/// <summary>A commit status, as sent (the body's key order is GitHub's documented one).</summary>
public sealed record NewStatus(string State, string? TargetUrl, string? Description, string Context);

/// <summary>A commit status, as read.</summary>
public sealed record CommitStatus(long Id, string State, string? Description, string? TargetUrl, string? Context);

/// <summary>A git reference, as read.</summary>
public sealed record GitRef(string Ref, [property: JsonPropertyName("object")] GitObject Target);

public sealed record GitObject(string Sha, string Type);

public sealed record NewRef(string Ref, string Sha);

public sealed record RefUpdate(string Sha, bool? Force = null);

/// <summary>An issue or pull request, as much as we read of it.</summary>
public sealed record Issue(long Id, int Number, string Title, string State);

/// <summary>GitHub's error body: a message, and for 422 the fields that were wrong.</summary>
public sealed record ApiError(string? Message, IReadOnlyList<ApiErrorDetail>? Errors, string? DocumentationUrl);

public sealed record ApiErrorDetail(string? Resource, string? Field, string? Code, string? Message);

/// <summary>Source-generated JSON for the GitHub REST calls we make: snake_case, nulls left out, no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NewStatus))]
[JsonSerializable(typeof(CommitStatus[]))]
[JsonSerializable(typeof(GitRef))]
[JsonSerializable(typeof(GitRef[]))]
[JsonSerializable(typeof(NewRef))]
[JsonSerializable(typeof(RefUpdate))]
[JsonSerializable(typeof(Issue[]))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;

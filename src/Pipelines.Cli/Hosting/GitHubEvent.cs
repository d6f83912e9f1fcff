using System.Text.Json;
using Pipelines.Core.Errors;

namespace Pipelines.Cli.Hosting;

/// <summary>The <c>workflow_run</c> a red trunk fires (<c>on: workflow_run: types: [completed]</c>).</summary>
public sealed record WorkflowRunEvent(string? HeadSha, string? HeadBranch, long? WorkflowId);

/// <summary>
/// The payload of the event that started a GitHub Actions run, parsed once. Only the fields we use are read, each when
/// first asked for; a field of the wrong type is bad input that names the file and the JSON path, never a crash.
/// </summary>
public sealed class GitHubEvent
{
    private readonly JsonElement _root;
    private readonly string _source;

    private GitHubEvent(JsonElement root, string source)
    {
        _root = root;
        _source = source;
    }

    /// <summary>A push's <c>before</c>: the branch's commit before the push (forty zeros for a new branch).</summary>
    public string? Before => Text(_root, "before", "$.before");

    /// <summary>The <c>workflow_run</c> object, when the run was started by one.</summary>
    public WorkflowRunEvent? WorkflowRun
    {
        get
        {
            if (!_root.TryGetProperty("workflow_run", out var run) || run.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (run.ValueKind != JsonValueKind.Object)
            {
                throw Wrong("$.workflow_run", "an object", run);
            }

            long? workflow = null;
            if (run.TryGetProperty("workflow_id", out var id) && id.ValueKind != JsonValueKind.Null)
            {
                workflow = id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number)
                    ? number
                    : throw Wrong("$.workflow_run.workflow_id", "a whole number", id);
            }

            return new WorkflowRunEvent(Text(run, "head_sha", "$.workflow_run.head_sha"), Text(run, "head_branch", "$.workflow_run.head_branch"), workflow);
        }
    }

    /// <summary>Reads and parses the file; bad input (exit 2) when it is not a JSON object.</summary>
    /// <param name="variable">The variable that named the file, for messages.</param>
    public static GitHubEvent Load(string path, string variable)
    {
        ArgumentNullException.ThrowIfNull(path);
        var source = $"{variable}: {path}";
        string text;
        try
        {
            Adapters.Files.InputLimits.CheckSize(path, source, Adapters.Files.InputLimits.MaxDataFileBytes, "event payload");
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{source}: the event file cannot be read", ex);
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = Adapters.Files.InputLimits.MaxJsonDepth });
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            // The exception's own message can be a bare resource key in a trimmed build: say it in words, with the place.
            var place = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
            throw new InputException($"{source}: the event payload is not valid JSON{place}", ex);
        }

        if (Adapters.Files.JsonInput.BrokenString(root) is { } broken)
        {
            throw new InputException($"{source}: {broken}: the text has an unpaired UTF-16 escape (\\ud800 without its pair)");
        }

        var parsed = new GitHubEvent(root, source);
        return root.ValueKind == JsonValueKind.Object ? parsed : throw parsed.Wrong("$", "an object", root);
    }

    private string? Text(JsonElement parent, string name, string path) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String
            ? Adapters.Files.JsonInput.TextOrNull(value) ?? throw new InputException($"{_source}: {path}: the string has an unpaired UTF-16 escape (\\ud800 without its pair)")
        : throw Wrong(path, "a string", value);

    private InputException Wrong(string path, string expected, JsonElement found) =>
        new($"{_source}: {path}: expected {expected}, got {Describe(found.ValueKind)}");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => "null",
    };
}

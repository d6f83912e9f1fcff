using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Formats;

/// <summary>A file in the impact map file.</summary>
public sealed record ImpactFileJson(string Path, string Hash, bool Code);

/// <summary>A test in the impact map file; <see cref="Files"/> are indices into the file list.</summary>
public sealed record ImpactTestJson(string Name, string Class, string? Source, string Outcome, IReadOnlyList<int> Files);

/// <summary>A test project in the impact map file; <see cref="Granularity"/> is written only when not per test ("class").</summary>
public sealed record ImpactProjectJson(
    string Path,
    IReadOnlyList<ImpactTestJson> Tests,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Granularity = null);

/// <summary>The impact map file as written: see <see cref="ImpactMap"/>.</summary>
public sealed record ImpactMapJson(
    string Format,
    string Commit,
    string RecordedAt,
    IReadOnlyList<ImpactFileJson> Files,
    IReadOnlyList<ImpactProjectJson> Projects);

/// <summary>
/// Reads and writes the impact map. A map that is corrupt, cut short or of another tool is bad input naming the JSON
/// path: select-tests then says so and keeps the project-level answer, it never narrows on a map it cannot trust.
/// </summary>
public static class ImpactMapFile
{
    public static void Write(string path, ImpactMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var json = new ImpactMapJson(
            ImpactMap.CurrentFormat,
            map.Commit,
            map.RecordedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            [.. map.Files.Select(f => new ImpactFileJson(f.Path, f.Hash, f.Code))],
            [.. map.Projects.Select(p => new ImpactProjectJson(p.Path, [.. p.Tests.Select(t =>
                new ImpactTestJson(t.Name, t.ClassName, t.Source, OutcomeName(t.Outcome), t.Files))],
                p.Granularity == ImpactGranularity.Class ? "class" : null))]);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Written beside and renamed: a job cancelled mid-write leaves the previous map, not half of a new one.
        var temporary = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(json, ImpactMapJsonContext.Default.ImpactMapJson));
        File.Move(temporary, full, overwrite: true);
    }

    /// <param name="display">The file as messages name it (the path the user gave).</param>
    public static ImpactMap Read(string path, string display)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"{display}: no impact map there; record one with 'pipelines record-impact'");
        }

        var (file, document) = JsonInput.Load(path, display, "impact map");
        using (document)
        {
            return Read(file, document.RootElement);
        }
    }

    /// <summary>Parses a map from bytes (what the fuzz tests feed it).</summary>
    public static ImpactMap Parse(byte[] bytes, string display)
    {
        var (file, document) = JsonInput.FromBytes(bytes, display, "impact map");
        using (document)
        {
            return Read(file, document.RootElement);
        }
    }

    private static ImpactMap Read(JsonInput file, JsonElement root)
    {
        file.Expect(root, JsonValueKind.Object, "$");
        if (!root.TryGetProperty("format", out var format) || JsonInput.TextOrNull(format) != ImpactMap.CurrentFormat)
        {
            throw file.Error("$.format", $"expected \"{ImpactMap.CurrentFormat}\" (an impact map of this version, written by 'pipelines record-impact')");
        }

        var commit = file.Text(file.Member(root, "commit", "$"), "$.commit");
        if (!IsObjectId(commit))
        {
            throw file.Error("$.commit", "expected a full commit id (40 or 64 hex digits)");
        }

        var recordedText = file.Text(file.Member(root, "recordedAt", "$"), "$.recordedAt");
        if (!DateTimeOffset.TryParse(recordedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var recordedAt))
        {
            throw file.Error("$.recordedAt", "expected an ISO 8601 time, e.g. 2026-12-07T05:00:00Z");
        }

        var files = new List<ImpactFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (item, at) in file.Items(file.Member(root, "files", "$"), "$.files"))
        {
            var path = RepositoryPath(file, file.Member(item, "path", at), at + ".path");
            if (!seen.Add(path))
            {
                throw file.Error(at + ".path", $"\"{path}\" is listed twice");
            }

            var hash = file.Text(file.Member(item, "hash", at), at + ".hash");
            if (!IsObjectId(hash))
            {
                throw file.Error(at + ".hash", "expected a git blob id (40 or 64 hex digits)");
            }

            files.Add(new ImpactFile(path, hash, file.Bool(file.Member(item, "code", at), at + ".code")));
        }

        var projects = new List<ImpactProject>();
        var projectPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (item, at) in file.Items(file.Member(root, "projects", "$"), "$.projects"))
        {
            var path = RepositoryPath(file, file.Member(item, "path", at), at + ".path");
            if (!projectPaths.Add(path))
            {
                throw file.Error(at + ".path", $"\"{path}\" is listed twice");
            }

            var tests = new List<ImpactTest>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (test, testAt) in file.Items(file.Member(item, "tests", at), at + ".tests"))
            {
                var name = NonEmpty(file, file.Member(test, "name", testAt), testAt + ".name");
                if (!names.Add(name))
                {
                    throw file.Error(testAt + ".name", $"\"{name}\" is listed twice in this project");
                }

                var className = NonEmpty(file, file.Member(test, "class", testAt), testAt + ".class");
                var source = file.Optional(test, "source", testAt) is { } s ? RepositoryPath(file, s, testAt + ".source") : null;
                var outcomeText = file.Text(file.Member(test, "outcome", testAt), testAt + ".outcome");
                var outcome = outcomeText switch
                {
                    "passed" => ImpactOutcome.Passed,
                    "failed" => ImpactOutcome.Failed,
                    "skipped" => ImpactOutcome.Skipped,
                    _ => throw file.Error(testAt + ".outcome", "expected \"passed\", \"failed\" or \"skipped\""),
                };
                var indices = new List<int>();
                foreach (var (index, indexAt) in file.Items(file.Member(test, "files", testAt), testAt + ".files"))
                {
                    var value = (int)file.Whole(index, indexAt, 0, Math.Max(0, files.Count - 1));
                    if (files.Count == 0 || (indices.Count > 0 && value <= indices[^1]))
                    {
                        throw file.Error(indexAt, files.Count == 0
                            ? "the map lists no files for this index to name"
                            : "expected file indices in ascending order, each once");
                    }

                    indices.Add(value);
                }

                tests.Add(new ImpactTest(name, className, source, outcome, indices));
            }

            // Absent in maps of per-test projects (and in every map written before per-class recording).
            var granularity = file.Optional(item, "granularity", at) is { } g
                ? file.Text(g, at + ".granularity") switch
                {
                    "test" => ImpactGranularity.Test,
                    "class" => ImpactGranularity.Class,
                    _ => throw file.Error(at + ".granularity", "expected \"test\" or \"class\""),
                }
                : ImpactGranularity.Test;
            projects.Add(new ImpactProject(path, tests, granularity));
        }

        return new ImpactMap(commit, recordedAt, files, projects);
    }

    private static string NonEmpty(JsonInput file, JsonElement value, string path) =>
        file.Text(value, path) is { Length: > 0 } text ? text : throw file.Error(path, "expected a name, found an empty string");

    // Paths are compared with git's: a rooted, backslashed or dotted path is not one the tree can hold.
    private static string RepositoryPath(JsonInput file, JsonElement value, string path)
    {
        var text = file.Text(value, path);
        if (text.Length == 0 || text[0] == '/' || text.Contains('\\', StringComparison.Ordinal) || text.Contains('\0', StringComparison.Ordinal)
            || text.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw file.Error(path, "expected a repository-relative path with '/' separators (e.g. src/Billing/Invoice.cs)");
        }

        return text;
    }

    private static bool IsObjectId(string text) =>
        text.Length is 40 or 64 && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static string OutcomeName(ImpactOutcome outcome) => outcome switch
    {
        ImpactOutcome.Passed => "passed",
        ImpactOutcome.Failed => "failed",
        ImpactOutcome.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}

/// <summary>Source-generated JSON for the impact map: camelCase, compact (a map of a large suite runs to megabytes).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ImpactMapJson))]
internal sealed partial class ImpactMapJsonContext : JsonSerializerContext;

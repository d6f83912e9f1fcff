using System.Text.Json;

namespace Pipelines.Bench.Impact;

/// <summary>One mutant of Stryker's JSON report (mutation-testing-report-schema): where, what, and which tests killed it.</summary>
/// <param name="File">Repository-relative path.</param>
/// <param name="StartLine">1-based, as are the columns.</param>
/// <param name="KilledBy">Fully qualified names of every test that failed with it (all of them with --disable-bail).</param>
internal sealed record StrykerMutant(
    string Id,
    string File,
    int StartLine,
    int StartColumn,
    int EndLine,
    int EndColumn,
    string Mutator,
    string Replacement,
    string Status,
    string? StatusReason,
    IReadOnlyList<string> KilledBy);

internal static class StrykerReport
{
    /// <param name="root">The folder the report's absolute paths are under (the clone Stryker ran in).</param>
    public static IReadOnlyList<StrykerMutant> Read(string path, string root)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("testFiles", out var testFiles))
        {
            foreach (var file in testFiles.EnumerateObject())
            {
                foreach (var test in file.Value.GetProperty("tests").EnumerateArray())
                {
                    names[test.GetProperty("id").GetString()!] = test.GetProperty("name").GetString()!;
                }
            }
        }

        var mutants = new List<StrykerMutant>();
        foreach (var file in document.RootElement.GetProperty("files").EnumerateObject())
        {
            var relative = Path.GetRelativePath(root, file.Name).Replace('\\', '/');
            foreach (var mutant in file.Value.GetProperty("mutants").EnumerateArray())
            {
                var location = mutant.GetProperty("location");
                var killedBy = mutant.TryGetProperty("killedBy", out var killers) && killers.ValueKind == JsonValueKind.Array
                    ? killers.EnumerateArray().Select(k => names.GetValueOrDefault(k.GetString()!) ?? k.GetString()!).Distinct(StringComparer.Ordinal).ToList()
                    : [];
                mutants.Add(new StrykerMutant(
                    mutant.GetProperty("id").ToString(),
                    relative,
                    location.GetProperty("start").GetProperty("line").GetInt32(),
                    location.GetProperty("start").GetProperty("column").GetInt32(),
                    location.GetProperty("end").GetProperty("line").GetInt32(),
                    location.GetProperty("end").GetProperty("column").GetInt32(),
                    mutant.GetProperty("mutatorName").GetString()!,
                    mutant.TryGetProperty("replacement", out var replacement) ? replacement.GetString() ?? string.Empty : string.Empty,
                    mutant.GetProperty("status").GetString()!,
                    mutant.TryGetProperty("statusReason", out var reason) ? reason.GetString() : null,
                    killedBy));
            }
        }

        return mutants;
    }

    /// <summary>The file's text with the mutant applied, and the lines it removed and added (what a diff would show).</summary>
    public static (string Text, IReadOnlyList<string> ChangedLines) Apply(string text, StrykerMutant mutant)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var start = lineStarts[mutant.StartLine - 1] + mutant.StartColumn - 1;
        var end = lineStarts[mutant.EndLine - 1] + mutant.EndColumn - 1;
        var mutated = string.Concat(text.AsSpan(0, start), mutant.Replacement, text.AsSpan(end));
        var firstLine = lineStarts[mutant.StartLine - 1];
        var lastLineEnd = mutant.EndLine < lineStarts.Count ? lineStarts[mutant.EndLine] - 1 : text.Length;
        var removed = text[firstLine..lastLineEnd].Split('\n');
        var added = mutated[firstLine..(lastLineEnd + mutated.Length - text.Length)].Split('\n');
        return (mutated, [.. removed, .. added]);
    }
}

using Pipelines.Adapters.Files;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Git;

/// <summary>
/// The changes since an impact map's commit, as <see cref="ImpactSelector"/> asks for them: one <c>git diff -U0</c> of
/// the source files, read on first use, and head's text from the tree already open.
/// </summary>
public sealed class GitImpactDiff(GitRepository repository, GitTree head, string mapCommit) : IImpactDiff
{
    private Dictionary<string, List<string>>? _lines;
    private SourceNameIndex? _names;

    public IReadOnlyList<string> ChangedLines(string path)
    {
        _lines ??= Parse(repository.DiffWithoutContext(mapCommit, head.Commit, ["*.cs", "*.fs", "*.vb"]));
        return _lines.TryGetValue(path, out var lines) ? lines : [];
    }

    public string? HeadText(string path) => head.ReadText(path);

    public IReadOnlyList<string> SourcesNaming(string identifier) => (_names ??= new SourceNameIndex(head)).FilesNaming(identifier);

    /// <summary>Added and removed lines per file, from <c>git diff -U0</c> output.</summary>
    internal static Dictionary<string, List<string>> Parse(string diff)
    {
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        string? oldPath = null;
        foreach (var line in diff.Split('\n'))
        {
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                current = null;
                oldPath = null;
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal) && current is null)
            {
                oldPath = PathOf(line[4..]);
            }
            else if (line.StartsWith("+++ ", StringComparison.Ordinal) && current is null)
            {
                // A deleted file's lines belong to its old path.
                var path = PathOf(line[4..]) ?? oldPath;
                current = path is null ? [] : files.TryGetValue(path, out var list) ? list : files[path] = [];
            }
            else if (current is not null && line.Length > 0 && line[0] is '+' or '-')
            {
                current.Add(line[1..].TrimEnd('\r'));
            }
        }

        return files;
    }

    // "a/src/x.cs" → "src/x.cs"; /dev/null → null. Names with quotes or control characters come quoted (core.quotePath=false keeps the rest plain).
    private static string? PathOf(string text)
    {
        text = text.TrimEnd('\r', '\t'); // git ends a name with a space in it with a tab
        if (text == "/dev/null")
        {
            return null;
        }

        if (text.StartsWith('"') && text.EndsWith('"') && text.Length >= 2)
        {
            text = System.Text.RegularExpressions.Regex.Unescape(text[1..^1]);
        }

        return text.Length > 2 && text[1] == '/' ? text[2..] : text;
    }
}

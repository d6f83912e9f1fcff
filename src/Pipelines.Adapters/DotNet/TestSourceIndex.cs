using System.Text.RegularExpressions;
using Pipelines.Adapters.Files;
using Pipelines.Core.Selection;

namespace Pipelines.Adapters.DotNet;

/// <summary>
/// Answers which test projects name a file in their sources: the files tests read at run time (a workflow they lint,
/// a sample they build) rather than through the build. Reads the sources of test projects, of test-support libraries
/// and of the libraries only tests use, once, on the first question.
/// </summary>
public sealed partial class TestSourceIndex : ITestSourceIndex
{
    /// <summary>Larger files are generated data, not sources that name paths.</summary>
    private const int MaxFileChars = 1 << 20;

    private static readonly string[] ScriptExtensions = [".sh", ".bash", ".ps1", ".psm1", ".cmd", ".bat", ".mk"];

    private static readonly string[] SourceExtensions =
    [
        ".cs", ".fs", ".vb", ".json", ".yml", ".yaml", ".xml", ".txt", ".sh", ".ps1", ".props", ".targets", ".csproj", ".fsproj", ".vbproj",
    ];

    private readonly IFileTree _tree;
    private readonly ProjectGraph _graph;
    private readonly Dictionary<string, IReadOnlyList<(string Project, string Path, IReadOnlyList<(string Named, bool InConstant)> Names)>> _answers = new(StringComparer.Ordinal);
    private List<(string Project, string Path, string Text)>? _sources;
    private List<(string Path, string Text)>? _scripts;

    public TestSourceIndex(IFileTree tree, ProjectGraph graph)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(graph);
        _tree = tree;
        _graph = graph;
    }

    public IReadOnlyList<NamingSource> SourcesNaming(string path, bool exactly = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var sources = _sources ??= Read();
        var found = new SortedDictionary<string, NamingSource>(StringComparer.Ordinal); // by path, then project
        foreach (var needle in Needles(path, exactly))
        {
            if (!_answers.TryGetValue(needle, out var naming))
            {
                naming = _answers[needle] = [.. sources.Select(s => (s.Project, s.Path, Names: Occurrences(s.Text, needle, IsCode(s.Path)))).Where(s => s.Names.Count > 0)];
            }

            foreach (var (project, source, names) in naming)
            {
                // Only the occurrences that name this path count: "tests/Money/Money.csproj" does not name tests/data.
                var covering = names.Where(n => n.Named.Length == 0 || path == n.Named || path.StartsWith(n.Named + "/", StringComparison.Ordinal)).ToList();
                if (covering.Count == 0)
                {
                    continue;
                }

                var key = source + "\n" + project;
                var inConstant = covering.Any(n => n.InConstant) || (found.TryGetValue(key, out var seen) && seen.InConstant);
                found[key] = new NamingSource(project, source, inConstant);
            }
        }

        return [.. found.Values];
    }

    /// <summary>
    /// What the occurrences of <paramref name="needle"/> in <paramref name="text"/> name: "" for the needle itself; for a
    /// whole top folder (<c>"tests"</c>) followed by more literal segments, the path they make
    /// (<c>Path.Combine("tests", "data")</c> → <c>tests/data</c>). A top folder used as a key (<c>["tests"] =</c>,
    /// <c>"tests":</c>) names nothing.
    /// </summary>
    internal static IReadOnlyList<(string Named, bool InConstant)> Occurrences(string text, string needle, bool code = false)
    {
        var named = new List<(string, bool)>();
        var wholeFolder = needle.Length > 2 && needle[0] == '"' && needle[^1] == '"';
        var folderPrefix = needle.Length > 2 && needle[0] == '"' && needle[^1] == '/';
        for (var at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            if (!IsName(text, needle, at) || (code && InComment(text, at)))
            {
                continue;
            }

            if (folderPrefix)
            {
                // "tasks/{name}/task.json" names what lies below the literal's start; "tests/Money/Money.csproj" names itself.
                var stop = text.IndexOfAny(['"', '{', '\n'], at + 1);
                var literal = text[(at + 1)..(stop < 0 ? text.Length : stop)];
                named.Add((stop >= 0 && text[stop] == '"' ? literal.TrimEnd('/') : literal[..literal.LastIndexOf('/')], InConstant(text, at)));
                continue;
            }

            if (!wholeFolder)
            {
                named.Add((string.Empty, InConstant(text, at)));
                continue;
            }

            // A key, not a path: an indexer's (map["tests"], ["tests"] = …) or JSON's ("tests": …, no space before the colon).
            // The last item of a list (["-la", "tests"]) is no key.
            var i = SkipSpaces(text, at + needle.Length);
            if ((i < text.Length && text[i] == ']' && Indexer(text, at)) || (at + needle.Length < text.Length && text[at + needle.Length] == ':'))
            {
                continue;
            }

            // A later piece of a path the call joins (Path.Combine("tests", "samples")): the first piece names it.
            // A command's verb (["build", project, "--configuration", "Debug"]) is no folder either.
            if (LaterPathPiece(text, at) || CommandVerb(text, at))
            {
                continue;
            }

            var path = needle[1..^1];
            while (i < text.Length && text[i] == ',')
            {
                var open = SkipSpaces(text, i + 1);
                var close = open < text.Length && text[open] == '"' ? text.IndexOf('"', open + 1) : -1;
                if (close < 0 || text.AsSpan(open + 1, close - open - 1).ContainsAny("\\{\n"))
                {
                    break;
                }

                path += "/" + text[(open + 1)..close];
                i = SkipSpaces(text, close + 1);
            }

            named.Add((path == needle[1..^1] ? string.Empty : path, InConstant(text, at)));
        }

        return named;
    }

    /// <summary>
    /// True when the literal opening at <paramref name="at"/> follows other literals in the arguments of
    /// <c>Path.Combine</c> or <c>Path.Join</c>. In other lists (<c>new[] { "src", "tests" }</c>) each literal stands alone.
    /// </summary>
    private static bool LaterPathPiece(string text, int at)
    {
        var i = SkipSpacesBack(text, at - 1);
        var pieces = 0;
        while (i >= 0 && text[i] == ',')
        {
            i = SkipSpacesBack(text, i - 1);
            if (i < 0 || text[i] != '"')
            {
                return false;
            }

            var open = text.LastIndexOf('"', Math.Max(0, i - 1));
            if (open < 0 || text.AsSpan(open + 1, i - open - 1).ContainsAny("\\{\n"))
            {
                return false;
            }

            pieces++;
            i = SkipSpacesBack(text, open - 1);
        }

        if (pieces == 0 || i < 0 || text[i] != '(')
        {
            return false;
        }

        var call = text.AsSpan(0, i).TrimEnd();
        return call.EndsWith("Path.Combine", StringComparison.Ordinal) || call.EndsWith("Path.Join", StringComparison.Ordinal);
    }

    /// <summary>True when the literal opening at <paramref name="at"/> stands alone in brackets after a name or an initializer's start.</summary>
    private static bool Indexer(string text, int at)
    {
        var open = SkipSpacesBack(text, at - 1);
        if (open < 0 || text[open] != '[')
        {
            return false;
        }

        var before = SkipSpacesBack(text, open - 1);
        return before < 0 || IsNameChar(text[before]) || text[before] is ')' or ']' or '{' or ',' && InInitializer(text, open);
    }

    /// <summary>True when the bracket at <paramref name="open"/> starts an object initializer's entry (<c>{ ["tests"] = …</c>).</summary>
    private static bool InInitializer(string text, int open)
    {
        var close = text.IndexOf(']', open);
        return close > 0 && SkipSpaces(text, close + 1) is var after && after < text.Length && text[after] == '=' && (after + 1 >= text.Length || text[after + 1] != '=');
    }

    /// <summary>
    /// True when the literal opening at <paramref name="at"/> is the first of an argument list that also holds an option
    /// (<c>["build", path, "--output", dir]</c>): a command line's verb. Later bare words in it may still be folders.
    /// </summary>
    private static bool CommandVerb(string text, int at)
    {
        var before = SkipSpacesBack(text, at - 1);
        if (before < 0 || text[before] is not ('[' or '{'))
        {
            return false;
        }

        var depth = 0;
        for (var i = at; i < text.Length && i < at + 1000; i++)
        {
            var c = text[i];
            if (c is '[' or '{' or '(')
            {
                depth++;
            }
            else if (c is ']' or '}' or ')')
            {
                if (depth == 0)
                {
                    return false; // the list ended without an option
                }

                depth--;
            }
            else if (c == '"' && depth == 0 && i > at && i + 1 < text.Length && text[i + 1] == '-' && text[i - 1] is ' ' or ',' or '[')
            {
                return true;
            }
        }

        return false;
    }

    private static int SkipSpacesBack(string text, int i)
    {
        while (i >= 0 && text[i] is ' ' or '\t' or '\r' or '\n')
        {
            i--;
        }

        return i;
    }

    private static int SkipSpaces(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t' or '\r' or '\n')
        {
            i++;
        }

        return i;
    }

    public IReadOnlyList<string> ScriptsNaming(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var scripts = _scripts ??= [.. _tree.Files.Where(IsScript).Select(f => (f, _tree.ReadText(f))).Where(s => s.Item2 is { Length: <= MaxFileChars }).Select(s => (s.f, s.Item2!))];
        var needles = Needles(path, exactly: true).Where(n => !n.StartsWith('"')).ToList();
        return [.. scripts.Where(s => needles.Any(n => Names(s.Text, n))).Select(s => s.Path)];
    }

    private static bool IsScript(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return ScriptExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase))
            || name is "Makefile" or "makefile" or "GNUmakefile";
    }

    /// <summary>
    /// True when <paramref name="needle"/> stands in <paramref name="text"/> as a whole name: "src/Lib" names the folder in
    /// "src/Lib/A.cs" but not in "src/Libs" or "src/Lib.Tests". A quote or slash that ends the needle is its own boundary.
    /// </summary>
    internal static bool Names(string text, string needle)
    {
        for (var at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            if (IsName(text, needle, at))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsName(string text, string needle, int at)
    {
        var end = at + needle.Length;
        var before = at == 0 || needle[0] == '"' || !IsNameChar(text[at - 1]);
        var after = end == text.Length || needle[^1] is '"' or '/' || !IsNameChar(text[end]);
        return before && after;
    }

    /// <summary>True when <paramref name="at"/> lies in a line comment (<c>//</c> outside a string) or a block comment's line.</summary>
    private static bool InComment(string text, int at)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        var line = text.AsSpan(start, at - start);
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("*") || trimmed.StartsWith("/*"))
        {
            return true;
        }

        var quotes = 0;
        for (var i = 0; i + 1 < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quotes++;
            }
            else if (line[i] == '/' && line[i + 1] == '/' && quotes % 2 == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCode(string path) =>
        path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".fs", StringComparison.OrdinalIgnoreCase);

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

    /// <summary>True when the statement around <paramref name="at"/> declares a constant.</summary>
    private static bool InConstant(string text, int at)
    {
        // From the end of the statement or block before it: a declaration may break its line before the value.
        var start = text.LastIndexOfAny([';', '{', '}'], Math.Max(0, at - 1)) + 1;
        var statement = text[start..at];

        // Not a "const" inside a string (a test that writes a source file with one): an even number of quotes before it
        // on its line (a ';' inside an earlier string can cut the statement short, a line cannot).
        return ConstDeclaration().Matches(statement).Any(m =>
        {
            var keyword = start + m.Index;
            var lineStart = text.LastIndexOf('\n', Math.Max(0, keyword - 1)) + 1;
            return text[lineStart..keyword].Replace("\\\"", string.Empty, StringComparison.Ordinal).Count(c => c == '"') % 2 == 0;
        });
    }

    /// <summary>
    /// The file's path and its folders of two or more segments (<c>.github/workflows</c>, <c>samples/shop</c>): tests
    /// often enumerate a folder. A top folder (<c>tasks</c>) counts only as the start of a string literal
    /// (<c>"tasks"</c>, <c>"tasks/{name}/task.json"</c>): unquoted, a single segment would name nearly everything.
    /// </summary>
    internal static IEnumerable<string> Needles(string path, bool exactly = false)
    {
        yield return path;
        var folder = path;
        while (folder.LastIndexOf('/') is var slash and > 0)
        {
            folder = folder[..slash];
            if (!folder.Contains('/', StringComparison.Ordinal))
            {
                yield return "\"" + folder + "\"";
                if (!exactly)
                {
                    yield return "\"" + folder + "/";
                }

                yield break;
            }

            yield return folder;
        }
    }

    private List<(string Project, string Path, string Text)> Read()
    {
        var dependents = new Dictionary<string, List<ProjectNode>>(StringComparer.Ordinal);
        foreach (var project in _graph.Projects)
        {
            foreach (var reference in project.References)
            {
                if (!dependents.TryGetValue(reference, out var list))
                {
                    dependents[reference] = list = [];
                }

                list.Add(project);
            }
        }

        // Test projects, test-support libraries (a benchmark may share them), and the libraries only tests reference.
        var scanned = _graph.Projects.Where(p => p.IsTestProject || p.IsTestSupport
            || (dependents.TryGetValue(p.Path, out var users) && users.All(u => u.IsTestProject)));
        var sources = new List<(string, string, string)>();
        foreach (var project in scanned)
        {
            var prefix = project.Directory.Length == 0 ? string.Empty : project.Directory + "/";
            foreach (var file in FilesUnder(prefix).Where(f => SourceExtensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase))))
            {
                if (_tree.ReadText(file) is { Length: <= MaxFileChars } text)
                {
                    sources.Add((project.Path, file, text));
                }
            }
        }

        return sources;
    }

    // Files is sorted ordinally, so the files under a folder are one contiguous run.
    private IEnumerable<string> FilesUnder(string prefix)
    {
        var files = _tree.Files;
        int low = 0, high = files.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (string.CompareOrdinal(files[mid], prefix) < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        for (var i = low; i < files.Count && files[i].StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            yield return files[i];
        }
    }

    [GeneratedRegex(@"\bconst\b", RegexOptions.CultureInvariant)]
    private static partial Regex ConstDeclaration();
}

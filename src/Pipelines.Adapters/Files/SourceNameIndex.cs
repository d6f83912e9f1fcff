using System.Text.RegularExpressions;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Files;

/// <summary>
/// Which C#, F# and VB sources of a tree use an identifier: every source is read and split into identifiers once, on
/// the first question (a few seconds for tens of thousands of files), so later questions are look-ups.
/// </summary>
public sealed partial class SourceNameIndex(IFileTree tree)
{
    private Dictionary<string, List<string>>? _files;

    /// <summary>The sources in which <paramref name="identifier"/> stands as a whole word, in path order.</summary>
    public IReadOnlyList<string> FilesNaming(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        _files ??= Build();
        return _files.TryGetValue(identifier, out var files) ? files : [];
    }

    private Dictionary<string, List<string>> Build()
    {
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in tree.Files.Where(SourceDeclarations.IsSource))
        {
            if (tree.ReadText(path) is not { } text)
            {
                continue;
            }

            // Files come in path order, so each list stays sorted; a set per file keeps one entry a name.
            foreach (var name in Identifier().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                if (!files.TryGetValue(name, out var list))
                {
                    files[name] = list = [];
                }

                list.Add(path);
            }
        }

        return files;
    }

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}

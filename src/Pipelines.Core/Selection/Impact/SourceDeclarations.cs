using System.Text.RegularExpressions;

namespace Pipelines.Core.Selection.Impact;

/// <summary>
/// What a change to a source file does beyond the code it runs: the cases where tests that never executed the file can
/// still behave differently, so only the project-level answer is safe.
/// </summary>
public static partial class SourceDeclarations
{
    /// <summary>The source extensions whose code an instrumented assembly's symbols name.</summary>
    public static bool IsSource(string path) =>
        path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".fs", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".vb", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Why a change reaches beyond the code tests executed, or null when it does not: a constant others can see, or any
    /// constant of a partial type, or an enum member (compiled into the callers), a partial type (another file's part runs it), a module initializer, a global using or an
    /// assembly attribute.
    /// </summary>
    /// <param name="changedLines">The lines added or removed.</param>
    /// <param name="headText">The file at head, or null when it is gone.</param>
    public static Reach? ReachBeyondExecutedCode(IReadOnlyList<string> changedLines, string? headText)
    {
        ArgumentNullException.ThrowIfNull(changedLines);
        foreach (var line in changedLines)
        {
            var code = WithoutComment(line);
            if (code.Length == 0)
            {
                continue;
            }

            var match = Reaching().Match(code);
            // A private constant (or a local one) is compiled only into its own type, which is this file unless the
            // type is partial: only a constant others can see, or one of a partial type, reaches beyond.
            if (match.Success && match.Value.Trim() == "const" && !VisibleConstant().IsMatch(code) && !DeclaresPartialType(headText))
            {
                continue;
            }

            if (match.Success)
            {
                return match.Value.Trim() switch
                {
                    "const" => new Reach("it changes a constant, which the compiler copies into every caller", ThroughNames: true),
                    "enum" => new Reach("it changes an enum, whose values the compiler copies into every user", ThroughNames: true),
                    "partial" => new Reach("it changes a partial type, whose other parts run in tests this map did not see run this file", ThroughNames: true),
                    "interface" => new Reach("it changes an interface, whose implementations and callers live elsewhere", ThroughNames: true),
                    var other when other.StartsWith("global", StringComparison.Ordinal) => new Reach("it changes a global using, which applies to every file of the project", ThroughNames: false),
                    var other when other.StartsWith("[assembly", StringComparison.Ordinal) => new Reach("it changes an assembly attribute", ThroughNames: false),
                    _ => new Reach("it changes a module initializer, which runs whenever the assembly loads", ThroughNames: false),
                };
            }
        }

        // A changed enum member line ("Red = 2,") names no keyword: any change to a file declaring an enum counts.
        return headText is not null && changedLines.Count > 0 && EnumDeclaration().IsMatch(headText)
            ? new Reach("it declares an enum, whose values the compiler copies into every user", ThroughNames: true)
            : null;
    }

    /// <summary>
    /// The names of the types a C# source declares (classes, structs, records, interfaces, enums; nested ones too): code
    /// elsewhere that uses a constant, an enum value, an interface or another part of a partial type names one of them.
    /// </summary>
    public static IReadOnlyList<string> TypeNames(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. TypeDeclaration().Matches(text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The names of the classes a C# source declares (bare names, nested ones too): tests in them may be new.</summary>
    public static IReadOnlyList<string> ClassNames(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. ClassDeclaration().Matches(text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static string WithoutComment(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith('*') || trimmed.StartsWith("/*", StringComparison.Ordinal))
        {
            return string.Empty;
        }

        var comment = trimmed.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? trimmed : trimmed[..comment];
    }

    [GeneratedRegex(@"\b(const|enum|partial|interface)\b|\bglobal\s+using\b|\[\s*assembly\s*:|\bModuleInitializer\b", RegexOptions.CultureInvariant)]
    private static partial Regex Reaching();

    private static bool DeclaresPartialType(string? text) => text is null || PartialType().IsMatch(text);

    [GeneratedRegex(@"\b(public|internal|protected)\b[^=;]*\bconst\b", RegexOptions.CultureInvariant)]
    private static partial Regex VisibleConstant();

    [GeneratedRegex(@"\bpartial\s+(class|struct|record|interface)\b", RegexOptions.CultureInvariant)]
    private static partial Regex PartialType();

    [GeneratedRegex(@"\benum\s+[A-Za-z_]\w*", RegexOptions.CultureInvariant)]
    private static partial Regex EnumDeclaration();

    [GeneratedRegex(@"\b(class|record)\s+(?:(?:class|struct)\s+)?(?<name>[A-Za-z_]\w*)", RegexOptions.CultureInvariant)]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"\b(class|struct|record|interface|enum)\s+(?:(?:class|struct)\s+)?(?<name>[A-Za-z_]\w*)", RegexOptions.CultureInvariant)]
    private static partial Regex TypeDeclaration();
}

/// <summary>Why a change reaches code that did not run its file.</summary>
/// <param name="ThroughNames">
/// The code it reaches names one of the file's types (a constant's or an enum's users, an interface's implementations,
/// a partial type's other parts), so the tests that ran the files naming them cover it; false for what reaches a
/// whole project (a global using, an assembly attribute, a module initializer).
/// </param>
public sealed record Reach(string Why, bool ThroughNames);

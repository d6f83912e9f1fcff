using System.Globalization;
using System.Text;
using Pipelines.Adapters.Files;

namespace Pipelines.Adapters.DotNet;

/// <summary>
/// Expands <c>$(Property)</c> and the property functions real repositories use to find their build files
/// (<c>GetPathOfFileAbove</c>, <c>GetDirectoryNameOfFileAbove</c>, <c>NormalizePath</c>, string methods).
/// Anything it cannot know without running MSBuild (item lists, unknown functions, the OS) becomes
/// <see cref="Unknown"/>, which conditions treat as "maybe": we would rather select a test too many than miss one.
/// </summary>
internal sealed class MsBuildExpander(IFileTree tree, Dictionary<string, string> properties)
{
    public const string Unknown = "\u0001unknown\u0001";

    private int _nesting;

    public Dictionary<string, string> Properties { get; } = properties;

    public IFileTree Tree { get; } = tree;

    public static bool IsUnknown(string value) => value.Contains(Unknown, StringComparison.Ordinal);

    /// <param name="file">The repository-relative file the text appears in (for <c>MSBuildThisFile*</c>).</param>
    public string Expand(string text, string file)
    {
        if (!text.Contains("$(", StringComparison.Ordinal) && !text.Contains("@(", StringComparison.Ordinal)
            && !text.Contains("%(", StringComparison.Ordinal))
        {
            return text;
        }

        _nesting++;
        try
        {
            if (_nesting > InputLimits.MaxExpressionNesting)
            {
                throw new MsBuildLimitException($"property functions are nested more than {InputLimits.MaxExpressionNesting} deep (the limit, README \"Limits\")");
            }

            var result = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (i + 1 < text.Length && text[i + 1] == '(' && text[i] is '$' or '@' or '%')
                {
                    var close = MatchingParen(text, i + 1);
                    if (close < 0)
                    {
                        result.Append(text, i, text.Length - i);
                        break;
                    }

                    result.Append(text[i] == '$' ? Evaluate(text[(i + 2)..close].Trim(), file) : Unknown);
                    i = close;
                }
                else
                {
                    result.Append(text[i]);
                }

                if (result.Length > InputLimits.MaxPropertyChars)
                {
                    throw new MsBuildLimitException(
                        $"this value expands to more than {InputLimits.MaxPropertyChars:N0} characters (the limit, README \"Limits\"); does a property refer to itself more than once?");
                }
            }

            return result.ToString();
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>The index of the ')' that closes the '(' at <paramref name="open"/>, skipping quoted text.</summary>
    public static int MatchingParen(string text, int open)
    {
        var depth = 0;
        char quote = '\0';
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"' or '`')
            {
                quote = c;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private string Evaluate(string body, string file)
    {
        string value;
        int rest;
        if (body.StartsWith('['))
        {
            var typeEnd = body.IndexOf(']', StringComparison.Ordinal);
            var colons = body.IndexOf("::", typeEnd + 1, StringComparison.Ordinal);
            var open = colons < 0 ? -1 : body.IndexOf('(', colons);
            if (typeEnd < 0 || colons < 0 || open < 0)
            {
                return Unknown;
            }

            var close = MatchingParen(body, open);
            if (close < 0)
            {
                return Unknown;
            }

            var type = body[1..typeEnd];
            var method = body[(colons + 2)..open].Trim();
            value = StaticCall(type, method, Arguments(body[(open + 1)..close], file), file);
            rest = close + 1;
        }
        else
        {
            var nameEnd = 0;
            while (nameEnd < body.Length && (char.IsLetterOrDigit(body[nameEnd]) || body[nameEnd] is '_' or '-'))
            {
                nameEnd++;
            }

            value = Lookup(body[..nameEnd], file);
            rest = nameEnd;
        }

        // A chain of instance calls: $(Name.EndsWith('.Tests')), $([MSBuild]::X(...).Trim()).
        while (rest < body.Length && !IsUnknown(value))
        {
            if (body[rest] != '.')
            {
                return Unknown;
            }

            var open = body.IndexOf('(', rest);
            var nextDot = body.IndexOf('.', rest + 1);
            if (open < 0 || (nextDot >= 0 && nextDot < open))
            {
                var member = body[(rest + 1)..(nextDot < 0 ? body.Length : nextDot)].Trim();
                value = member == "Length" ? value.Length.ToString(CultureInfo.InvariantCulture) : Unknown;
                rest = nextDot < 0 ? body.Length : nextDot;
                continue;
            }

            var close = MatchingParen(body, open);
            if (close < 0)
            {
                return Unknown;
            }

            value = InstanceCall(value, body[(rest + 1)..open].Trim(), Arguments(body[(open + 1)..close], file));
            rest = close + 1;
        }

        return value;
    }

    private string Lookup(string name, string file) => name switch
    {
        "MSBuildThisFileDirectory" => MsBuildPaths.DirectoryOf(file),
        "MSBuildThisFile" => file[(file.LastIndexOf('/') + 1)..],
        "MSBuildThisFileFullPath" => MsBuildPaths.Root + file,
        "MSBuildThisFileName" => Path.GetFileNameWithoutExtension(file),
        "MSBuildThisFileExtension" => Path.GetExtension(file),
        _ => Properties.TryGetValue(name, out var value) ? value : string.Empty,
    };

    private List<string> Arguments(string text, string file)
    {
        var arguments = new List<string>();
        if (text.Trim().Length == 0)
        {
            return arguments;
        }

        var depth = 0;
        char quote = '\0';
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ',';
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"' or '`':
                    quote = c;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    var argument = text[start..i].Trim();
                    if (argument.Length >= 2 && argument[0] is '\'' or '"' or '`' && argument[^1] == argument[0])
                    {
                        argument = argument[1..^1];
                    }

                    arguments.Add(Expand(argument, file));
                    start = i + 1;
                    break;
            }
        }

        return arguments;
    }

    private string StaticCall(string type, string method, List<string> args, string file)
    {
        if (args.Any(IsUnknown))
        {
            return Unknown;
        }

        string Arg(int i) => i < args.Count ? args[i] : string.Empty;
        switch (type.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant(), method.ToUpperInvariant())
        {
            case ("MSBUILD", "GETDIRECTORYNAMEOFFILEABOVE"):
                return FileAbove(Arg(1), Arg(0)) is { } found ? MsBuildPaths.Root + Parent(found) : string.Empty;
            case ("MSBUILD", "GETPATHOFFILEABOVE"):
                return FileAbove(Arg(0), args.Count > 1 ? Arg(1) : MsBuildPaths.DirectoryOf(file)) is { } path ? MsBuildPaths.Root + path : string.Empty;
            case ("MSBUILD", "NORMALIZEPATH"):
                return Combine(args);
            case ("MSBUILD", "NORMALIZEDIRECTORY"):
                return EnsureTrailingSlash(Combine(args));
            case ("MSBUILD", "ENSURETRAILINGSLASH"):
                return EnsureTrailingSlash(Arg(0));
            case ("MSBUILD", "VALUEORDEFAULT"):
                return Arg(0).Length > 0 ? Arg(0) : Arg(1);
            case ("SYSTEM.IO.PATH", "COMBINE"):
                return Combine(args);
            case ("SYSTEM.IO.PATH", "GETFILENAME"):
                return Arg(0).Replace('\\', '/')[(Arg(0).Replace('\\', '/').LastIndexOf('/') + 1)..];
            case ("SYSTEM.IO.PATH", "GETFILENAMEWITHOUTEXTENSION"):
                return Path.GetFileNameWithoutExtension(Arg(0).Replace('\\', '/'));
            case ("SYSTEM.IO.PATH", "GETDIRECTORYNAME"):
                return Arg(0).Replace('\\', '/') is var p && p.LastIndexOf('/') is var s and > 0 ? p[..s] : string.Empty;
            case ("SYSTEM.IO.FILE", "EXISTS"):
                return Bool(MsBuildPaths.ToRelative(Arg(0), MsBuildPaths.DirectoryOf(file)) is { } f && Tree.FileExists(f));
            case ("SYSTEM.IO.DIRECTORY", "EXISTS"):
                return Bool(MsBuildPaths.ToRelative(Arg(0), MsBuildPaths.DirectoryOf(file)) is { } d && Tree.DirectoryExists(d));
            case ("SYSTEM.STRING", "ISNULLOREMPTY"):
                return Bool(Arg(0).Length == 0);
            case ("SYSTEM.STRING", "ISNULLORWHITESPACE"):
                return Bool(Arg(0).Trim().Length == 0);
            case ("SYSTEM.STRING", "COPY"):
                return Arg(0);
            default:
                return Unknown;
        }
    }

    private static string InstanceCall(string value, string method, List<string> args)
    {
        if (args.Any(IsUnknown))
        {
            return Unknown;
        }

        string Arg(int i) => i < args.Count ? args[i] : string.Empty;
        return method switch
        {
            "EndsWith" => Bool(value.EndsWith(Arg(0), StringComparison.Ordinal)),
            "StartsWith" => Bool(value.StartsWith(Arg(0), StringComparison.Ordinal)),
            "Contains" => Bool(value.Contains(Arg(0), StringComparison.Ordinal)),
            "Equals" => Bool(string.Equals(value, Arg(0), StringComparison.Ordinal)),
            "ToLower" or "ToLowerInvariant" => value.ToLowerInvariant(),
            "ToUpper" or "ToUpperInvariant" => value.ToUpperInvariant(),
            "Trim" when args.Count == 0 => value.Trim(),
            "TrimEnd" => args.Count == 0 ? value.TrimEnd() : value.TrimEnd(Arg(0).ToCharArray()),
            "TrimStart" => args.Count == 0 ? value.TrimStart() : value.TrimStart(Arg(0).ToCharArray()),
            "Replace" when args.Count == 2 && Arg(0).Length > 0 => value.Replace(Arg(0), Arg(1), StringComparison.Ordinal),
            "Substring" when int.TryParse(Arg(0), CultureInfo.InvariantCulture, out var start) && start >= 0 && start <= value.Length =>
                args.Count > 1 && int.TryParse(Arg(1), CultureInfo.InvariantCulture, out var length) && start + length <= value.Length
                    ? value.Substring(start, length)
                    : value[start..],
            _ => Unknown,
        };
    }

    /// <summary>The repository-relative path of the nearest <paramref name="name"/> at or above <paramref name="startDirectory"/>.</summary>
    private string? FileAbove(string name, string startDirectory)
    {
        var folder = MsBuildPaths.ToRelative(startDirectory.Length == 0 ? "." : startDirectory, MsBuildPaths.Root);
        while (folder is not null)
        {
            var candidate = folder.Length == 0 ? name : folder + "/" + name;
            if (Tree.FileExists(candidate))
            {
                return candidate;
            }

            folder = folder.Length == 0 ? null : Parent(folder);
        }

        return null;
    }

    private static string Parent(string path) => path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : string.Empty;

    private static string Combine(List<string> parts)
    {
        var combined = string.Empty;
        foreach (var part in parts.Select(p => p.Replace('\\', '/')))
        {
            combined = part.StartsWith('/') || combined.Length == 0 ? part : EnsureTrailingSlash(combined) + part;
        }

        // Normalize ".." against the made-up root when the path is ours; leave foreign paths as they are.
        return MsBuildPaths.ToRelative(combined, MsBuildPaths.Root) is { } relative && combined.StartsWith(MsBuildPaths.Root, StringComparison.Ordinal)
            ? MsBuildPaths.Root + relative
            : combined;
    }

    private static string EnsureTrailingSlash(string path) =>
        path.Length == 0 || path.EndsWith('/') || path.EndsWith('\\') ? path : path + "/";

    private static string Bool(bool value) => value ? "True" : "False";
}

/// <summary>An MSBuild file past one of <see cref="InputLimits"/>; the evaluator names the file and line it came from.</summary>
internal sealed class MsBuildLimitException(string message) : Exception(message);

using System.Text;
using System.Text.RegularExpressions;
using Pipelines.Core.Text;

namespace Pipelines.Core.Globbing;

/// <summary>
/// One gitignore-style pattern over repository-relative paths ('/' separators), case-sensitive like git:
/// <list type="bullet">
/// <item><c>*</c> any run of characters but '/', <c>?</c> one such character, <c>[a-z]</c>/<c>[!a-z]</c> a class;</item>
/// <item><c>**</c> as a whole segment: any number of folders (<c>src/**</c>, <c>**/bin</c>, <c>a/**/b</c>);</item>
/// <item>a pattern without a '/' before its end matches a name at any depth (<c>*.md</c>); with one it is anchored
/// at the root (<c>src/Web/**</c>, <c>/build.cs</c>);</item>
/// <item>a pattern that names a folder matches everything below it (<c>docs</c>, <c>docs/</c>);</item>
/// <item>a leading <c>!</c> makes it an exception inside a <see cref="GlobSet"/>; <c>\</c> escapes the next character.</item>
/// </list>
/// </summary>
public sealed class Glob
{
    private readonly BoundedRegex _regex;
    private readonly bool _directoryOnly;

    private Glob(string pattern, BoundedRegex regex, bool negated, bool directoryOnly)
    {
        Pattern = pattern;
        _regex = regex;
        IsNegated = negated;
        _directoryOnly = directoryOnly;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>True for <c>!pattern</c>: a match takes the path back out of a <see cref="GlobSet"/>.</summary>
    public bool IsNegated { get; }

    /// <summary>Compiles a pattern, or throws <see cref="GlobException"/> saying where and why it cannot be.</summary>
    public static Glob Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var body = pattern;
        var negated = false;
        if (body.StartsWith('!'))
        {
            negated = true;
            body = body[1..];
        }

        if (body.Trim().Length == 0)
        {
            throw new GlobException(pattern, 0, "the pattern is empty");
        }

        var directoryOnly = body.EndsWith('/') && !body.EndsWith("\\/", StringComparison.Ordinal);
        body = body.TrimEnd('/');
        var anchored = body.StartsWith('/') || body.Contains('/', StringComparison.Ordinal);
        body = body.TrimStart('/');
        if (body.Length == 0)
        {
            throw new GlobException(pattern, 0, "the pattern names no path");
        }

        var regex = new StringBuilder("^");
        if (!anchored)
        {
            regex.Append("(?:.*/)?");
        }

        var offset = pattern.Length - pattern.TrimStart('!').TrimStart('/').Length;
        AppendBody(pattern, body, offset, regex);

        // Matching a folder means matching everything below it, as in .gitignore.
        regex.Append(directoryOnly ? "/.*$" : "(?:/.*)?$");
        return new Glob(pattern, new BoundedRegex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline), negated, directoryOnly);
    }

    /// <summary>True when <paramref name="path"/> is the pattern's file, or lies below a folder it names.</summary>
    public bool IsMatch(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _regex.IsMatch(path);
    }

    public override string ToString() => Pattern + (_directoryOnly ? " (folder)" : string.Empty);

    private static void AppendBody(string pattern, string body, int offset, StringBuilder regex)
    {
        var segments = body.Split('/');
        var position = offset;
        for (var s = 0; s < segments.Length; s++)
        {
            var segment = segments[s];
            var last = s == segments.Length - 1;
            if (segment == "**")
            {
                // "a/**/b" matches "a/b"; a trailing "/**" matches everything below; a leading "**/" any depth.
                regex.Append(last ? ".*" : "(?:.*/)?");
            }
            else
            {
                if (segment.Length == 0)
                {
                    throw new GlobException(pattern, position, "the pattern has an empty folder name ('//')");
                }

                if (segment.Contains("**", StringComparison.Ordinal))
                {
                    throw new GlobException(pattern, position + segment.IndexOf("**", StringComparison.Ordinal),
                        "'**' must be a whole path segment (like 'src/**/x.cs'); use '*' inside a name");
                }

                AppendSegment(pattern, segment, position, regex);
                if (!last)
                {
                    regex.Append('/');
                }
            }

            position += segment.Length + 1;
        }
    }

    private static void AppendSegment(string pattern, string segment, int offset, StringBuilder regex)
    {
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\':
                    if (i + 1 >= segment.Length)
                    {
                        throw new GlobException(pattern, offset + i, "a '\\' at the end escapes nothing");
                    }

                    regex.Append(Regex.Escape(segment[++i].ToString()));
                    break;
                case '[':
                    i = AppendClass(pattern, segment, i, offset, regex);
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
    }

    private static int AppendClass(string pattern, string segment, int open, int offset, StringBuilder regex)
    {
        var i = open + 1;
        var negate = i < segment.Length && (segment[i] == '!' || segment[i] == '^');
        if (negate)
        {
            i++;
        }

        var members = new StringBuilder();
        var first = true;
        for (; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == ']' && !first)
            {
                if (members.Length == 0)
                {
                    throw new GlobException(pattern, offset + open, "the character class '[]' is empty");
                }

                regex.Append('[').Append(negate ? "^/" : string.Empty).Append(members).Append(']');
                return i;
            }

            first = false;
            if (c == '\\' && i + 1 < segment.Length)
            {
                c = segment[++i];
            }

            if (c == '-' && members.Length > 0 && i + 1 < segment.Length && segment[i + 1] != ']')
            {
                var from = members[^1];
                var to = segment[i + 1];
                if (to < from)
                {
                    throw new GlobException(pattern, offset + i, $"the range '{from}-{to}' runs backwards");
                }

                members.Append('-');
                continue;
            }

            // Inside a .NET character class only these need escaping.
            if (c is '\\' or ']' or '[' or '^' or '-')
            {
                members.Append('\\');
            }

            members.Append(c);
        }

        throw new GlobException(pattern, offset + open, "'[' opens a character class that is never closed with ']'");
    }
}

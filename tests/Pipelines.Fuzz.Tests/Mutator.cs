using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipelines.Fuzz.Tests;

/// <summary>What a seed is, so mutations can aim at its values and nesting, not only its bytes.</summary>
public enum SeedFormat
{
    Xml,
    Json,
    Yaml,
    Text,
}

/// <summary>One generated input and how it was made (for the report and for replaying it as a regression test).</summary>
public sealed record FuzzInput(int Index, byte[] Bytes, string Mutation);

/// <summary>
/// A seeded mutation fuzzer: each input is a seed with one to three mutations applied — truncation, byte flips,
/// deleted, repeated or inserted ranges, format tokens, values swapped for wrong types, huge values, splices of two
/// seeds, deep nesting, wide repetition, and whole replacements (empty, binary, UTF-16, a lone BOM). The same seed
/// number always gives the same inputs, so a failure in CI can be replayed.
/// </summary>
public sealed partial class Mutator
{
    /// <summary>Values that trip parsers: wrong types, edges of number ranges, markup, escapes, paths, MSBuild and regex syntax.</summary>
    private static readonly string[] Interesting =
    [
        "", "-1", "0", "-0", "1", "NaN", "Infinity", "-Infinity", "+Inf", "-Inf", "1e309", "-1e309", "1e-400", "4.9e-324",
        "99999999999999999999", "9223372036854775808", "-9223372036854775809", "2147483648", "0x10", "1,234.5", "1_000",
        "null", "~", "true", "false", "yes", "[]", "{}", "[1]", "{\"a\":1}", "\"\"", "'", "\"", "\\", "\\u0000", "\u0000", "\u0001",
        "\uFFFE", "\uD800", "💥", "%", "%25", "&#0;", "&#xD800;", "&amp;", "&unknown;", "<", ">", "]]>", "<![CDATA[x]]>",
        "\n", "\r\n", "\t", " ", "-00:00:01", "-1.00:00:00", "1.02:03:04.5", "00:00:-1", "10675199.02:48:05.4775808",
        "99999999.00:00:00", "2026-13-45T99:99:99", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "..", "../../../etc/passwd",
        "/", "C:\\x", "$(A)$(A)", "$(", "@(Compile)", "%(Identity)", "$([MSBuild]::GetPathOfFileAbove('x', '$(MSBuildThisFileDirectory)../'))",
        "$([System.IO.Path]::Combine('a','b'))", "$(X.Substring(-1))", "$(X.Substring(99))", "Exists('')", "'$(A)' == ''", "!", "(", ")",
        "[a-", "(?<", "*+", "(a+)+$", "\\p{", "**/**/**/**/**/**/**/**/**/**/x", "?", "*", "{{", "}}", "{version}", "{selector}",
        "&a", "*a", "!!binary", "!!python/object", "? a", "- -", ": :", "%YAML 1.1", "---", "...", "#", "a: b: c", "@", "`",
        "10%", "-10%", "1000%", "%%", "0s", "-1s", "1e309s", "30x", "1m1s",
    ];

    private static readonly Dictionary<SeedFormat, string[]> Tokens = new()
    {
        [SeedFormat.Xml] = ["<", ">", "</", "/>", "<a>", "</a>", "<!--", "-->", "<?xml version=\"1.0\"?>", "<!DOCTYPE x [<!ENTITY e \"ee\">]>", "&e;", "&lt;", "&#x0;", "=\"", "\"", "'", "xmlns=\"urn:x\"", "xmlns:p=\"\"", "p:", "<![CDATA[", "]]>", "\u0000"],
        [SeedFormat.Json] = ["{", "}", "[", "]", ":", ",", "\"", "null", "true", "-", "1e999", "\\u", "\\ud800", "/*", "//", "\u0000", "NaN", "\"\":"],
        [SeedFormat.Yaml] = ["[", "]", "{", "}", ":", ": ", "- ", "? ", "&a ", "*a", "!!str ", "!!int ", "!x ", "|", ">", "'", "\"", "#", "\t", "\n", "\n  ", "---\n", "...\n", "%TAG ! tag:x:\n", "<<: *a\n", "\u0000", "\uFEFF"],
        [SeedFormat.Text] = ["{", "}", "\"", "=", "=~", "!~", "#", "\n", " ", "\\", "\\n", "NaN", "+Inf", "-Inf", "1e999", ",", "_", ":"],
    };

    private readonly Random _random;

    public Mutator(int seed) => _random = new Random(seed);

    /// <summary>Whether deeply nested inputs are made (off only to survey a build that still overflows its stack).</summary>
    public bool Structural { get; init; } = true;

    public FuzzInput Next(int index, IReadOnlyList<byte[]> seeds, SeedFormat format)
    {
        var bytes = seeds[_random.Next(seeds.Count)];
        var steps = new List<string>();
        var count = 1 + (_random.Next(10) switch { < 6 => 0, < 9 => 1, _ => 2 });
        for (var i = 0; i < count; i++)
        {
            var (mutated, name) = Mutate(bytes, seeds, format);
            bytes = mutated;
            steps.Add(name);
        }

        return new FuzzInput(index, bytes, string.Join(" + ", steps));
    }

    private (byte[] Bytes, string Name) Mutate(byte[] input, IReadOnlyList<byte[]> seeds, SeedFormat format)
    {
        var roll = _random.Next(1000);
        if (!Structural && roll >= 960 && roll < 975)
        {
            roll = 0;
        }

        return roll switch
        {
            < 100 => Truncate(input),
            < 230 => FlipBytes(input),
            < 300 => DeleteRange(input),
            < 370 => RepeatRange(input),
            < 420 => InsertRandom(input),
            < 540 => InsertToken(input, format),
            < 720 => ReplaceValue(input, format),
            < 800 => SwapType(input, format),
            < 850 => Splice(input, seeds),
            < 880 => CaseFlip(input),
            < 910 => HugeValue(input, format),
            < 960 => DuplicateElement(input, format),
            < 975 => DeepNesting(input, format),
            < 990 => WideRepetition(input, format),
            _ => Replace(input),
        };
    }

    private int Position(int length) => length == 0 ? 0 : _random.Next(length + 1);

    private (byte[], string) Truncate(byte[] input)
    {
        var at = Position(input.Length);
        return (input[..at], $"truncate@{at}");
    }

    private (byte[], string) FlipBytes(byte[] input)
    {
        if (input.Length == 0)
        {
            return ([(byte)_random.Next(256)], "flip(empty)");
        }

        var bytes = (byte[])input.Clone();
        var n = 1 + _random.Next(8);
        for (var i = 0; i < n; i++)
        {
            var at = _random.Next(bytes.Length);
            bytes[at] = _random.Next(2) == 0 ? (byte)(bytes[at] ^ (1 << _random.Next(8))) : (byte)_random.Next(256);
        }

        return (bytes, $"flip×{n}");
    }

    private (byte[], string) DeleteRange(byte[] input)
    {
        var start = Position(input.Length);
        var length = Math.Min(input.Length - start, 1 + _random.Next(_random.Next(2) == 0 ? 16 : 4096));
        return ([.. input[..start], .. input[(start + length)..]], $"delete@{start}+{length}");
    }

    private (byte[], string) RepeatRange(byte[] input)
    {
        var start = Position(input.Length);
        var length = Math.Min(input.Length - start, 1 + _random.Next(256));
        var times = 1 + _random.Next(_random.Next(4) == 0 ? 200 : 4);
        var range = input[start..(start + length)];
        var repeated = Enumerable.Repeat(range, times).SelectMany(r => r);
        return ([.. input[..start], .. repeated, .. input[start..]], $"repeat@{start}+{length}×{times}");
    }

    private (byte[], string) InsertRandom(byte[] input)
    {
        var at = Position(input.Length);
        var junk = new byte[1 + _random.Next(32)];
        _random.NextBytes(junk);
        return ([.. input[..at], .. junk, .. input[at..]], $"insert-bytes@{at}");
    }

    private (byte[], string) InsertToken(byte[] input, SeedFormat format)
    {
        var tokens = Tokens[format];
        var token = tokens[_random.Next(tokens.Length)];
        var at = Position(input.Length);
        return ([.. input[..at], .. Encoding.UTF8.GetBytes(token), .. input[at..]], $"token '{Show(token)}'@{at}");
    }

    /// <summary>A value (an XML attribute or text, a JSON value, a YAML scalar) replaced by one of <see cref="Interesting"/>.</summary>
    private (byte[], string) ReplaceValue(byte[] input, SeedFormat format)
    {
        var text = Encoding.UTF8.GetString(input);
        var spans = Values(text, format);
        if (spans.Count == 0)
        {
            return InsertToken(input, format);
        }

        var (start, length) = spans[_random.Next(spans.Count)];
        var value = Interesting[_random.Next(Interesting.Length)];
        var encoded = format switch
        {
            SeedFormat.Xml => System.Security.SecurityElement.Escape(value),
            SeedFormat.Json when _random.Next(3) > 0 => System.Text.Json.JsonSerializer.Serialize(value),
            _ => value,
        };
        return (Encoding.UTF8.GetBytes(text[..start] + encoded + text[(start + length)..]), $"value '{Show(value)}'@{start}");
    }

    /// <summary>A JSON or YAML value replaced by one of another type (an object where a number was, a list for a string…).</summary>
    private (byte[], string) SwapType(byte[] input, SeedFormat format)
    {
        var text = Encoding.UTF8.GetString(input);
        var spans = Values(text, format);
        if (spans.Count == 0)
        {
            return Truncate(input);
        }

        string[] replacements = format switch
        {
            SeedFormat.Json => ["null", "[]", "{}", "\"x\"", "1", "-1", "1e400", "true", "[null]", "{\"\":null}", "[[[]]]", "\"1\"", "12345678901234567890123"],
            SeedFormat.Yaml => ["null", "[]", "{}", "[a, b]", "{a: b}", "~", "!!binary aGk=", "\"\"", "1e400", "-1", "&x a", "*x", "? [a]", "|\n  x"],
            _ => ["", "-1", "1e309", "NaN", "x"],
        };
        var (start, length) = spans[_random.Next(spans.Count)];
        var value = replacements[_random.Next(replacements.Length)];
        if (format == SeedFormat.Json && start > 0 && text[start - 1] == '"' && start + length < text.Length && text[start + length] == '"')
        {
            (start, length) = (start - 1, length + 2); // the whole string, quotes included
        }

        return (Encoding.UTF8.GetBytes(text[..start] + value + text[(start + length)..]), $"type '{Show(value)}'@{start}");
    }

    private (byte[], string) Splice(byte[] input, IReadOnlyList<byte[]> seeds)
    {
        var other = seeds[_random.Next(seeds.Count)];
        var cut = Position(input.Length);
        var from = Position(other.Length);
        return ([.. input[..cut], .. other[from..]], $"splice@{cut}/{from}");
    }

    private (byte[], string) CaseFlip(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var start = Position(text.Length);
        var length = Math.Min(text.Length - start, 1 + _random.Next(64));
        var part = text.Substring(start, length);
        var flipped = new string([.. part.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]);
        return (Encoding.UTF8.GetBytes(text[..start] + flipped + text[(start + length)..]), $"case@{start}+{length}");
    }

    private (byte[], string) HugeValue(byte[] input, SeedFormat format)
    {
        var text = Encoding.UTF8.GetString(input);
        var spans = Values(text, format);
        var (start, length) = spans.Count == 0 ? (Position(text.Length), 0) : spans[_random.Next(spans.Count)];
        var size = _random.Next(3) switch { 0 => 10_000, 1 => 200_000, _ => 2_000_000 };
        var fill = _random.Next(3) switch { 0 => new string('9', size), 1 => new string('A', size), _ => string.Concat(Enumerable.Repeat("$(A)", size / 4)) };
        return (Encoding.UTF8.GetBytes(text[..start] + fill + text[(start + length)..]), $"huge-value {size}@{start}");
    }

    /// <summary>An element, list item or line repeated once with its case changed: duplicate ids, keys and names.</summary>
    private (byte[], string) DuplicateElement(byte[] input, SeedFormat format)
    {
        var text = Encoding.UTF8.GetString(input);
        var lines = text.Split('\n');
        if (lines.Length < 2)
        {
            return RepeatRange(input);
        }

        var at = _random.Next(lines.Length);
        var line = lines[at];
        var copy = _random.Next(2) == 0 ? line : line.ToUpperInvariant();
        if (format == SeedFormat.Xml && _random.Next(2) == 0)
        {
            copy = IdAttribute().Replace(line, m => m.Value.ToUpperInvariant());
        }

        var result = lines.Take(at + 1).Append(copy).Concat(lines.Skip(at + 1));
        return (Encoding.UTF8.GetBytes(string.Join('\n', result)), $"duplicate-line {at}");
    }

    private (byte[], string) DeepNesting(byte[] input, SeedFormat format)
    {
        var depth = _random.Next(4) switch { 0 => 300, 1 => 3_000, 2 => 30_000, _ => 100_000 };
        var text = Encoding.UTF8.GetString(input);
        var closed = _random.Next(2) == 0;
        string open, close;
        int at;
        switch (format)
        {
            case SeedFormat.Xml:
                var tags = XmlOpenTag().Matches(text);
                if (tags.Count == 0)
                {
                    return Truncate(input);
                }

                var tag = tags[_random.Next(tags.Count)];
                var name = tag.Groups[1].Value;
                at = tag.Index + tag.Length;
                if (_random.Next(3) == 0)
                {
                    // A condition or attribute value of nested parentheses (MSBuild conditions, property functions).
                    var quote = text.IndexOf("=\"", tag.Index, StringComparison.Ordinal);
                    if (quote > 0 && quote < at)
                    {
                        var inner = _random.Next(2) == 0 ? "(" : "$(";
                        var nest = string.Concat(Enumerable.Repeat(inner, depth)) + (closed ? "'a'=='a'" + new string(')', depth) : string.Empty);
                        return (Encoding.UTF8.GetBytes(text[..(quote + 2)] + nest + text[(quote + 2)..]), $"deep-parens {depth}");
                    }
                }

                (open, close) = ($"<{name}>", $"</{name}>");
                break;
            case SeedFormat.Json:
                at = Position(text.Length);
                (open, close) = _random.Next(2) == 0 ? ("[", "]") : ("{\"a\":", "}");
                break;
            case SeedFormat.Yaml:
                at = Position(text.Length);
                (open, close) = _random.Next(3) switch { 0 => ("[", "]"), 1 => ("{a: ", "}"), _ => ("- ", string.Empty) };
                break;
            default:
                at = Position(text.Length);
                (open, close) = ("{", "}");
                break;
        }

        var builder = new StringBuilder(text.Length + (depth * (open.Length + close.Length)));
        builder.Append(text, 0, at);
        for (var i = 0; i < depth; i++)
        {
            builder.Append(open);
        }

        if (closed)
        {
            for (var i = 0; i < depth; i++)
            {
                builder.Append(close);
            }
        }

        builder.Append(text, at, text.Length - at);
        return (Encoding.UTF8.GetBytes(builder.ToString()), $"deep {depth}{(closed ? " closed" : string.Empty)} '{Show(open)}'");
    }

    /// <summary>One line (an element, a list item, a sample) repeated thousands of times: the quadratic paths show.</summary>
    private (byte[], string) WideRepetition(byte[] input, SeedFormat format)
    {
        var text = Encoding.UTF8.GetString(input);
        var lines = text.Split('\n');
        var at = _random.Next(lines.Length);
        var times = _random.Next(3) switch { 0 => 1_000, 1 => 5_000, _ => 20_000 };
        var line = lines[at];
        var numbered = _random.Next(2) == 0;
        var builder = new StringBuilder();
        for (var i = 0; i < at; i++)
        {
            builder.Append(lines[i]).Append('\n');
        }

        for (var i = 0; i < times; i++)
        {
            // Numbered copies make distinct names and ids; plain copies make duplicates.
            builder.Append(numbered ? NumberWords().Replace(line, m => m.Value + i.ToString(CultureInfo.InvariantCulture), 1) : line).Append('\n');
        }

        for (var i = at; i < lines.Length; i++)
        {
            builder.Append(lines[i]).Append(i + 1 < lines.Length ? "\n" : string.Empty);
        }

        _ = format;
        return (Encoding.UTF8.GetBytes(builder.ToString()), $"wide line {at}×{times}{(numbered ? " numbered" : string.Empty)}");
    }

    private (byte[], string) Replace(byte[] input)
    {
        switch (_random.Next(6))
        {
            case 0:
                return ([], "empty");
            case 1:
                var binary = new byte[1 + _random.Next(4096)];
                _random.NextBytes(binary);
                return (binary, "binary");
            case 2:
                return ([0xEF, 0xBB, 0xBF], "bom only");
            case 3:
                return (Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(input)), "utf-16");
            case 4:
                return (Encoding.UTF8.GetBytes("   \n\t\n  "), "whitespace");
            default:
                return (new byte[1 + _random.Next(64)], "nul bytes");
        }
    }

    /// <summary>Where the values are: XML attribute values and text, JSON strings, numbers and literals, YAML scalars.</summary>
    private static List<(int Start, int Length)> Values(string text, SeedFormat format)
    {
        var regex = format switch
        {
            SeedFormat.Xml => XmlValue(),
            SeedFormat.Json => JsonValue(),
            SeedFormat.Yaml => YamlValue(),
            _ => TextValue(),
        };
        var spans = new List<(int, int)>();
        foreach (Match match in regex.Matches(text))
        {
            var group = match.Groups["v"];
            spans.Add((group.Index, group.Length));
            if (spans.Count >= 5000)
            {
                break;
            }
        }

        return spans;
    }

    private static string Show(string value)
    {
        var shown = value.Length > 24 ? value[..24] + "…" : value;
        return shown.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\0", "\\0", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
    }

    [GeneratedRegex("""="(?<v>[^"<]*)"|>(?<v>[^<>]+)</""")]
    private static partial Regex XmlValue();

    [GeneratedRegex("""<([A-Za-z][\w:.-]*)(?:\s[^<>]*)?(?<!/)>""")]
    private static partial Regex XmlOpenTag();

    [GeneratedRegex("""[:\[,]\s*"(?<v>[^"\\]*)"|[:\[,]\s*(?<v>-?\d[\d.eE+-]*|true|false|null)""")]
    private static partial Regex JsonValue();

    [GeneratedRegex("""(?m)(?::[ \t]+|^[ \t]*-[ \t]+|[\[,][ \t]*)(?<v>[^\s\[\]{},#][^\n\[\]{},#]*)""")]
    private static partial Regex YamlValue();

    [GeneratedRegex("""(?m)(?<v>[^\s{}=",]+)""")]
    private static partial Regex TextValue();

    [GeneratedRegex("""(?i)\b(id|testId|name|classname|fullname)="[^"]*""")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("""(?<==")[A-Za-z_][\w.]*|(?<=name: )\S+|(?<=- name: )\S+|(?<=^\s*)[A-Za-z_][\w-]*(?=:)""")]
    private static partial Regex NumberWords();
}

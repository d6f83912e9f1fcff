using System.Text.Json;
using System.Text.RegularExpressions;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Files;

/// <summary>
/// A JSON file we read (timing cache, gate data, event payload): parsed within <see cref="InputLimits"/>, and every
/// value read with its JSON path, so bad input says <c>file: $.tests[3].seconds[0]: expected a number, found a string</c>
/// instead of a framework exception.
/// </summary>
public sealed partial class JsonInput
{
    private JsonInput(string display) => Display = display;

    /// <summary>The file as messages name it.</summary>
    public string Display { get; }

    /// <summary>Reads and parses <paramref name="path"/>; not JSON is bad input at the line and column.</summary>
    /// <param name="what">What the file is, for messages ("timing file").</param>
    public static (JsonInput File, JsonDocument Document) Load(string path, string display, string what)
    {
        InputLimits.CheckSize(path, display, InputLimits.MaxDataFileBytes, what);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{display}: cannot read the {what}: {ex.Message}", ex);
        }

        return FromBytes(bytes, display, what);
    }

    /// <summary>Parses <paramref name="bytes"/> read from <paramref name="display"/> as <see cref="Load"/> does (for a caller that keeps the bytes).</summary>
    public static (JsonInput File, JsonDocument Document) FromBytes(byte[] bytes, string display, string what)
    {
        var document = Parse(bytes, display, what);
        if (BrokenString(document.RootElement) is { } broken)
        {
            document.Dispose();
            throw new InputException($"{display}: {broken}: the text has an unpaired UTF-16 escape (\\ud800 without its pair)");
        }

        return (new JsonInput(display), document);
    }

    /// <summary>
    /// The JSON path of the first string or member name with an unpaired surrogate escape (<c>"\ud800"</c>), which is
    /// valid JSON syntax but no text; null when there is none. Looking a member up in such a document throws, so
    /// readers check once, up front.
    /// </summary>
    public static string? BrokenString(JsonElement root) =>
        BrokenString(root, paths: false) is null ? null : BrokenString(root, paths: true); // paths cost only when needed

    private static string? BrokenString(JsonElement root, bool paths)
    {
        var pending = new Stack<(JsonElement Value, string Path)>();
        pending.Push((root, "$"));
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    var index = 0;
                    foreach (var member in value.EnumerateObject())
                    {
                        string name;
                        try
                        {
                            name = member.Name;
                        }
                        catch (InvalidOperationException)
                        {
                            return $"{path} (member {index + 1})";
                        }

                        pending.Push((member.Value, paths ? $"{path}.{name}" : path));
                        index++;
                    }

                    break;
                case JsonValueKind.Array:
                    var item = 0;
                    foreach (var element in value.EnumerateArray())
                    {
                        pending.Push((element, paths ? $"{path}[{item}]" : path));
                        item++;
                    }

                    break;
                case JsonValueKind.String when TextOrNull(value) is null:
                    return path;
            }
        }

        return null;
    }

    /// <summary>Parses JSON text from <paramref name="display"/>, nested at most <see cref="InputLimits.MaxJsonDepth"/> deep.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes, string display, string what)
    {
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = InputLimits.MaxJsonDepth });
        }
        catch (JsonException ex)
        {
            // The place is given once, in front; the parser's own words follow without it.
            throw InputException.At(display, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1,
                $"the {what} is not valid JSON: {TrailingPosition().Replace(ex.Message, string.Empty)}");
        }
    }

    /// <summary>Bad input at a JSON path of this file.</summary>
    public InputException Error(string path, string message) => new($"{Display}: {path}: {message}");

    /// <summary>The value must be <paramref name="kind"/>.</summary>
    public void Expect(JsonElement value, JsonValueKind kind, string path)
    {
        if (value.ValueKind != kind)
        {
            throw Error(path, $"expected {Name(kind)}, found {Name(value.ValueKind)}");
        }
    }

    /// <summary>A required member of an object.</summary>
    public JsonElement Member(JsonElement value, string name, string path)
    {
        Expect(value, JsonValueKind.Object, path);
        return value.TryGetProperty(name, out var member) ? member : throw Error(path, $"expected a \"{name}\" member");
    }

    /// <summary>An optional member of an object; null when absent or JSON null.</summary>
    public JsonElement? Optional(JsonElement value, string name, string path)
    {
        Expect(value, JsonValueKind.Object, path);
        return value.TryGetProperty(name, out var member) && member.ValueKind != JsonValueKind.Null ? member : null;
    }

    public string Text(JsonElement value, string path)
    {
        Expect(value, JsonValueKind.String, path);
        return TextOrNull(value) ?? throw Error(path, "the string has an unpaired UTF-16 escape (\\ud800 without its pair)");
    }

    /// <summary>A finite number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public double Number(JsonElement value, string path, double min = double.MinValue, double max = double.MaxValue)
    {
        Expect(value, JsonValueKind.Number, path);
        return value.TryGetDouble(out var number) && double.IsFinite(number) && number >= min && number <= max
            ? number
            : throw Error(path, $"expected {Range(min, max, double.MinValue, double.MaxValue, "a finite number")}, found {Excerpt(value)}");
    }

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long Whole(JsonElement value, string path, long min = long.MinValue, long max = long.MaxValue)
    {
        Expect(value, JsonValueKind.Number, path);
        return value.TryGetInt64(out var number) && number >= min && number <= max
            ? number
            : throw Error(path, $"expected {Range(min, max, long.MinValue, long.MaxValue, "a whole number")}, found {Excerpt(value)}");
    }

    public bool Bool(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error(path, $"expected true or false, found {Name(value.ValueKind)}"),
    };

    /// <summary>The items of an array, each with its path.</summary>
    public IEnumerable<(JsonElement Item, string Path)> Items(JsonElement value, string path)
    {
        Expect(value, JsonValueKind.Array, path);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            yield return (item, $"{path}[{index++}]");
        }
    }

    /// <summary>A JSON string's text; one with an unpaired <c>\ud800</c>-style escape is bad input, not a crash.</summary>
    public static string? TextOrNull(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Range<T>(T min, T max, T lowest, T highest, string kind)
        where T : IFormattable, IEquatable<T>
    {
        string Show(T n) => n.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
        return min.Equals(lowest) && max.Equals(highest) ? kind
            : max.Equals(highest) ? $"{kind} from {Show(min)}"
            : min.Equals(lowest) ? $"{kind} up to {Show(max)}"
            : $"{kind} from {Show(min)} to {Show(max)}";
    }

    private static string Excerpt(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Length > 40 ? raw[..40] + "…" : raw;
    }

    /// <summary>"a string", "an object", … for messages.</summary>
    public static string Name(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    // System.Text.Json ends its messages with " LineNumber: 3 | BytePositionInLine: 27."
    [GeneratedRegex(@"\s*LineNumber: \d+ \| BytePositionInLine: \d+\.$")]
    private static partial Regex TrailingPosition();
}

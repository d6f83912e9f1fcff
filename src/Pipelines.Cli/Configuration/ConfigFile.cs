using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;
using Pipelines.Core.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Configuration;

/// <summary>
/// The repository's one config file, <c>.pipelines/pipelines.yml</c>. Each command reads its own section; every
/// command rejects keys no command knows, so a typo is caught the first time anything runs.
/// </summary>
public sealed class ConfigFile
{
    public const string DefaultPath = ".pipelines/pipelines.yml";

    /// <summary>The top-level sections. A new command's section is added here and read by its own reader.</summary>
    public static readonly IReadOnlyList<string> Sections = ["tests", "revert", "gate", "canary"];

    private ConfigFile(string displayPath, YamlMap? root)
    {
        DisplayPath = displayPath;
        Root = root;
    }

    /// <summary>The path as errors show it (relative to the repository when possible).</summary>
    public string DisplayPath { get; }

    /// <summary>The top-level mapping; null for an absent or empty file (all defaults).</summary>
    public YamlMap? Root { get; }

    public static ConfigFile Empty(string displayPath) => new(displayPath, null);

    /// <summary>
    /// Reads the file at <paramref name="path"/>. An explicitly named file must exist; the default one may be absent.
    /// </summary>
    public static ConfigFile Load(string path, string displayPath, bool mustExist)
    {
        if (!File.Exists(path))
        {
            if (mustExist)
            {
                throw new InputException($"--config: the file '{displayPath}' does not exist");
            }

            return Empty(displayPath);
        }

        InputLimits.CheckSize(path, displayPath, InputLimits.MaxConfigFileBytes, "config file");
        return Parse(File.ReadAllText(path), displayPath);
    }

    public static ConfigFile Parse(string yaml, string displayPath)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (yaml.Length > InputLimits.MaxConfigFileBytes)
        {
            throw InputLimits.TooLarge(displayPath, yaml.Length, InputLimits.MaxConfigFileBytes, "config file");
        }

        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            // YamlDotNet builds nested nodes recursively: the depth is checked on the events, before any node is built.
            stream.Load(new DepthLimitedParser(new Parser(scanner), displayPath));
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException?.Message ?? ex.Message;
            throw InputException.At(displayPath, (int)ex.Start.Line, (int)ex.Start.Column, "this is not valid YAML: " + StripLocation(message));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this bare exception on some malformed input (an unclosed flow list
            // followed by more lines); where it stopped reading is the best place we can name.
            var at = scanner.CurrentPosition;
            throw InputException.At(displayPath, (int)at.Line, (int)at.Column, "this is not valid YAML: check for an unclosed '[', '{' or quote before this point");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Empty(displayPath);
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw InputException.At(displayPath, (int)second.Start.Line, (int)second.Start.Column, "expected one YAML document, found a second one");
        }

        var root = YamlMap.From(stream.Documents[0].RootNode, displayPath, keyPath: string.Empty);
        root.ExpectOnly(Sections);
        return new ConfigFile(displayPath, root);
    }

    /// <summary>A top-level section, or null when the file does not have it.</summary>
    public YamlMap? Section(string name) => Root?.Map(name);

    // YamlDotNet puts "(Line: 3, Col: 5, Idx: ...) - (…): " before its messages; we give the place ourselves.
    private static string StripLocation(string message)
    {
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && marker > 0 ? message[(marker + 3)..] : message;
    }
}

/// <summary>
/// A YAML mapping with the file and key path it came from, so every error can say
/// <c>.pipelines/pipelines.yml(7,3): tests.untagged: expected one of …</c>.
/// </summary>
public sealed class YamlMap
{
    private readonly YamlMappingNode _node;

    private YamlMap(YamlMappingNode node, string file, string keyPath)
    {
        _node = node;
        File = file;
        KeyPath = keyPath;
    }

    public string File { get; }

    /// <summary>Where this mapping sits, e.g. <c>tests.tags</c>; empty at the root.</summary>
    public string KeyPath { get; }

    public static YamlMap From(YamlNode node, string file, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is not YamlMappingNode mapping)
        {
            throw Error(file, node, keyPath, "expected a mapping of keys to values");
        }

        return new YamlMap(mapping, file, keyPath);
    }

    /// <summary>The keys in file order, with their nodes; a key that is a list or mapping (<c>? [a, b]</c>) is bad input.</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries
    {
        get
        {
            foreach (var (key, value) in _node.Children)
            {
                if (key is not YamlScalarNode scalar)
                {
                    throw Error(File, key, KeyPath, "a key must be a plain name, not a list or a mapping");
                }

                yield return (scalar.Value ?? string.Empty, key, value);
            }
        }
    }

    /// <summary>Rejects keys not in <paramref name="known"/>, suggesting the nearest known one.</summary>
    public void ExpectOnly(IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, keyNode, _) in Entries)
        {
            if (!seen.Add(key))
            {
                throw Error(File, keyNode, Join(KeyPath, key), "this key appears twice");
            }

            if (!known.Contains(key))
            {
                var where = KeyPath.Length == 0 ? "at the top level" : $"in '{KeyPath}'";
                throw Error(File, keyNode, Join(KeyPath, key),
                    $"unknown key '{key}' {where}{DidYouMean.Hint(key, known)}; expected one of: {string.Join(", ", known)}");
            }
        }
    }

    public YamlNode? Node(string key)
    {
        foreach (var (name, _, value) in Entries)
        {
            if (name == key)
            {
                return IsNull(value) ? null : value;
            }
        }

        return null;
    }

    public YamlMap? Map(string key) => Node(key) is { } node ? From(node, File, Join(KeyPath, key)) : null;

    public string? Scalar(string key)
    {
        var node = Node(key);
        return node switch
        {
            null => null,
            YamlScalarNode scalar => scalar.Value,
            _ => throw Error(File, node, Join(KeyPath, key), "expected a single value"),
        };
    }

    /// <summary>A list of strings; a single scalar is taken as a list of one.</summary>
    public IReadOnlyList<(string Value, YamlNode Node)>? StringList(string key)
    {
        var node = Node(key);
        return node is null ? null : StringList(node, Join(KeyPath, key));
    }

    public IReadOnlyList<(string Value, YamlNode Node)> StringList(YamlNode node, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(node);
        switch (node)
        {
            case YamlScalarNode scalar:
                return [(scalar.Value ?? string.Empty, scalar)];
            case YamlSequenceNode sequence:
                var items = new List<(string, YamlNode)>();
                foreach (var item in sequence.Children)
                {
                    if (item is not YamlScalarNode itemScalar || itemScalar.Value is null)
                    {
                        throw Error(File, item, keyPath, "expected a list of strings; this item is not a string");
                    }

                    items.Add((itemScalar.Value, itemScalar));
                }

                return items;
            default:
                throw Error(File, node, keyPath, "expected a list of strings");
        }
    }

    /// <summary>One of <paramref name="values"/>' keys, case-insensitively, or null when the key is absent.</summary>
    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> values)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(values);
        var text = Scalar(key);
        if (text is null)
        {
            return null;
        }

        foreach (var (name, value) in values)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw Error(File, Node(key)!, Join(KeyPath, key),
            $"expected one of {string.Join(", ", values.Keys)}, got '{text}'{DidYouMean.Hint(text, values.Keys)}");
    }

    /// <summary>A number within [<paramref name="min"/>, <paramref name="max"/>], or null when the key is absent.</summary>
    public double? Number(string key, double min, double max)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            throw Error(File, Node(key)!, Join(KeyPath, key), $"expected a number from {min} to {max}, got '{text}'");
        }

        return value;
    }

    public InputException ErrorAt(YamlNode node, string keyPath, string message) => Error(File, node, keyPath, message);

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static InputException Error(string file, YamlNode node, string keyPath, string message) =>
        InputException.At(file, (int)node.Start.Line, (int)node.Start.Column, keyPath.Length == 0 ? message : $"{keyPath}: {message}");

    internal static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not ScalarStyle.SingleQuoted and not ScalarStyle.DoubleQuoted } scalar
        && (scalar.Value is null or "" or "~" or "null");
}

/// <summary>
/// Passes a parser's events through, refusing mappings and lists nested deeper than <see cref="InputLimits.MaxYamlDepth"/>
/// with the place where the limit was crossed.
/// </summary>
internal sealed class DepthLimitedParser(IParser parser, string displayPath) : IParser
{
    private int _depth;

    public YamlDotNet.Core.Events.ParsingEvent? Current => parser.Current;

    public bool MoveNext()
    {
        if (!parser.MoveNext())
        {
            return false;
        }

        switch (parser.Current)
        {
            case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                if (++_depth > InputLimits.MaxYamlDepth)
                {
                    var at = parser.Current.Start;
                    throw InputException.At(displayPath, (int)at.Line, (int)at.Column,
                        $"lists and mappings are nested more than {InputLimits.MaxYamlDepth} deep here (the limit, README \"Limits\")");
                }

                break;
            case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                _depth--;
                break;
        }

        return true;
    }
}

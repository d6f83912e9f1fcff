using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Files;

/// <summary>
/// The documented limits on what Pipelines reads (README, "Limits"): a file past one of them is refused as bad input
/// (exit 2) with a message that names the file and the limit, instead of exhausting memory or the stack. They sit far
/// above anything a real repository, result file or API answer needs.
/// </summary>
public static partial class InputLimits
{
    /// <summary>A test result file (TRX, JUnit, NUnit), the timing cache, gate data, an event payload.</summary>
    public const long MaxDataFileBytes = 256L * 1024 * 1024;

    /// <summary>The policy file and a gate file.</summary>
    public const long MaxConfigFileBytes = 4L * 1024 * 1024;

    /// <summary>A project or imported MSBuild file.</summary>
    public const long MaxProjectFileBytes = 16L * 1024 * 1024;

    /// <summary>Elements nested in elements (XML), mappings and lists nested in each other (YAML), arrays and objects (JSON).</summary>
    public const int MaxXmlDepth = 256;

    /// <inheritdoc cref="MaxXmlDepth"/>
    public const int MaxYamlDepth = 100;

    /// <inheritdoc cref="MaxXmlDepth"/>
    public const int MaxJsonDepth = 256;

    /// <summary>An MSBuild property's value after expansion (a property that doubles itself reaches it in ~20 steps).</summary>
    public const int MaxPropertyChars = 1024 * 1024;

    /// <summary>Parentheses in an MSBuild condition, and property functions in property functions.</summary>
    public const int MaxExpressionNesting = 100;

    /// <summary>Refuses a file over <paramref name="limit"/> bytes before reading it.</summary>
    /// <param name="display">The file as messages name it.</param>
    /// <param name="what">What the file is, for the message ("test result file").</param>
    public static void CheckSize(string path, string display, long limit, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length;
        try
        {
            length = new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // the read that follows says why the file cannot be read
        }

        if (length > limit)
        {
            throw TooLarge(display, length, limit, what);
        }
    }

    /// <summary>The exception for a file or text of <paramref name="size"/> bytes over <paramref name="limit"/>.</summary>
    public static InputException TooLarge(string display, long size, long limit, string what) =>
        new($"{display}: the {what} is {Megabytes(size)}, over the limit of {Megabytes(limit)} for one {what} (README, \"Limits\")");

    /// <summary>
    /// Parses XML with line numbers, without DTDs (a DOCTYPE is skipped; entities it would declare are errors), and
    /// refuses a tree deeper than <see cref="MaxXmlDepth"/>; not well-formed XML is bad input at the line and column.
    /// </summary>
    /// <param name="what">Put before the parser's words: "not a readable test result file".</param>
    public static XDocument LoadXml(Stream stream, string display, string what) =>
        LoadXml(settings => XmlReader.Create(stream, settings), display, what);

    /// <inheritdoc cref="LoadXml(Stream, string, string)"/>
    public static XDocument LoadXml(string text, string display, string what) =>
        LoadXml(settings => XmlReader.Create(new StringReader(text), settings), display, what);

    private static XDocument LoadXml(Func<XmlReaderSettings, XmlReader> open, string display, string what)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreWhitespace = true,
            MaxCharactersFromEntities = 1_000_000,
        };
        try
        {
            // The depth is checked as the file is read: building a tree costs time in its depth squared.
            using var reader = new DepthLimitedXmlReader(open(settings), MaxXmlDepth);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            // The place is given once, in front, the way editors and CI logs link it.
            var message = ex.LineNumber > 0 ? TrailingPosition().Replace(ex.Message, string.Empty) : ex.Message;
            throw InputException.At(display, ex.LineNumber, ex.LinePosition, $"{what}: {message}");
        }
        catch (DepthLimitedXmlReader.TooDeepException ex)
        {
            throw InputException.At(display, ex.Line, ex.Column,
                $"{what}: elements are nested more than {MaxXmlDepth} deep here (the limit, README \"Limits\")");
        }
    }

    [GeneratedRegex(@"\s*Line \d+, position \d+\.$")]
    private static partial Regex TrailingPosition();

    private static string Megabytes(long bytes) =>
        (bytes / (1024.0 * 1024)).ToString(bytes < 10 * 1024 * 1024 ? "0.#" : "0", CultureInfo.InvariantCulture) + " MiB";
}

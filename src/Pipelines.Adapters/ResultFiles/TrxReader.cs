using System.Globalization;
using System.Xml.Linq;
using Pipelines.Core.TestResults;

namespace Pipelines.Adapters.ResultFiles;

/// <summary>
/// Reads Visual Studio TRX files (what <c>dotnet test --logger trx</c> writes for MSTest, xUnit and NUnit).
/// A test's id comes from its definition (<c>TestMethod@className</c> + <c>@name</c>), not from <c>testName</c>,
/// which may be a display name such as "Should be even number(i: 3)".
/// </summary>
public static class TrxReader
{
    public static TestRunResults Read(XDocument document, string name)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.Root!;
        XNamespace ns = root.Name.Namespace;
        var definitions = Definitions(root);
        var results = new List<TestCaseResult>();
        foreach (var result in Results(root))
        {
            var definition = DefinitionOf(result, definitions);
            var (id, className) = Identify(result, definition);
            var errorInfo = result.Element(ns + "Output")?.Element(ns + "ErrorInfo");
            results.Add(new TestCaseResult(
                id,
                className,
                File: null,
                Seconds: Duration((string?)result.Attribute("duration")),
                Outcome: Outcome((string?)result.Attribute("outcome")),
                Message: (string?)errorInfo?.Element(ns + "Message"),
                StackTrace: (string?)errorInfo?.Element(ns + "StackTrace"),
                Source: (string?)definition?.Attribute("storage"),
                Categories: definition?.Element(ns + "TestCategory")?.Elements(ns + "TestCategoryItem")
                    .Select(c => (string?)c.Attribute("TestCategory")).OfType<string>().ToList()));
        }

        var started = DateTimeOffset.TryParse((string?)root.Element(ns + "Times")?.Attribute("start"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            ? start
            : (DateTimeOffset?)null;
        return new TestRunResults(name, started, results);
    }

    /// <summary>The file's test definitions by id. Ids are GUIDs, compared without case; a repeated id (a merged or hand-edited file) keeps its first definition.</summary>
    public static Dictionary<string, XElement> Definitions(XElement root)
    {
        ArgumentNullException.ThrowIfNull(root);
        XNamespace ns = root.Name.Namespace;
        var definitions = new Dictionary<string, XElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var test in root.Element(ns + "TestDefinitions")?.Elements(ns + "UnitTest") ?? [])
        {
            if ((string?)test.Attribute("id") is { } testId)
            {
                definitions.TryAdd(testId, test);
            }
        }

        return definitions;
    }

    /// <summary>The definition a result's <c>testId</c> names; null for one the file does not define.</summary>
    public static XElement? DefinitionOf(XElement result, IReadOnlyDictionary<string, XElement> definitions)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(definitions);
        return definitions.GetValueOrDefault((string?)result.Attribute("testId") ?? string.Empty);
    }

    /// <summary>
    /// The file's top-level results. MSTest data rows appear as InnerResults of one parent whose duration is their
    /// total: the parent only.
    /// </summary>
    public static IEnumerable<XElement> Results(XElement root)
    {
        ArgumentNullException.ThrowIfNull(root);
        XNamespace ns = root.Name.Namespace;
        return root.Element(ns + "Results")?.Elements(ns + "UnitTestResult") ?? [];
    }

    /// <summary>A result's test id and class, from its definition's <c>TestMethod</c> (else the result's <c>testName</c>).</summary>
    public static (string Id, string ClassName) Identify(XElement result, XElement? definition)
    {
        ArgumentNullException.ThrowIfNull(result);
        var method = definition?.Element(result.Name.Namespace + "TestMethod");
        return TestIds.Identify(
            ClassName((string?)method?.Attribute("className")),
            (string?)method?.Attribute("name") ?? (string?)result.Attribute("testName") ?? "(unnamed)");
    }

    // Old MSTest writes "Ns.Class, Assembly, Version=…".
    private static string? ClassName(string? className)
    {
        var comma = className?.IndexOf(',', StringComparison.Ordinal) ?? -1;
        return comma > 0 ? className![..comma].Trim() : className;
    }

    private static double Duration(string? text) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var duration) ? TestIds.Seconds(duration.TotalSeconds) : 0;

    private static TestOutcome Outcome(string? outcome) => outcome switch
    {
        "Passed" or "PassedButRunAborted" or "Warning" => TestOutcome.Passed,
        "Failed" or "Error" or "Timeout" or "Aborted" => TestOutcome.Failed,
        "NotExecuted" or "NotRunnable" => TestOutcome.Skipped,
        _ => TestOutcome.Other,
    };
}

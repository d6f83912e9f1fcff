using System.Globalization;
using System.Xml.Linq;
using Pipelines.Core.TestResults;

namespace Pipelines.Adapters.ResultFiles;

/// <summary>
/// Reads NUnit 3 result XML (<c>&lt;test-run&gt;</c>, what nunit3-console and the NUnit logger write). Ids are
/// <c>classname.methodname</c>, so the cases of a parameterized test share their method's id.
/// </summary>
public static class NUnitReader
{
    public static TestRunResults Read(XDocument document, string name)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.Root!;
        var results = new List<TestCaseResult>();

        // One pass in document order, each element's categories and assembly handed down to what it holds: a case's
        // categories are its own and every ancestor's (nearest first), its source the nearest Assembly suite.
        var pending = new Stack<(XElement Element, string? Assembly, IReadOnlyList<string> Categories)>();
        pending.Push((root, null, []));
        while (pending.Count > 0)
        {
            var (element, assembly, inherited) = pending.Pop();
            var own = CategoriesOf(element);
            var categories = own.Count == 0 ? inherited : [.. own, .. inherited];
            if (element.Name == "test-suite" && (string?)element.Attribute("type") == "Assembly")
            {
                assembly = (string?)element.Attribute("fullname");
            }

            if (element.Name == "test-case")
            {
                results.Add(Case(element, assembly, categories));
            }

            foreach (var child in element.Elements().Reverse())
            {
                pending.Push((child, assembly, categories));
            }
        }

        var started = DateTimeOffset.TryParse((string?)root.Attribute("start-time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            ? start
            : (DateTimeOffset?)null;
        return new TestRunResults(name, started, results);
    }

    private static TestCaseResult Case(XElement testCase, string? assembly, IReadOnlyList<string> categories)
    {
        var className = (string?)testCase.Attribute("classname");
        var method = (string?)testCase.Attribute("methodname") ?? (string?)testCase.Attribute("name") ?? "(unnamed)";
        var (id, cls) = TestIds.Identify(className, (string?)testCase.Attribute("fullname") is { } full && className is null ? full : method);
        var failure = testCase.Element("failure");
        return new TestCaseResult(
            id,
            cls,
            File: null,
            Seconds: double.TryParse((string?)testCase.Attribute("duration"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TestIds.Seconds(seconds) : 0,
            Outcome: (string?)testCase.Attribute("result") switch
            {
                "Passed" => TestOutcome.Passed,
                "Failed" => TestOutcome.Failed,
                "Skipped" => TestOutcome.Skipped,
                _ => TestOutcome.Other,
            },
            Message: ((string?)failure?.Element("message"))?.Trim(),
            StackTrace: ((string?)failure?.Element("stack-trace"))?.Trim(),
            Source: assembly,
            Categories: [.. categories.Distinct(StringComparer.Ordinal)]);
    }

    private static List<string> CategoriesOf(XElement element) =>
        [.. element.Elements("properties").Elements("property")
            .Where(p => (string?)p.Attribute("name") == "Category")
            .Select(p => (string?)p.Attribute("value"))
            .OfType<string>()];
}

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
        foreach (var testCase in root.Descendants("test-case"))
        {
            var className = (string?)testCase.Attribute("classname");
            var method = (string?)testCase.Attribute("methodname") ?? (string?)testCase.Attribute("name") ?? "(unnamed)";
            var (id, cls) = TestIds.Identify(className, (string?)testCase.Attribute("fullname") is { } full && className is null ? full : method);
            var failure = testCase.Element("failure");
            var assembly = testCase.Ancestors("test-suite").FirstOrDefault(s => (string?)s.Attribute("type") == "Assembly");
            results.Add(new TestCaseResult(
                id,
                cls,
                File: null,
                Seconds: double.TryParse((string?)testCase.Attribute("duration"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0,
                Outcome: (string?)testCase.Attribute("result") switch
                {
                    "Passed" => TestOutcome.Passed,
                    "Failed" => TestOutcome.Failed,
                    "Skipped" => TestOutcome.Skipped,
                    _ => TestOutcome.Other,
                },
                Message: ((string?)failure?.Element("message"))?.Trim(),
                StackTrace: ((string?)failure?.Element("stack-trace"))?.Trim(),
                Source: (string?)assembly?.Attribute("fullname"),
                Categories: [.. testCase.Ancestors().Prepend(testCase)
                    .SelectMany(e => e.Elements("properties").Elements("property"))
                    .Where(p => (string?)p.Attribute("name") == "Category")
                    .Select(p => (string?)p.Attribute("value"))
                    .OfType<string>()
                    .Distinct(StringComparer.Ordinal)]));
        }

        var started = DateTimeOffset.TryParse((string?)root.Attribute("start-time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            ? start
            : (DateTimeOffset?)null;
        return new TestRunResults(name, started, results);
    }
}

using System.Globalization;
using System.Xml.Linq;
using Pipelines.Core.TestResults;

namespace Pipelines.Adapters.ResultFiles;

/// <summary>
/// Reads JUnit XML in the shapes real tools write: Maven Surefire, pytest, jest-junit, go-junit-report; a root
/// <c>testsuites</c> or a lone <c>testsuite</c>; suites nested in suites. The id is <c>classname.name</c>, or the
/// innermost suite's name when <c>classname</c> is empty; the file is the case's or the nearest suite's
/// <c>file</c> attribute.
/// </summary>
public static class JUnitReader
{
    public static TestRunResults Read(XDocument document, string name)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.Root!;
        var results = new List<TestCaseResult>();
        Collect(root, suiteName: null, suiteFile: null, results);
        var started = DateTimeOffset.TryParse(
            (string?)root.Attribute("timestamp") ?? (string?)root.Element("testsuite")?.Attribute("timestamp"),
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start) ? start : (DateTimeOffset?)null;
        return new TestRunResults(name, started, results);
    }

    private static void Collect(XElement element, string? suiteName, string? suiteFile, List<TestCaseResult> results)
    {
        foreach (var child in element.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "testsuite":
                case "testsuites":
                    Collect(child, (string?)child.Attribute("name") ?? suiteName, (string?)child.Attribute("file") ?? suiteFile, results);
                    break;
                case "testcase":
                    results.Add(Case(child, suiteName, suiteFile));
                    break;
            }
        }
    }

    private static TestCaseResult Case(XElement testCase, string? suiteName, string? suiteFile)
    {
        var caseName = (string?)testCase.Attribute("name") ?? "(unnamed)";
        var className = (string?)testCase.Attribute("classname");
        if (string.IsNullOrEmpty(className))
        {
            className = suiteName ?? string.Empty;
        }

        var failure = testCase.Element("failure") ?? testCase.Element("error");
        var outcome = failure is not null ? TestOutcome.Failed
            : testCase.Element("skipped") is not null || testCase.Element("disabled") is not null ? TestOutcome.Skipped
            : TestOutcome.Passed;
        return new TestCaseResult(
            Id: className.Length == 0 ? caseName : className + "." + caseName,
            ClassName: className.Length == 0 ? caseName : className,
            File: (string?)testCase.Attribute("file") ?? suiteFile,
            Seconds: Seconds((string?)testCase.Attribute("time")),
            Outcome: outcome,
            Message: (string?)failure?.Attribute("message"),
            StackTrace: failure is null || string.IsNullOrWhiteSpace(failure.Value) ? null : failure.Value.Trim(),
            Source: suiteName);
    }

    // Surefire writes "1,234.5" for long runs; some tools leave the attribute out.
    private static double Seconds(string? text) =>
        double.TryParse(text?.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TestIds.Seconds(seconds)
            : 0;
}

using System.Globalization;
using System.Xml.Linq;
using Pipelines.Core.TestResults;

namespace Pipelines.Adapters.ResultFiles;

/// <summary>
/// Writes results as JUnit XML, one suite per class. A test that failed and then passed is written the way Maven
/// Surefire writes its reruns: a passing <c>testcase</c> holding a <c>flakyFailure</c>, which Jenkins, GitLab and
/// most JUnit reporters show as flaky.
/// </summary>
public static class JUnitWriter
{
    /// <param name="flakyFailures">For each flaky test id, the failure it had before it passed.</param>
    public static void Write(string path, string name, IReadOnlyList<TestCaseResult> results, IReadOnlyDictionary<string, TestCaseResult> flakyFailures)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(flakyFailures);
        var suites = new XElement("testsuites",
            new XAttribute("name", name),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", results.Count(r => r.Outcome == TestOutcome.Failed)),
            new XAttribute("skipped", results.Count(r => r.Outcome == TestOutcome.Skipped)),
            new XAttribute("time", Seconds(results.Sum(r => r.Seconds))));
        foreach (var suite in results.GroupBy(r => r.ClassName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var element = new XElement("testsuite",
                new XAttribute("name", suite.Key),
                new XAttribute("tests", suite.Count()),
                new XAttribute("failures", suite.Count(r => r.Outcome == TestOutcome.Failed)),
                new XAttribute("skipped", suite.Count(r => r.Outcome == TestOutcome.Skipped)),
                new XAttribute("time", Seconds(suite.Sum(r => r.Seconds))));
            foreach (var result in suite)
            {
                var method = result.Id.StartsWith(result.ClassName + ".", StringComparison.Ordinal) ? result.Id[(result.ClassName.Length + 1)..] : result.Id;
                var testCase = new XElement("testcase", new XAttribute("classname", result.ClassName), new XAttribute("name", method), new XAttribute("time", Seconds(result.Seconds)));
                switch (result.Outcome)
                {
                    case TestOutcome.Failed:
                        testCase.Add(Failure("failure", result));
                        break;
                    case TestOutcome.Skipped:
                        testCase.Add(new XElement("skipped"));
                        break;
                    case TestOutcome.Passed when flakyFailures.TryGetValue(result.Id, out var earlier):
                        testCase.Add(Failure("flakyFailure", earlier));
                        break;
                }

                element.Add(testCase);
            }

            suites.Add(element);
        }

        TrxWriter.Save(path, new XDocument(suites));
    }

    private static XElement Failure(string kind, TestCaseResult result) =>
        new(kind, new XAttribute("message", result.Message ?? "failed"), result.StackTrace ?? string.Empty);

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Pipelines.Core.TestResults;

namespace Pipelines.Adapters.ResultFiles;

/// <summary>
/// Writes results as one TRX file that Azure DevOps' Publish Test Results, GitHub test reporters and our own
/// <see cref="TrxReader"/> (for the next plan's timing history) all read.
/// </summary>
public static class TrxWriter
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    private const string TestType = "13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b";
    private const string ResultsNotInAList = "8c84fa94-04c1-424b-9868-57a2d4851a1d";

    public static void Write(string path, string runName, IReadOnlyList<TestCaseResult> results, DateTimeOffset started, DateTimeOffset finished)
    {
        ArgumentNullException.ThrowIfNull(results);
        var resultElements = new XElement(Ns + "Results");
        var definitions = new XElement(Ns + "TestDefinitions");
        var entries = new XElement(Ns + "TestEntries");
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var testId = StableGuid(result.Id);
            var executionId = Guid.NewGuid().ToString();
            var method = result.Id.StartsWith(result.ClassName + ".", StringComparison.Ordinal) ? result.Id[(result.ClassName.Length + 1)..] : result.Id;
            var element = new XElement(Ns + "UnitTestResult",
                new XAttribute("executionId", executionId),
                new XAttribute("testId", testId),
                new XAttribute("testName", method),
                new XAttribute("computerName", Environment.MachineName),
                new XAttribute("duration", TimeSpan.FromSeconds(result.Seconds).ToString("c", CultureInfo.InvariantCulture)),
                new XAttribute("testType", TestType),
                new XAttribute("outcome", Outcome(result.Outcome)),
                new XAttribute("testListId", ResultsNotInAList));
            if (result.Message is not null || result.StackTrace is not null)
            {
                element.Add(new XElement(Ns + "Output", new XElement(Ns + "ErrorInfo",
                    new XElement(Ns + "Message", result.Message ?? string.Empty),
                    new XElement(Ns + "StackTrace", result.StackTrace ?? string.Empty))));
            }

            resultElements.Add(element);
            entries.Add(new XElement(Ns + "TestEntry", new XAttribute("testId", testId), new XAttribute("executionId", executionId), new XAttribute("testListId", ResultsNotInAList)));
            if (defined.Add(result.Id))
            {
                var definition = new XElement(Ns + "UnitTest", new XAttribute("name", method), new XAttribute("storage", result.Source ?? string.Empty), new XAttribute("id", testId));
                if (result.Categories is { Count: > 0 } categories)
                {
                    definition.Add(new XElement(Ns + "TestCategory", categories.Select(c => new XElement(Ns + "TestCategoryItem", new XAttribute("TestCategory", c)))));
                }

                definition.Add(new XElement(Ns + "TestMethod",
                    new XAttribute("codeBase", result.Source ?? string.Empty),
                    new XAttribute("className", result.ClassName),
                    new XAttribute("name", method)));
                definitions.Add(definition);
            }
        }

        var failed = results.Count(r => r.Outcome == TestOutcome.Failed);
        var passed = results.Count(r => r.Outcome == TestOutcome.Passed);
        var notExecuted = results.Count(r => r.Outcome == TestOutcome.Skipped);
        var document = new XDocument(new XElement(Ns + "TestRun",
            new XAttribute("id", Guid.NewGuid().ToString()),
            new XAttribute("name", runName),
            new XElement(Ns + "Times",
                new XAttribute("creation", started.ToString("o", CultureInfo.InvariantCulture)),
                new XAttribute("queuing", started.ToString("o", CultureInfo.InvariantCulture)),
                new XAttribute("start", started.ToString("o", CultureInfo.InvariantCulture)),
                new XAttribute("finish", finished.ToString("o", CultureInfo.InvariantCulture))),
            resultElements,
            definitions,
            entries,
            new XElement(Ns + "TestLists", new XElement(Ns + "TestList", new XAttribute("name", "Results Not in a List"), new XAttribute("id", ResultsNotInAList))),
            new XElement(Ns + "ResultSummary",
                new XAttribute("outcome", failed > 0 ? "Failed" : "Completed"),
                new XElement(Ns + "Counters",
                    new XAttribute("total", results.Count),
                    new XAttribute("executed", results.Count - notExecuted),
                    new XAttribute("passed", passed),
                    new XAttribute("failed", failed),
                    new XAttribute("error", 0),
                    new XAttribute("timeout", 0),
                    new XAttribute("aborted", 0),
                    new XAttribute("inconclusive", results.Count - failed - passed - notExecuted),
                    new XAttribute("notExecuted", notExecuted)))));
        Save(path, document);
    }

    internal static void Save(string path, XDocument document)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        document.Save(stream);
    }

    // The same test keeps the same id in every file, as vstest does (it hashes the test's name).
    private static string StableGuid(string id)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(id));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private static string Outcome(TestOutcome outcome) => outcome switch
    {
        TestOutcome.Passed => "Passed",
        TestOutcome.Failed => "Failed",
        TestOutcome.Skipped => "NotExecuted",
        _ => "Inconclusive",
    };
}

using System.Globalization;
using System.Text;

namespace Pipelines.Testing;

/// <summary>Writes small TRX and JUnit files in the shapes real tools write, for tests that need history.</summary>
public static class ResultFileWriter
{
    /// <param name="tests">(fully qualified id, seconds, outcome, categories) per test.</param>
    public static string Trx(string path, IEnumerable<(string Id, double Seconds, string Outcome)> tests, string assembly = "/build/Shop.Tests.dll", DateTimeOffset? start = null, IReadOnlyDictionary<string, string[]>? categories = null)
    {
        var results = new StringBuilder();
        var definitions = new StringBuilder();
        var n = 0;
        foreach (var (id, seconds, outcome) in tests)
        {
            n++;
            var dot = id.LastIndexOf('.');
            var testId = $"00000000-0000-0000-0000-{n:D12}";
            results.Append(CultureInfo.InvariantCulture,
                $"<UnitTestResult executionId=\"{Guid.NewGuid()}\" testId=\"{testId}\" testName=\"{id[(dot + 1)..]}\" duration=\"{TimeSpan.FromSeconds(seconds):c}\" outcome=\"{outcome}\" />\n");
            var cats = categories?.GetValueOrDefault(id) is { } c
                ? "<TestCategory>" + string.Concat(c.Select(x => $"<TestCategoryItem TestCategory=\"{x}\" />")) + "</TestCategory>"
                : string.Empty;
            definitions.Append(CultureInfo.InvariantCulture,
                $"<UnitTest name=\"{id[(dot + 1)..]}\" storage=\"{assembly}\" id=\"{testId}\">{cats}<TestMethod codeBase=\"{assembly}\" className=\"{id[..dot]}\" name=\"{id[(dot + 1)..]}\" /></UnitTest>\n");
        }

        var when = (start ?? new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero)).ToString("o", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="{Guid.NewGuid()}" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Times creation="{when}" start="{when}" finish="{when}" />
              <Results>
            {results}  </Results>
              <TestDefinitions>
            {definitions}  </TestDefinitions>
            </TestRun>
            """);
        return path;
    }
}

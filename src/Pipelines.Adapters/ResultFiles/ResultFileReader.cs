using System.Xml.Linq;
using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;
using Pipelines.Core.TestResults;

namespace Pipelines.Adapters.ResultFiles;

/// <summary>Reads any result file we understand, telling the format from its root element, not its name.</summary>
public static class ResultFileReader
{
    public static TestRunResults Read(string path, string? displayName = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = displayName ?? path;
        InputLimits.CheckSize(path, name, InputLimits.MaxDataFileBytes, "test result file");
        XDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = InputLimits.LoadXml(stream, name, "not a readable test result file");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{name}: cannot read the test result file: {ex.Message}", ex);
        }

        return document.Root?.Name.LocalName switch
        {
            "TestRun" => TrxReader.Read(document, name),
            "testsuites" or "testsuite" => JUnitReader.Read(document, name),
            "test-run" => NUnitReader.Read(document, name),
            var other => throw InputException.At(name, 1, 1,
                $"expected a TRX file (<TestRun>), JUnit XML (<testsuites> or <testsuite>) or NUnit 3 XML (<test-run>), found <{other}>"),
        };
    }
}

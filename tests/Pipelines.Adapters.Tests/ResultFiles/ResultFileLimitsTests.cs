using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pipelines.Adapters.Files;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Core.Errors;
using Pipelines.Core.TestResults;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.ResultFiles;

/// <summary>
/// What the fuzz suite found in the result-file readers, kept: files past a documented limit are refused with the
/// place, impossible values are read as unknown, and big files are read in time proportional to their size.
/// </summary>
[TestClass]
public sealed class ResultFileLimitsTests
{
    private static TestRunResults ReadText(string fileName, string text)
    {
        using var dir = new TempDirectory();
        return ResultFileReader.Read(dir.Write(fileName, text));
    }

    [TestMethod]
    public void JUnit_with_80_000_nested_suites_is_refused_at_the_depth_limit_in_moments_not_a_stack_overflow()
    {
        var text = new StringBuilder("<testsuites>\n");
        for (var i = 0; i < 80_000; i++)
        {
            text.Append("<testsuite name=\"s\">");
        }

        text.Append("<testcase name=\"t\" />").Append(string.Concat(Enumerable.Repeat("</testsuite>", 80_000))).Append("</testsuites>");
        var clock = Stopwatch.StartNew();

        var error = Assert.ThrowsExactly<FileInputException>(() => ReadText("deep.xml", text.ToString()));

        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds, "refused as it is read, before a tree is built");
        StringAssert.Contains(error.Message, $"elements are nested more than {InputLimits.MaxXmlDepth} deep here");
        Assert.AreEqual(2, error.Line);
    }

    [TestMethod]
    public void Suites_nested_to_the_limit_are_read()
    {
        var depth = InputLimits.MaxXmlDepth - 2;
        var text = "<testsuites>" + string.Concat(Enumerable.Repeat("<testsuite name=\"s\">", depth)) + "<testcase classname=\"C\" name=\"t\" />"
            + string.Concat(Enumerable.Repeat("</testsuite>", depth)) + "</testsuites>";

        Assert.AreEqual("C.t", ReadText("deep.xml", text).Results.Single().Id);
    }

    [TestMethod]
    public void Trx_with_test_ids_repeated_in_another_case_keeps_the_first_definition_instead_of_crashing()
    {
        var run = ReadText("dup.trx", """
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results><UnitTestResult testId="AB-1" testName="Adds" duration="00:00:01" outcome="Passed" /></Results>
              <TestDefinitions>
                <UnitTest id="ab-1"><TestMethod className="Shop.Tests.Cart" name="Adds" /></UnitTest>
                <UnitTest id="AB-1"><TestMethod className="Shop.Tests.Other" name="Adds" /></UnitTest>
                <UnitTest id="ab-1"><TestMethod className="Shop.Tests.Third" name="Adds" /></UnitTest>
              </TestDefinitions>
            </TestRun>
            """);

        Assert.AreEqual("Shop.Tests.Cart.Adds", run.Results.Single().Id);
    }

    [TestMethod]
    [DataRow("-1", DisplayName = "a negative day")]
    [DataRow("-00:00:01", DisplayName = "a negative second")]
    [DataRow("10675199.02:48:05.4775807", DisplayName = "the longest TimeSpan")]
    public void Trx_durations_that_cannot_be_a_run_are_read_as_unknown(string duration)
    {
        var run = ReadText("odd.trx", $"""
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results><UnitTestResult testId="a" testName="Adds" duration="{duration}" outcome="Passed" /></Results>
            </TestRun>
            """);

        Assert.AreEqual(0, run.Results.Single().Seconds);
    }

    [TestMethod]
    [DataRow("1e309")]
    [DataRow("NaN")]
    [DataRow("-Infinity")]
    [DataRow("99999999999")]
    public void JUnit_and_NUnit_durations_that_cannot_be_a_run_are_read_as_unknown_and_merge_back(string seconds)
    {
        var junit = ReadText("j.xml", $"<testsuite name=\"s\"><testcase classname=\"C\" name=\"t\" time=\"{seconds}\" /></testsuite>");
        var nunit = ReadText("n.xml", $"<test-run><test-case classname=\"C\" methodname=\"t\" result=\"Passed\" duration=\"{seconds}\" /></test-run>");

        Assert.AreEqual(0, junit.Results.Single().Seconds);
        Assert.AreEqual(0, nunit.Results.Single().Seconds);
        using var dir = new TempDirectory();
        TrxWriter.Write(Path.Combine(dir.Path, "merged.trx"), "merged", [.. junit.Results, .. nunit.Results], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        Assert.HasCount(2, ResultFileReader.Read(Path.Combine(dir.Path, "merged.trx")).Results);
    }

    [TestMethod]
    public void NUnit_with_40_000_test_cases_in_one_fixture_is_read_in_linear_time()
    {
        var text = new StringBuilder("<test-run><test-suite type=\"Assembly\" fullname=\"/b/Shop.Tests.dll\"><properties><property name=\"Category\" value=\"all\" /></properties>")
            .Append("<test-suite type=\"TestFixture\" classname=\"Shop.Tests.Cart\">");
        for (var i = 0; i < 40_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"<test-case classname=\"Shop.Tests.Cart\" methodname=\"Case{i}\" result=\"Passed\" duration=\"0.01\"><properties><property name=\"Category\" value=\"c{i % 7}\" /></properties></test-case>\n");
        }

        text.Append("</test-suite></test-suite></test-run>");
        var clock = Stopwatch.StartNew();

        var run = ReadText("big.xml", text.ToString());

        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds, "was 25 s: each case scanned its fixture's 40,000 children");
        Assert.HasCount(40_000, run.Results);
        CollectionAssert.AreEqual(new[] { "c3", "all" }, run.Results[3].Categories!.ToArray(), "its own, then its ancestors'");
        Assert.AreEqual("/b/Shop.Tests.dll", run.Results[3].Source);
    }

    [TestMethod]
    public void Fifty_megabytes_of_JUnit_are_read_in_seconds()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "big.xml");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("<testsuites><testsuite name=\"big\">");
            for (var i = 0; writer.BaseStream.Length < 50L * 1024 * 1024; i++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"<testcase classname=\"org.example.Suite{i % 500}\" name=\"case{i}\" time=\"0.{i % 1000:D3}\"><system-out>{new string('x', 300)}</system-out></testcase>\n"));
            }

            writer.Write("</testsuite></testsuites>");
        }

        var clock = Stopwatch.StartNew();
        var run = ResultFileReader.Read(path);

        Assert.IsLessThan(20, clock.Elapsed.TotalSeconds);
        Assert.IsGreaterThan(100_000, run.Results.Count);
    }

    [TestMethod]
    public void A_result_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "huge.trx");
        using (var file = File.Create(path))
        {
            file.SetLength(InputLimits.MaxDataFileBytes + 1); // sparse: nothing is written
        }

        var error = Assert.ThrowsExactly<InputException>(() => ResultFileReader.Read(path, "huge.trx"));

        StringAssert.StartsWith(error.Message, "huge.trx: the test result file is 256 MiB, over the limit of 256 MiB");
    }

    [TestMethod]
    public void A_DOCTYPE_is_skipped_and_the_entities_it_would_declare_are_an_error_at_their_place()
    {
        var error = Assert.ThrowsExactly<FileInputException>(() => ReadText("laughs.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <testsuites><testsuite name="&lol2;" /></testsuites>
            """));

        Assert.AreEqual(3, error.Line);
        StringAssert.Contains(error.Message, "'lol2'");
    }

    [TestMethod]
    public void An_xml_error_gives_its_place_once_in_front()
    {
        var error = Assert.ThrowsExactly<FileInputException>(() => ReadText("bad.xml", "<testsuites>\n  <testsuite name=\"a\">\n</testsuites>"));

        Assert.AreEqual(3, error.Line);
        Assert.DoesNotContain("Line 3, position", error.Message);
    }
}

using Pipelines.Adapters.ResultFiles;
using Pipelines.Core.Errors;
using Pipelines.Core.TestResults;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.ResultFiles;

[TestClass]
public sealed class ResultFilesTests
{
    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Times creation="2026-11-01T10:00:00+00:00" start="2026-11-01T10:00:01+00:00" finish="2026-11-01T10:00:09+00:00" />
          <Results>
            <UnitTestResult testId="a1" testName="Adds" duration="00:00:01.5000000" outcome="Passed" />
            <UnitTestResult testId="a2" testName="Should be even number(i: 3)" duration="00:00:00.2500000" outcome="Failed">
              <Output><ErrorInfo><Message>Assert.True() Failure</Message><StackTrace>   at Shop.Tests.MathTests.IsEven(Int32 i) in MathTests.cs:line 67</StackTrace></ErrorInfo></Output>
            </UnitTestResult>
            <UnitTestResult testId="a3" testName="Shop.Tests.V3Tests.Works" duration="00:00:00.1000000" outcome="NotExecuted" />
            <UnitTestResult testId="a4" testName="Legacy" duration="00:00:02" outcome="Passed" />
          </Results>
          <TestDefinitions>
            <UnitTest name="Adds" storage="/src/bin/Shop.Tests.dll" id="a1">
              <TestCategory><TestCategoryItem TestCategory="billing" /></TestCategory>
              <TestMethod codeBase="/src/bin/Shop.Tests.dll" className="Shop.Tests.MathTests" name="Adds" />
            </UnitTest>
            <UnitTest name="Should be even number(i: 3)" storage="/src/bin/Shop.Tests.dll" id="a2">
              <TestMethod codeBase="/src/bin/Shop.Tests.dll" className="Shop.Tests.MathTests" name="IsEven" />
            </UnitTest>
            <UnitTest name="Shop.Tests.V3Tests.Works" storage="/src/bin/Shop.Tests.dll" id="a3">
              <TestMethod codeBase="/src/bin/Shop.Tests.dll" className="Shop.Tests.V3Tests" name="Shop.Tests.V3Tests.Works" />
            </UnitTest>
            <UnitTest name="Legacy" storage="/src/bin/Old.Tests.dll" id="a4">
              <TestMethod codeBase="/src/bin/Old.Tests.dll" className="Old.Tests.LegacyTests, Old.Tests, Version=1.0.0.0" name="Legacy" />
            </UnitTest>
          </TestDefinitions>
        </TestRun>
        """;

    private static TestRunResults ReadText(string fileName, string text)
    {
        using var dir = new TempDirectory();
        return ResultFileReader.Read(dir.Write(fileName, text));
    }

    [TestMethod]
    public void Trx_ids_come_from_the_definitions_not_the_display_names()
    {
        var run = ReadText("run.trx", Trx);

        CollectionAssert.AreEqual(
            new[] { "Shop.Tests.MathTests.Adds", "Shop.Tests.MathTests.IsEven", "Shop.Tests.V3Tests.Works", "Old.Tests.LegacyTests.Legacy" },
            run.Results.Select(r => r.Id).ToArray());
        CollectionAssert.AreEqual(
            new[] { "Shop.Tests.MathTests", "Shop.Tests.MathTests", "Shop.Tests.V3Tests", "Old.Tests.LegacyTests" },
            run.Results.Select(r => r.ClassName).ToArray());
    }

    [TestMethod]
    public void Trx_results_carry_duration_outcome_failure_source_and_categories()
    {
        var run = ReadText("run.trx", Trx);

        Assert.AreEqual(1.5, run.Results[0].Seconds, 1e-9);
        Assert.AreEqual(TestOutcome.Passed, run.Results[0].Outcome);
        CollectionAssert.AreEqual(new[] { "billing" }, run.Results[0].Categories!.ToArray());
        Assert.AreEqual("/src/bin/Shop.Tests.dll", run.Results[0].Source);
        Assert.AreEqual(TestOutcome.Failed, run.Results[1].Outcome);
        Assert.AreEqual("Assert.True() Failure", run.Results[1].Message);
        StringAssert.Contains(run.Results[1].StackTrace, "MathTests.cs:line 67");
        Assert.AreEqual(TestOutcome.Skipped, run.Results[2].Outcome);
        Assert.AreEqual(new DateTimeOffset(2026, 11, 1, 10, 0, 1, TimeSpan.Zero), run.Started);
    }

    [TestMethod]
    public void NUnit_test_cases_share_their_methods_id()
    {
        Assert.AreEqual(("Shop.Tests.MathTests.Adds", "Shop.Tests.MathTests"), TestIds.Identify("Shop.Tests.MathTests", "Adds(1,2)"));
        Assert.AreEqual(("Shop.Tests.MathTests.Adds", "Shop.Tests.MathTests"), TestIds.Identify(null, "Shop.Tests.MathTests.Adds"));
    }

    [TestMethod]
    public void Surefire_junit_with_a_comma_in_long_times()
    {
        var run = ReadText("TEST-report.xml", """
            <?xml version='1.0' encoding='utf-8'?>
            <testsuites tests="3" failures="1">
              <testsuite name="org.shop.BillingTest" tests="2" time="1,234.5">
                <testcase name="totals" classname="org.shop.BillingTest" time="1,230.25" />
                <testcase name="rounds" classname="org.shop.BillingTest" time="4.25">
                  <failure type="java.lang.AssertionError" message="expected [1] but found [2]">java.lang.AssertionError: expected [1] but found [2]
            at org.shop.BillingTest.rounds(BillingTest.java:29)</failure>
                </testcase>
              </testsuite>
              <testsuite name="org.shop.WebTest"><testcase name="renders" classname="org.shop.WebTest"><skipped /></testcase></testsuite>
            </testsuites>
            """);

        CollectionAssert.AreEqual(new[] { "org.shop.BillingTest.totals", "org.shop.BillingTest.rounds", "org.shop.WebTest.renders" }, run.Results.Select(r => r.Id).ToArray());
        Assert.AreEqual(1230.25, run.Results[0].Seconds, 1e-9);
        Assert.AreEqual(TestOutcome.Failed, run.Results[1].Outcome);
        Assert.AreEqual("expected [1] but found [2]", run.Results[1].Message);
        StringAssert.Contains(run.Results[1].StackTrace, "BillingTest.java:29");
        Assert.AreEqual(TestOutcome.Skipped, run.Results[2].Outcome);
    }

    [TestMethod]
    public void Jest_and_pytest_files_nested_suites_and_empty_classnames()
    {
        var run = ReadText("junit.xml", """
            <testsuites name="jest tests">
              <testsuite name="cart" file="src/cart.test.ts" timestamp="2026-11-01T10:00:00">
                <testcase classname="cart adds items" name="cart adds items" time="0.5" />
                <testsuite name="nested">
                  <testcase classname="" name="empty class" time="0.1" />
                </testsuite>
              </testsuite>
              <testsuite name="pytest">
                <testcase classname="tests.test_api" name="test_get" file="tests/test_api.py" time="2" />
              </testsuite>
            </testsuites>
            """);

        Assert.AreEqual("cart adds items.cart adds items", run.Results[0].Id);
        Assert.AreEqual("src/cart.test.ts", run.Results[0].File);
        Assert.AreEqual("nested.empty class", run.Results[1].Id);
        Assert.AreEqual("nested", run.Results[1].ClassName);
        Assert.AreEqual("src/cart.test.ts", run.Results[1].File);
        Assert.AreEqual("tests/test_api.py", run.Results[2].File);
        Assert.AreEqual("tests.test_api", run.Results[2].ClassName);
    }

    [TestMethod]
    public void A_lone_testsuite_root_as_go_junit_report_writes_it()
    {
        var run = ReadText("go.xml", """
            <testsuite name="github.com/shop/cart" tests="1" time="0.3">
              <testcase classname="cart" name="TestAdd" time="0.3" />
            </testsuite>
            """);

        Assert.AreEqual("cart.TestAdd", run.Results.Single().Id);
    }

    [TestMethod]
    public void NUnit3_xml_cases_share_their_methods_id_and_carry_categories()
    {
        var run = ReadText("TestResult.xml", """
            <test-run id="0" result="Failed" start-time="2026-11-01 10:00:00Z">
              <test-suite type="Assembly" name="Shop.Tests.dll" fullname="/src/bin/Shop.Tests.dll">
                <test-suite type="TestFixture" name="MathTests" fullname="Shop.Tests.MathTests">
                  <properties><property name="Category" value="billing" /></properties>
                  <test-case name="Adds(1,2)" fullname="Shop.Tests.MathTests.Adds(1,2)" methodname="Adds" classname="Shop.Tests.MathTests" result="Passed" duration="0.5" />
                  <test-case name="Adds(2,3)" fullname="Shop.Tests.MathTests.Adds(2,3)" methodname="Adds" classname="Shop.Tests.MathTests" result="Failed" duration="0.25">
                    <failure><message><![CDATA[Expected: 5]]></message><stack-trace><![CDATA[at Shop.Tests.MathTests.Adds() in MathTests.cs:line 9]]></stack-trace></failure>
                  </test-case>
                </test-suite>
              </test-suite>
            </test-run>
            """);

        CollectionAssert.AreEqual(new[] { "Shop.Tests.MathTests.Adds", "Shop.Tests.MathTests.Adds" }, run.Results.Select(r => r.Id).ToArray());
        Assert.AreEqual(TestOutcome.Failed, run.Results[1].Outcome);
        Assert.AreEqual("Expected: 5", run.Results[1].Message);
        Assert.AreEqual("/src/bin/Shop.Tests.dll", run.Results[0].Source);
        CollectionAssert.AreEqual(new[] { "billing" }, run.Results[0].Categories!.ToArray());
    }

    [TestMethod]
    public void A_file_that_is_not_xml_is_bad_input_naming_the_file_and_line()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("broken.trx", "<TestRun>\n  <Results>\n</TestRun>");

        var error = Assert.ThrowsExactly<FileInputException>(() => ResultFileReader.Read(path));

        Assert.AreEqual(3, error.Line);
        StringAssert.Contains(error.Message, "broken.trx(3,");
    }

    [TestMethod]
    public void Xml_of_another_kind_is_bad_input_saying_what_was_expected()
    {
        var error = Assert.ThrowsExactly<FileInputException>(() => ReadText("pom.xml", "<project />"));

        StringAssert.Contains(error.Message, "expected a TRX file (<TestRun>), JUnit XML");
    }

    [TestMethod]
    public void The_real_result_files_in_tests_data_parse_with_the_counts_their_tools_reported()
    {
        var data = SourceTree.PathOf(Path.Combine("tests", "data", "test-results"));
        Assert.HasCount(79, ResultFileReader.Read(Path.Combine(data, "SilentNotes.trx")).Results);
        Assert.HasCount(808, ResultFileReader.Read(Path.Combine(data, "pulsar-test-report.xml")).Results);
        Assert.HasCount(9, ResultFileReader.Read(Path.Combine(data, "dotnet-nunit.xml")).Results);
        var xunit = ResultFileReader.Read(Path.Combine(data, "dotnet-xunitv3.trx"));
        Assert.AreEqual(3, xunit.Results.Count(r => r.Outcome == TestOutcome.Failed));
        Assert.IsTrue(xunit.Results.All(r => !r.Id.Contains("..", StringComparison.Ordinal)));
    }
}

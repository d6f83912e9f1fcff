using Pipelines.Adapters.DotNet;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.DotNet;

/// <summary>Reads the real, built sample test projects of each framework.</summary>
[TestClass]
public sealed class TestAssemblyReaderTests
{
    private static Dictionary<string, string> Read(string sample) =>
        TestAssemblyReader.Read(SampleProjects.Build(sample), sample + ".dll")
            .ToDictionary(t => t.Id, t => string.Join(",", t.Categories.Order(StringComparer.Ordinal)), StringComparer.Ordinal);

    [TestMethod]
    public void MSTest_tests_and_categories_from_method_class_base_class_and_custom_attributes()
    {
        var tests = Read("MsTestSample");

        var expected = new Dictionary<string, string>
        {
            ["Samples.MsTest.TaggedClassTests.InheritsClassCategory"] = "billing",
            ["Samples.MsTest.TaggedClassTests.HasBoth"] = "billing,web",
            ["Samples.MsTest.MixedTests.Tagged"] = "smoke",
            ["Samples.MsTest.MixedTests.Untagged"] = "",
            ["Samples.MsTest.MixedTests.UntaggedRows"] = "",
            ["Samples.MsTest.MixedTests.CustomCategory"] = "Billing",
            ["Samples.MsTest.MixedTests.CustomTestMethod"] = "",
            ["Samples.MsTest.DerivedTests.FromBase"] = "",
            ["Samples.MsTest.TaggedDerivedTests.FromBase"] = "web",
            ["Samples.MsTest.OuterTests+InnerTests.Nested"] = "",
            ["Samples.MsTest.FlakyTests.FailsOnce"] = "flaky",
            ["Samples.MsTest.FlakyTests.AlwaysFailsWhenAsked"] = "flaky",
            ["Samples.MsTest.TimedTests.TakesConfiguredTime"] = "timed",
        };
        CollectionAssert.AreEquivalent(expected.ToList(), tests.ToList(), string.Join("\n", tests));
    }

    [TestMethod]
    public void XUnit_facts_theories_and_category_traits()
    {
        var tests = Read("XunitSample");

        var expected = new Dictionary<string, string>
        {
            ["Samples.Xunit.TaggedClassTests.InheritsClassTrait"] = "billing",
            ["Samples.Xunit.TaggedClassTests.TheoryWithBoth"] = "billing,web",
            ["Samples.Xunit.MixedTests.Tagged"] = "smoke",
            ["Samples.Xunit.MixedTests.Untagged"] = "",
            ["Samples.Xunit.MixedTests.OtherTraitOnly"] = "",
            ["Samples.Xunit.MixedTests.CustomFact"] = "",
            ["Samples.Xunit.DerivedTests.FromBase"] = "",
        };
        CollectionAssert.AreEquivalent(expected.ToList(), tests.ToList(), string.Join("\n", tests));
    }

    [TestMethod]
    public void NUnit_tests_cases_and_categories_including_named_arguments_and_custom_category_attributes()
    {
        var tests = Read("NunitSample");

        var expected = new Dictionary<string, string>
        {
            ["Samples.NUnit.TaggedFixture.InheritsFixtureCategory"] = "billing",
            ["Samples.NUnit.TaggedFixture.CasesWithBoth"] = "billing,web",
            ["Samples.NUnit.MixedTests.Tagged"] = "smoke",
            ["Samples.NUnit.MixedTests.Untagged"] = "",
            ["Samples.NUnit.MixedTests.UntaggedWithNamedArgument"] = "",
            ["Samples.NUnit.MixedTests.CaseCategory"] = "slow",
            ["Samples.NUnit.MixedTests.CustomCategory"] = "Slow",
            ["Samples.NUnit.MixedTests.FromSource"] = "",
            ["Samples.NUnit.FixtureNamedCategory.Tagged"] = "web",
            ["Samples.NUnit.DerivedTests.FromBase"] = "",
        };
        CollectionAssert.AreEquivalent(expected.ToList(), tests.ToList(), string.Join("\n", tests));
    }

    [TestMethod]
    public void Each_test_knows_its_framework_and_where_it_is_written()
    {
        var test = TestAssemblyReader.Read(SampleProjects.Build("XunitSample"), "XunitSample.dll").Single(t => t.Method == "Untagged");

        Assert.AreEqual("xunit", test.Framework);
        Assert.AreEqual("XunitSample.dll", test.Assembly);
        StringAssert.EndsWith(test.SourceFile!.Replace('\\', '/'), "tests/samples/XunitSample/SampleTests.cs");
        Assert.IsGreaterThan(0, test.SourceLine!.Value);
    }

    [TestMethod]
    public void A_file_that_is_not_an_assembly_is_bad_input_naming_it()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("Broken.Tests.dll", "MZ this is not a PE file at all");

        var error = Assert.ThrowsExactly<InputException>(() => TestAssemblyReader.Read(path, "bin/Broken.Tests.dll"));

        StringAssert.StartsWith(error.Message, "bin/Broken.Tests.dll: not a .NET assembly");
    }
}

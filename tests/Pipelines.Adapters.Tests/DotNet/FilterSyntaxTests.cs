using Pipelines.Adapters.ResultFiles;
using Pipelines.Core.Selection;
using Pipelines.Core.TestResults;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.DotNet;

/// <summary>The filters select-tests writes, run by each framework's real test adapter: they must pick the tagged tests.</summary>
[TestClass]
public sealed class FilterSyntaxTests
{
    [TestMethod]
    [DataRow("MsTestSample", FilterSyntax.MSTest, new[] { "Samples.MsTest.TaggedClassTests.HasBoth", "Samples.MsTest.TaggedClassTests.InheritsClassCategory", "Samples.MsTest.MixedTests.CustomCategory" })]
    [DataRow("XunitSample", FilterSyntax.XUnit, new[] { "Samples.Xunit.TaggedClassTests.InheritsClassTrait", "Samples.Xunit.TaggedClassTests.TheoryWithBoth" })]
    [DataRow("NunitSample", FilterSyntax.NUnit, new[] { "Samples.NUnit.TaggedFixture.InheritsFixtureCategory", "Samples.NUnit.TaggedFixture.CasesWithBoth" })]
    public void The_category_filter_runs_exactly_the_tagged_tests(string sample, FilterSyntax syntax, string[] expected)
    {
        using var results = new TempDirectory();
        var filter = TestFilter.ForCategories(["billing"], syntax);

        var run = Programs.Run("dotnet", ["test", SampleProjects.Build(sample), "--filter", filter, "--logger", "trx", "--results-directory", results.Path]);

        Assert.AreEqual(0, run.ExitCode, run.StandardOutput + run.StandardError);
        var ran = Directory.EnumerateFiles(results.Path, "*.trx").SelectMany(f => ResultFileReader.Read(f).Results)
            .Where(r => r.Outcome == TestOutcome.Passed).Select(r => r.Id).Distinct().ToList();
        CollectionAssert.AreEquivalent(expected, ran, string.Join(", ", ran));
    }
}

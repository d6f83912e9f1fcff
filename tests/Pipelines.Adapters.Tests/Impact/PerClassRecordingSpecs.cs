using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>
/// What a per-class recording of the impact samples must hold, whatever the framework (NUnit, xUnit v3): the samples
/// hold the same tests, and every test of a class gets exactly the files its class's run executed.
/// </summary>
public abstract class PerClassRecordingSpecs
{
    private const string Lib = "Impact/ImpactLib/";

    /// <summary>The sample project's folder name under tests/samples/Impact, e.g. <c>ImpactNunit</c>.</summary>
    protected abstract string Sample { get; }

    /// <summary>The sample's namespace with its trailing dot.</summary>
    protected abstract string Ns { get; }

    /// <summary>The map the derived class recorded once for its sample.</summary>
    protected abstract ImpactMap Map { get; }

    private ImpactTest Test(string name) => Map.Projects.Single().Tests.Single(t => t.Name == Ns + name);

    private string[] LibraryFiles(ImpactTest test) =>
        [.. test.Files.Select(i => Map.Files[i].Path).Where(f => f.StartsWith(Lib, StringComparison.Ordinal)).Select(f => f[Lib.Length..])];

    [TestMethod]
    public void Every_test_of_the_sample_is_recorded_once_with_its_class_per_class()
    {
        var project = Map.Projects.Single();
        Assert.AreEqual(ImpactSampleRepository.Project(Sample), project.Path);
        Assert.AreEqual(ImpactGranularity.Class, project.Granularity, "the map says its files are per class");
        CollectionAssert.AreEquivalent(
            new[]
            {
                "CalculatorTests.Adds", "CalculatorTests.Divides_by_zero_as_zero", "CalculatorTests.Adds_later", "CalculatorTests.Counts",
                "CalculatorTests.Fails_on_purpose", "GreeterTests.Greets", "PricingTests.Prices_standard", "PricingTests.Prices_reduced",
                "ClockTests.Runs_after_the_class_set_up",
            },
            project.Tests.Select(t => t.Name[Ns.Length..]).ToList());
        Assert.AreEqual(Ns + "CalculatorTests", Test("CalculatorTests.Adds").ClassName);
    }

    [TestMethod]
    public void Each_test_gets_the_library_files_its_class_ran_and_not_another_classs()
    {
        foreach (var name in new[] { "Adds", "Divides_by_zero_as_zero", "Adds_later", "Counts", "Fails_on_purpose" })
        {
            CollectionAssert.AreEqual(new[] { "Calculator.cs" }, LibraryFiles(Test("CalculatorTests." + name)), name);
        }

        CollectionAssert.AreEqual(new[] { "Greeter.cs" }, LibraryFiles(Test("GreeterTests.Greets")));
        CollectionAssert.AreEqual(new[] { "Pricing.cs", "RateTable.cs" }, LibraryFiles(Test("PricingTests.Prices_standard")));
        CollectionAssert.AreEqual(new[] { "Pricing.cs", "RateTable.cs" }, LibraryFiles(Test("PricingTests.Prices_reduced")));
        CollectionAssert.AreEqual(new[] { "Clock.cs" }, LibraryFiles(Test("ClockTests.Runs_after_the_class_set_up")));
    }

    [TestMethod]
    public void A_test_records_its_own_test_file_and_keeps_its_own_outcome()
    {
        CollectionAssert.Contains(Test("GreeterTests.Greets").Files.Select(i => Map.Files[i].Path).ToList(), $"Impact/{Sample}/Tests.cs");
        Assert.AreEqual(ImpactOutcome.Failed, Test("CalculatorTests.Fails_on_purpose").Outcome);
        Assert.AreEqual(ImpactOutcome.Passed, Test("CalculatorTests.Adds").Outcome);
    }
}

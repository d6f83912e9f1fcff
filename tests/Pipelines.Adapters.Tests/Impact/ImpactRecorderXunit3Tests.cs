using Pipelines.Adapters.Impact;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>
/// xUnit v3 runs the test assembly as a process of its own, out of the in-process collector's sight: the recorder runs
/// the xUnit v3 sample one class at a time, the instrumented assemblies write their flags to a folder as that process
/// exits, and every test of a class gets the files its class's run executed.
/// </summary>
[TestClass]
public sealed class ImpactRecorderXunit3Tests
{
    private const string Lib = "Impact/ImpactLib/";
    private const string Ns = "Samples.Impact.Xunit.";
    private static ImpactSampleRepository? _samples;
    private static ImpactMap? _map;

    [ClassInitialize]
    public static void RecordOnce(TestContext context)
    {
        _samples = new ImpactSampleRepository();
        _map = _samples.Record("ImpactXunit3");
    }

    [ClassCleanup]
    public static void CleanUp() => _samples?.Dispose();

    private static ImpactMap Map => _map!;

    private static ImpactTest Test(string name) => Map.Projects.Single().Tests.Single(t => t.Name == Ns + name);

    private static string[] LibraryFiles(ImpactTest test) =>
        [.. test.Files.Select(i => Map.Files[i].Path).Where(f => f.StartsWith(Lib, StringComparison.Ordinal)).Select(f => f[Lib.Length..])];

    [TestMethod]
    public void Every_test_of_the_sample_is_recorded_once_with_its_class_per_class()
    {
        var project = Map.Projects.Single();
        Assert.AreEqual(ImpactSampleRepository.Project("ImpactXunit3"), project.Path);
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
    public void Each_test_gets_the_library_files_its_class_ran_in_the_test_process_and_not_another_classs()
    {
        foreach (var name in new[] { "Adds", "Divides_by_zero_as_zero", "Adds_later", "Counts", "Fails_on_purpose" })
        {
            CollectionAssert.AreEqual(new[] { "Calculator.cs" }, LibraryFiles(Test("CalculatorTests." + name)), name);
        }

        CollectionAssert.AreEqual(new[] { "Greeter.cs" }, LibraryFiles(Test("GreeterTests.Greets")));
        CollectionAssert.AreEqual(new[] { "Pricing.cs", "RateTable.cs" }, LibraryFiles(Test("PricingTests.Prices_standard")));
        CollectionAssert.AreEqual(new[] { "Clock.cs" }, LibraryFiles(Test("ClockTests.Runs_after_the_class_set_up")));
    }

    [TestMethod]
    public void A_test_records_its_own_test_file_and_keeps_its_own_outcome()
    {
        CollectionAssert.Contains(Test("GreeterTests.Greets").Files.Select(i => Map.Files[i].Path).ToList(), "Impact/ImpactXunit3/Tests.cs");
        Assert.AreEqual(ImpactOutcome.Failed, Test("CalculatorTests.Fails_on_purpose").Outcome);
        Assert.AreEqual(ImpactOutcome.Passed, Test("CalculatorTests.Adds").Outcome);
    }

    [TestMethod]
    [DataRow("Ns.Fixture", "FullyQualifiedName~Ns.Fixture.")]
    [DataRow("Ns.Outer+Inner", "FullyQualifiedName~Ns.Outer+Inner.")]
    [DataRow("Ns.Odd(1)", "FullyQualifiedName~Ns.Odd\\(1\\).")]
    public void A_class_runs_with_a_VSTest_filter_on_its_name_and_a_dot_escaped(string className, string filter) =>
        Assert.AreEqual(filter, ImpactRecorder.ClassFilter(className));
}

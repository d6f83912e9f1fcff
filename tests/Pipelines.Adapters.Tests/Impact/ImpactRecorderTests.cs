using Pipelines.Core.Errors;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>
/// The recorder on real <c>dotnet test</c> runs of the impact samples: MSTest (with an assembly-wide
/// [Parallelize] that recording must override, and a test that starts a tool of the repository as a process of its own)
/// and xUnit v2 recorded together once for the class.
/// </summary>
[TestClass]
public sealed class ImpactRecorderTests
{
    private const string Lib = "Impact/ImpactLib/";
    private static ImpactSampleRepository? _samples;
    private static ImpactMap? _map;

    [ClassInitialize]
    public static void RecordOnce(TestContext context)
    {
        _samples = new ImpactSampleRepository();
        _map = _samples.Record("ImpactMsTest", "ImpactXunit2");
    }

    [ClassCleanup]
    public static void CleanUp() => _samples?.Dispose();

    private static ImpactMap Map => _map!;

    public static IEnumerable<object[]> Projects => [["ImpactMsTest", "Samples.Impact.MsTest"], ["ImpactXunit2", "Samples.Impact.Xunit2"]];

    private static ImpactTest Test(string project, string ns, string name) =>
        Map.Projects.Single(p => p.Path == ImpactSampleRepository.Project(project)).Tests.Single(t => t.Name == $"{ns}.{name}");

    private static string[] Files(ImpactTest test) => [.. test.Files.Select(i => Map.Files[i].Path)];

    private static string[] LibraryFiles(ImpactTest test) => [.. Files(test).Where(f => f.StartsWith(Lib, StringComparison.Ordinal)).Select(f => f[Lib.Length..])];

    [TestMethod]
    [DynamicData(nameof(Projects))]
    public void A_test_records_the_library_file_it_ran_and_not_the_others(string project, string ns)
    {
        CollectionAssert.AreEqual(new[] { "Calculator.cs" }, LibraryFiles(Test(project, ns, "CalculatorTests.Adds")));
        CollectionAssert.AreEqual(new[] { "Greeter.cs" }, LibraryFiles(Test(project, ns, "GreeterTests.Greets")));
        CollectionAssert.Contains(Files(Test(project, ns, "CalculatorTests.Adds")), $"Impact/{project}/Tests.cs", "the test's own file");
    }

    [TestMethod]
    [DynamicData(nameof(Projects))]
    public void A_framework_that_reports_in_step_is_recorded_per_test(string project, string ns) =>
        Assert.AreEqual(ImpactGranularity.Test, Map.Projects.Single(p => p.Path == ImpactSampleRepository.Project(project)).Granularity, ns);

    [TestMethod]
    [DynamicData(nameof(Projects))]
    public void Both_readers_of_a_static_table_record_its_file_though_only_the_first_ran_its_initializer(string project, string ns)
    {
        CollectionAssert.AreEqual(new[] { "Pricing.cs", "RateTable.cs" }, LibraryFiles(Test(project, ns, "PricingTests.Prices_standard")));
        CollectionAssert.AreEqual(new[] { "Pricing.cs", "RateTable.cs" }, LibraryFiles(Test(project, ns, "PricingTests.Prices_reduced")));
    }

    [TestMethod]
    [DynamicData(nameof(Projects))]
    public void Class_set_up_counts_for_the_test_that_follows_it(string project, string ns) =>
        CollectionAssert.AreEqual(new[] { "Clock.cs" }, LibraryFiles(Test(project, ns, "ClockTests.Runs_after_the_class_set_up")));

    [TestMethod]
    [DynamicData(nameof(Projects))]
    public void Instrumented_exception_handlers_async_code_and_iterators_still_pass(string project, string ns)
    {
        foreach (var name in new[] { "Divides_by_zero_as_zero", "Adds_later", "Counts" })
        {
            var test = Test(project, ns, "CalculatorTests." + name);
            Assert.AreEqual(ImpactOutcome.Passed, test.Outcome, name);
            CollectionAssert.AreEqual(new[] { "Calculator.cs" }, LibraryFiles(test), name);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Projects))]
    public void A_failing_test_is_recorded_as_failed_with_its_files(string project, string ns)
    {
        var test = Test(project, ns, "CalculatorTests.Fails_on_purpose");
        Assert.AreEqual(ImpactOutcome.Failed, test.Outcome);
        CollectionAssert.AreEqual(new[] { "Calculator.cs" }, LibraryFiles(test));
        Assert.AreEqual($"{ns}.CalculatorTests", test.ClassName);
    }

    [TestMethod]
    public void Code_a_test_runs_in_a_process_it_starts_from_its_build_output_is_recorded_for_that_test()
    {
        var test = Test("ImpactMsTest", "Samples.Impact.MsTest", "ShippingTests.Ships_through_the_tool");

        Assert.AreEqual(ImpactOutcome.Passed, test.Outcome);
        CollectionAssert.AreEqual(new[] { "Shipping.cs" }, LibraryFiles(test), "only the tool's process calls Shipping");
        CollectionAssert.Contains(Files(test), "Impact/ImpactTool/Program.cs");
        var others = Map.Projects.SelectMany(p => p.Tests).Where(t => t != test && Files(t).Contains(Lib + "Shipping.cs")).Select(t => t.Name).ToList();
        Assert.IsEmpty(others, "the tool's flags are booked to the test that started it");
    }

    [TestMethod]
    public void Every_tracked_file_is_listed_with_its_blob_id_and_only_instrumented_sources_are_code()
    {
        var tracked = _samples!.Git.Git("ls-tree", "-r", "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (Path: line.Split('\t')[1], Hash: line.Split('\t')[0].Split(' ')[2]))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        CollectionAssert.AreEqual(tracked.Select(f => f.Path).ToList(), Map.Files.Select(f => f.Path).ToList());
        CollectionAssert.AreEqual(tracked.Select(f => f.Hash).ToList(), Map.Files.Select(f => f.Hash).ToList());
        Assert.AreEqual(_samples.Commit, Map.Commit);
        var code = Map.Files.Where(f => f.Code).Select(f => f.Path).ToList();
        CollectionAssert.IsSubsetOf(
            new[] { Lib + "Calculator.cs", Lib + "RateTable.cs", "Impact/ImpactMsTest/Tests.cs", "Impact/ImpactXunit2/Tests.cs" }, code);
        CollectionAssert.DoesNotContain(code, "Impact/ImpactMsTest/ImpactMsTest.csproj");
        CollectionAssert.DoesNotContain(code, "Impact/ImpactNunit/Tests.cs", "no recorded project loads it");
        Assert.IsTrue(Map.Projects.SelectMany(p => p.Tests).SelectMany(t => t.Files).All(i => Map.Files[i].Code), "a test's files are code files");
    }

    [TestMethod]
    public void Recording_leaves_the_build_output_as_it_was()
    {
        var output = Path.Combine(_samples!.Root, "Impact", "ImpactLib", "bin", "Debug", "net10.0", "ImpactLib.dll");
        var bytes = File.ReadAllBytes(output);
        Assert.IsFalse(System.Text.Encoding.ASCII.GetString(bytes).Contains("<PipelinesImpact>", StringComparison.Ordinal), "the user's bin/ holds the original");
    }
}

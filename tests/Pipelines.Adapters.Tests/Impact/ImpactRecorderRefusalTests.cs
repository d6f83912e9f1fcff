using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>What the recorder refuses rather than write a map that would lie.</summary>
[TestClass]
public sealed class ImpactRecorderRefusalTests
{
    private static ImpactSampleRepository? _samples;

    [ClassInitialize]
    public static void Create(TestContext context) => _samples = new ImpactSampleRepository();

    [ClassCleanup]
    public static void CleanUp() => _samples?.Dispose();

    [TestMethod]
    public void A_modified_tracked_file_is_bad_input_naming_it()
    {
        var file = Path.Combine(_samples!.Root, "Impact", "ImpactLib", "Greeter.cs");
        var original = File.ReadAllText(file);
        File.AppendAllText(file, "// edited\n");
        try
        {
            var error = Assert.ThrowsExactly<InputException>(() => _samples.Record("ImpactMsTest"));
            StringAssert.Contains(error.Message, "Impact/ImpactLib/Greeter.cs");
            StringAssert.Contains(error.Message, "commit or stash");
        }
        finally
        {
            File.WriteAllText(file, original);
        }
    }

    [TestMethod]
    public void XUnit_v3_tests_run_in_a_process_of_their_own_and_are_refused_by_name() =>
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => _samples!.Record("ImpactXunit3")).Message, "Impact/ImpactXunit3/ImpactXunit3.csproj");
}

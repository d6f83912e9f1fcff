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
}

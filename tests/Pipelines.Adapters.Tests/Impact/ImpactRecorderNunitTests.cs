using Pipelines.Adapters.Impact;
using Pipelines.Core.Selection.Impact;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>
/// NUnit's adapter reports tests out of step with running them, so the recorder runs the NUnit sample one class at a
/// time and gives every test of a class the files its class's run executed.
/// </summary>
[TestClass]
public sealed class ImpactRecorderNunitTests : PerClassRecordingSpecs
{
    private const string SampleName = "ImpactNunit";
    private const string Namespace = "Samples.Impact.Nunit.";
    private static ImpactSampleRepository? _samples;
    private static ImpactMap? _map;

    [ClassInitialize]
    public static void RecordOnce(TestContext context)
    {
        _samples = new ImpactSampleRepository();
        _map = _samples.Record(SampleName);
    }

    [ClassCleanup]
    public static void CleanUp() => _samples?.Dispose();

    protected override string Sample => SampleName;

    protected override string Ns => Namespace;

    protected override ImpactMap Map => _map!;

    [TestMethod]
    [DataRow("Ns.Fixture", "class == \"Ns.Fixture\"")]
    [DataRow("Ns.Outer+Inner", "class == \"Ns.Outer+Inner\"")]
    [DataRow("Ns.Odd\"Name", "class == \"Ns.Odd\\\"Name\"")]
    public void A_class_runs_with_NUnits_own_class_filter_quoted(string className, string where) =>
        Assert.AreEqual(where, ImpactRecorder.ClassWhere(className));
}

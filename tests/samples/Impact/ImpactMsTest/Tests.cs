using System.Diagnostics;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Samples.Impact;

// As this repository's own tests do: record-impact must still run them one at a time.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 4)]

namespace Samples.Impact.MsTest;

[TestClass]
public class CalculatorTests
{
    [TestMethod]
    public void Adds() => Assert.AreEqual(3, Calculator.Add(1, 2));

    [TestMethod]
    public void Divides_by_zero_as_zero() => Assert.AreEqual(0, Calculator.Divide(1, 0));

    [TestMethod]
    public async Task Adds_later() => Assert.AreEqual(5, await Calculator.AddLaterAsync(2, 3));

    [TestMethod]
    public void Counts() => CollectionAssert.AreEqual(new[] { 1, 2, 3 }, Calculator.Count(3).ToArray());

    [TestMethod]
    public void Fails_on_purpose() => Assert.AreEqual(4, Calculator.Add(1, 2));
}

[TestClass]
public class GreeterTests
{
    [TestMethod]
    public void Greets() => Assert.AreEqual("Hello, Ada!", new Greeter("Hello").Greet("Ada"));
}

[TestClass]
public class PricingTests
{
    [TestMethod]
    public void Prices_standard() => Assert.AreEqual(12m, Pricing.WithTax(10m, "standard"));

    [TestMethod]
    public void Prices_reduced() => Assert.AreEqual(10.5m, Pricing.WithTax(10m, "reduced"));
}

[TestClass]
public class ClockTests
{
    [ClassInitialize]
    public static void StartClock(TestContext context) => Clock.Start();

    [TestMethod]
    public void Runs_after_the_class_set_up() => Assert.IsTrue(true);
}

[TestClass]
public class ShippingTests
{
    // The tool runs in a process of its own, from this test's output folder (the instrumented copy, when recording).
    [TestMethod]
    public void Ships_through_the_tool()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ImpactTool.dll"));
        start.ArgumentList.Add("3");
        using var tool = Process.Start(start)!;
        var output = tool.StandardOutput.ReadToEnd();
        tool.WaitForExit();
        Assert.AreEqual("6", output.Trim());
    }
}

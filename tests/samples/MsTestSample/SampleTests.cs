using System.Runtime.CompilerServices;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Samples.MsTest;

[TestClass]
[TestCategory("billing")]
public class TaggedClassTests
{
    [TestMethod]
    public void InheritsClassCategory() { }

    [TestMethod]
    [TestCategory("web")]
    public void HasBoth() { }
}

[TestClass]
public class MixedTests
{
    [TestMethod]
    [TestCategory("smoke")]
    public void Tagged() { }

    [TestMethod]
    public void Untagged() { }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void UntaggedRows(int value) { }

    [TestMethod]
    [Billing]
    public void CustomCategory() { }

    [SlowTestMethod]
    public void CustomTestMethod() { }

    public void NotATest() { }
}

public sealed class BillingAttribute : TestCategoryBaseAttribute
{
    public override IList<string> TestCategories => ["billing"];
}

public sealed class SlowTestMethodAttribute([CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = -1)
    : TestMethodAttribute(callerFilePath, callerLineNumber);

public abstract class BaseTests
{
    [TestMethod]
    public void FromBase() { }
}

[TestClass]
public class DerivedTests : BaseTests { }

[TestClass]
[TestCategory("web")]
public class TaggedDerivedTests : BaseTests { }

[TestClass]
public class OuterTests
{
    [TestClass]
    public class InnerTests
    {
        [TestMethod]
        public void Nested() { }
    }
}

/// <summary>Fails on its first run in a folder and passes after: a flaky test for run-tests.</summary>
[TestClass]
public class FlakyTests
{
    [TestMethod]
    [TestCategory("flaky")]
    public void FailsOnce()
    {
        var marker = Environment.GetEnvironmentVariable("SAMPLES_FLAKY_MARKER");
        if (marker is null)
        {
            return;
        }

        if (!File.Exists(marker))
        {
            File.WriteAllText(marker, "failed once");
            Assert.Fail("first run fails");
        }
    }

    [TestMethod]
    [TestCategory("flaky")]
    public void AlwaysFailsWhenAsked()
    {
        Assert.IsNull(Environment.GetEnvironmentVariable("SAMPLES_RED"), "red on request");
    }
}

/// <summary>Takes as long as SAMPLES_TEST_SECONDS says: a stand-in for real test work in benchmarks.</summary>
[TestClass]
public class TimedTests
{
    [TestMethod]
    [TestCategory("timed")]
    public void TakesConfiguredTime()
    {
        if (double.TryParse(Environment.GetEnvironmentVariable("SAMPLES_TEST_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
        }
    }
}

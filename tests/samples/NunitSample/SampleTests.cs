using NUnit.Framework;

namespace Samples.NUnit;

[TestFixture]
[Category("billing")]
public class TaggedFixture
{
    [Test]
    public void InheritsFixtureCategory() { }

    [TestCase(1)]
    [TestCase(2)]
    [Category("web")]
    public void CasesWithBoth(int value) { }
}

public class MixedTests
{
    private static readonly int[] Cases = [1];

    [Test]
    [Category("smoke")]
    public void Tagged() { }

    [Test]
    public void Untagged() { }

    [Test(Description = "described, not tagged")]
    public void UntaggedWithNamedArgument() { }

    [TestCase(1, Category = "slow")]
    public void CaseCategory(int value) { }

    [Test]
    [Slow]
    public void CustomCategory() { }

    [TestCaseSource(nameof(Cases))]
    public void FromSource(int value) { }
}

public sealed class SlowAttribute : CategoryAttribute { }

[TestFixture(Category = "web")]
public class FixtureNamedCategory
{
    [Test]
    public void Tagged() { }
}

public abstract class BaseTests
{
    [Test]
    public void FromBase() { }
}

public class DerivedTests : BaseTests { }

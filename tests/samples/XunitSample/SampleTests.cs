using System.Runtime.CompilerServices;
using Xunit;

namespace Samples.Xunit;

[Trait("Category", "billing")]
public class TaggedClassTests
{
    [Fact]
    public void InheritsClassTrait() { }

    [Theory]
    [InlineData(1)]
    [Trait("Category", "web")]
    public void TheoryWithBoth(int value) { }
}

public class MixedTests
{
    [Fact]
    [Trait("category", "smoke")]
    public void Tagged() { }

    [Fact]
    public void Untagged() { }

    [Fact]
    [Trait("Owner", "billing-team")]
    public void OtherTraitOnly() { }

    [SlowFact]
    public void CustomFact() { }
}

public sealed class SlowFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
    : FactAttribute(sourceFilePath, sourceLineNumber);

public abstract class BaseTests
{
    [Fact]
    public void FromBase() { }
}

public class DerivedTests : BaseTests { }

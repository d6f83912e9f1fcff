using Pipelines.Adapters.Files;
using Pipelines.Adapters.Tests.DotNet;

namespace Pipelines.Adapters.Tests.Files;

/// <summary>Which sources use a type's name: the impact map follows a constant, an enum or an interface to its users.</summary>
[TestClass]
public sealed class SourceNameIndexTests
{
    [TestMethod]
    public void A_name_is_found_as_a_whole_identifier_in_sources_only()
    {
        var tree = new InMemoryFileTree()
            .Add("src/Shop/Limits.cs", "public static class Limits { public const int Max = 5; }")
            .Add("src/Shop/Cart.cs", "if (count > Limits.Max) { }")
            .Add("src/Shop/Other.cs", "var x = LimitsCache.Get(); // no use of the type")
            .Add("src/Shop/Basket.fs", "let max = Limits.Max")
            .Add("docs/limits.md", "Limits.Max is five.");

        var index = new SourceNameIndex(tree);

        CollectionAssert.AreEqual(new[] { "src/Shop/Basket.fs", "src/Shop/Cart.cs", "src/Shop/Limits.cs" }, index.FilesNaming("Limits").ToArray());
        Assert.AreEqual(0, index.FilesNaming("Missing").Count);
    }
}

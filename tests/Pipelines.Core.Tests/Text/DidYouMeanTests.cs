using Pipelines.Core.Text;

namespace Pipelines.Core.Tests.Text;

[TestClass]
public sealed class DidYouMeanTests
{
    [TestMethod]
    [DataRow("untaged", "untagged")]
    [DataRow("filter_syntax", "filter-syntax")]
    [DataRow("tgas", "tags")]
    [DataRow("Ignore", "ignore")]
    public void Suggests_the_nearest_known_key(string typo, string expected) =>
        Assert.AreEqual(expected, DidYouMean.Closest(typo, ["tags", "always", "ignore", "untagged", "infer", "filter-syntax"]));

    [TestMethod]
    public void Suggests_nothing_for_a_word_unlike_any_key() =>
        Assert.IsNull(DidYouMean.Closest("deployment", ["tags", "always", "ignore"]));

    [TestMethod]
    public void Kebab_names_map_to_camel_case_and_input_variables()
    {
        Assert.AreEqual("runAll", NameMapping.ToCamelCase("run-all"));
        Assert.AreEqual("filterSyntax", NameMapping.ToAzure("filter-syntax"));
        CollectionAssert.AreEqual(new[] { "INPUT_DRY_RUN", "INPUT_DRY-RUN" }, NameMapping.ToEnvironment("dry-run").ToArray());
        CollectionAssert.AreEqual(new[] { "INPUT_BASE" }, NameMapping.ToEnvironment("base").ToArray());
    }
}

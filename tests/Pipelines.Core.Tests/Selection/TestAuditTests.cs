using Pipelines.Core.Globbing;
using Pipelines.Core.Selection;

namespace Pipelines.Core.Tests.Selection;

[TestClass]
public sealed class TestAuditTests
{
    private static readonly SelectionPolicy Policy = SelectionPolicy.Default with
    {
        Tags = [new TagRule("billing", GlobSet.Compile(["src/Billing/**"]))],
        Always = ["smoke"],
    };

    private static DiscoveredTest Test(string assembly, string id, params string[] categories) =>
        new(assembly, id[..id.LastIndexOf('.')], id[(id.LastIndexOf('.') + 1)..], "mstest", categories);

    [TestMethod]
    public void Tests_without_any_category_are_untagged_and_counted_per_assembly()
    {
        DiscoveredTest[] tests =
        [
            Test("B.dll", "B.Tests.Two", "billing"),
            Test("B.dll", "B.Tests.One"),
            Test("A.dll", "A.Tests.Zero"),
        ];

        var audit = TestAudit.Audit(tests, Policy);

        Assert.AreEqual(3, audit.TestCount);
        CollectionAssert.AreEqual(new[] { "A.Tests.Zero", "B.Tests.One" }, audit.Untagged.Select(t => t.Id).ToArray());
        CollectionAssert.AreEqual(new[] { new AssemblyAudit("A.dll", "mstest", 1, 1), new AssemblyAudit("B.dll", "mstest", 2, 1) }, audit.Assemblies.ToArray());
    }

    [TestMethod]
    public void Categories_no_tag_or_always_entry_names_are_reported_with_counts_ignoring_case()
    {
        DiscoveredTest[] tests =
        [
            Test("A.dll", "A.T.One", "Billing", "web"),
            Test("A.dll", "A.T.Two", "web", "Smoke"),
            Test("A.dll", "A.T.Three", "Web"),
        ];

        var audit = TestAudit.Audit(tests, Policy);

        Assert.HasCount(1, audit.UnknownCategories);
        Assert.AreEqual(3, audit.UnknownCategories["web"]);
        Assert.IsEmpty(audit.Untagged);
    }
}

using Pipelines.Adapters.DotNet;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.DotNet;

/// <summary>Rules the built samples cannot show, over assemblies emitted in the test: categories on the assembly, and more attribute kinds.</summary>
[TestClass]
public sealed class TestAssemblyReaderEmittedTests
{
    private const string MsTest = "Microsoft.VisualStudio.TestTools.UnitTesting.";
    private const string NUnit = "NUnit.Framework.";

    private static Dictionary<string, string> Read(EmittedTestAssembly assembly)
    {
        using var dir = new TempDirectory();
        var path = assembly.Save(dir.Path);
        return TestAssemblyReader.Read(path, Path.GetFileName(path))
            .ToDictionary(t => $"{t.Framework} {t.Id}", t => string.Join(",", t.Categories.Order(StringComparer.Ordinal)), StringComparer.Ordinal);
    }

    [TestMethod]
    public void MSTest_assembly_categories_DataTestMethod_and_a_test_class_attribute_of_its_own()
    {
        var emitted = new EmittedTestAssembly("Emitted.MsTest");
        var ownTestClass = emitted.DefineAttribute("Emitted.MsTest.OwnTestClassAttribute", MsTest + "TestClassAttribute");
        emitted.OnAssembly(EmittedTestAssembly.Use(MsTest + "TestCategoryAttribute", ["integration"]));
        var plain = emitted.Class("Emitted.MsTest.PlainTests", [EmittedTestAssembly.Use(MsTest + "TestClassAttribute")]);
        EmittedTestAssembly.Method(plain, "Rows", EmittedTestAssembly.Use(MsTest + "DataTestMethodAttribute"));
        EmittedTestAssembly.Method(plain, "Tagged", EmittedTestAssembly.Use(MsTest + "TestMethodAttribute"), EmittedTestAssembly.Use(MsTest + "TestCategoryAttribute", ["web"]));
        var own = emitted.Class("Emitted.MsTest.OwnClassTests", [EmittedTestAssembly.Use(ownTestClass)]);
        EmittedTestAssembly.Method(own, "Found", EmittedTestAssembly.Use(MsTest + "TestMethodAttribute"));
        var noClass = emitted.Class("Emitted.MsTest.NotATestClass", []);
        EmittedTestAssembly.Method(noClass, "IgnoredWithoutTestClass", EmittedTestAssembly.Use(MsTest + "TestMethodAttribute"));

        var tests = Read(emitted);

        var expected = new Dictionary<string, string>
        {
            ["mstest Emitted.MsTest.PlainTests.Rows"] = "integration",
            ["mstest Emitted.MsTest.PlainTests.Tagged"] = "integration,web",
            ["mstest Emitted.MsTest.OwnClassTests.Found"] = "integration",
        };
        CollectionAssert.AreEquivalent(expected.ToList(), tests.ToList(), string.Join("\n", tests));
    }

    [TestMethod]
    public void XUnit_assembly_traits_count_when_named_Category_in_any_case()
    {
        var emitted = new EmittedTestAssembly("Emitted.Xunit");
        emitted.OnAssembly(EmittedTestAssembly.Use("Xunit.TraitAttribute", ["CATEGORY", "contract"]))
            .OnAssembly(EmittedTestAssembly.Use("Xunit.TraitAttribute", ["Owner", "team-a"]));
        var outer = emitted.Class("Emitted.Xunit.Outer", []);
        var inner = emitted.Class("Inner", [], declaringType: outer);
        EmittedTestAssembly.Method(inner, "Fact", EmittedTestAssembly.Use("Xunit.FactAttribute"));
        EmittedTestAssembly.Method(inner, "Theory", EmittedTestAssembly.Use("Xunit.TheoryAttribute"));

        var tests = Read(emitted);

        var expected = new Dictionary<string, string>
        {
            ["xunit Emitted.Xunit.Outer+Inner.Fact"] = "contract",
            ["xunit Emitted.Xunit.Outer+Inner.Theory"] = "contract",
        };
        CollectionAssert.AreEquivalent(expected.ToList(), tests.ToList(), string.Join("\n", tests));
    }

    [TestMethod]
    public void NUnit_assembly_categories_Theory_and_the_Category_named_argument_of_Test_split_on_commas()
    {
        var emitted = new EmittedTestAssembly("Emitted.NUnit");
        emitted.OnAssembly(EmittedTestAssembly.Use(NUnit + "CategoryAttribute", ["nightly"]));
        var baseFixture = emitted.Class("Emitted.NUnit.BaseFixture", [EmittedTestAssembly.Use(NUnit + "CategoryAttribute", ["base"])], isAbstract: true);
        EmittedTestAssembly.Method(baseFixture, "Inherited", EmittedTestAssembly.Use(NUnit + "TheoryAttribute"));
        var fixture = emitted.Class("Emitted.NUnit.Fixture", [], parent: baseFixture);
        EmittedTestAssembly.Method(fixture, "Named", EmittedTestAssembly.Use(NUnit + "TestAttribute", category: "fast, db"));

        var tests = Read(emitted);

        var expected = new Dictionary<string, string>
        {
            ["nunit Emitted.NUnit.Fixture.Inherited"] = "base,nightly",
            ["nunit Emitted.NUnit.Fixture.Named"] = "base,db,fast,nightly",
        };
        CollectionAssert.AreEquivalent(expected.ToList(), tests.ToList(), string.Join("\n", tests));
    }
}

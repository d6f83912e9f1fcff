using Pipelines.Cli.Configuration;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;

namespace Pipelines.Cli.Tests.Configuration;

[TestClass]
public sealed class ConfigFileTests
{
    private const string File = ".pipelines/pipelines.yml";

    private static FileInputException Error(string yaml) =>
        Assert.ThrowsExactly<FileInputException>(() => TestsSection.Read(ConfigFile.Parse(yaml, File)));

    [TestMethod]
    public void Reads_the_tests_section_into_a_policy()
    {
        var policy = TestsSection.Read(ConfigFile.Parse("""
            tests:
              tags:
                billing: ["src/Billing/**", "src/Shared/Money*.cs"]
                web: src/Web/**
              always: [smoke]
              ignore: ["docs/**"]
              untagged: fail
              infer: none
              filter-syntax: xunit
            """, File));

        CollectionAssert.AreEqual(new[] { "billing", "web" }, policy.Tags.Select(t => t.Name).ToArray());
        Assert.IsTrue(policy.Tags[0].Paths.IsMatch("src/Shared/MoneyFormat.cs"));
        Assert.IsTrue(policy.Tags[1].Paths.IsMatch("src/Web/a.cs"), "a single glob may be written without a list");
        CollectionAssert.AreEqual(new[] { "smoke" }, policy.Always.ToArray());
        Assert.AreEqual(UntaggedPolicy.Fail, policy.Untagged);
        Assert.AreEqual(InferMode.None, policy.Infer);
        Assert.AreEqual(FilterSyntax.XUnit, policy.FilterSyntax);
    }

    [TestMethod]
    public void An_empty_or_absent_section_means_the_defaults()
    {
        Assert.AreEqual(SelectionPolicy.Default, TestsSection.Read(ConfigFile.Parse("", File)));
        Assert.AreEqual(SelectionPolicy.Default, TestsSection.Read(ConfigFile.Parse("tests:\n", File)));
    }

    [TestMethod]
    public void Malformed_yaml_names_the_file_line_and_column()
    {
        var error = Error("tests:\n  tags:\n    billing: [\"src/**\"\n  always: [x]\n");
        Assert.AreEqual(File, error.File);
        Assert.IsGreaterThanOrEqualTo(3, error.Line);
        StringAssert.StartsWith(error.Message, $"{File}({error.Line},");
        StringAssert.Contains(error.Message, "not valid YAML");
    }

    [TestMethod]
    public void An_unknown_key_is_rejected_with_a_did_you_mean_hint()
    {
        var error = Error("tests:\n  tags: {}\n  untaged: warn\n");
        Assert.AreEqual(3, error.Line);
        StringAssert.Contains(error.Message, "tests.untaged: unknown key 'untaged' in 'tests' (did you mean 'untagged'?)");
    }

    [TestMethod]
    public void An_unknown_top_level_section_is_rejected()
    {
        var error = Assert.ThrowsExactly<FileInputException>(() => ConfigFile.Parse("test:\n  tags: {}\n", File));
        Assert.AreEqual(1, error.Line);
        StringAssert.Contains(error.Message, "did you mean 'tests'?");
    }

    [TestMethod]
    public void A_bad_choice_lists_the_allowed_values()
    {
        var error = Error("tests:\n  untagged: runall\n");
        Assert.AreEqual(2, error.Line);
        StringAssert.Contains(error.Message, "tests.untagged: expected one of run-all, warn, fail, got 'runall' (did you mean 'run-all'?)");
    }

    [TestMethod]
    public void A_glob_that_cannot_compile_names_its_line_and_tag()
    {
        var error = Error("tests:\n  tags:\n    billing:\n      - src/Billing/**\n      - src/[Shared.cs\n");
        Assert.AreEqual(5, error.Line);
        StringAssert.Contains(error.Message, "tests.tags.billing: invalid glob 'src/[Shared.cs'");
    }

    [TestMethod]
    public void A_tag_name_with_a_comma_is_rejected()
    {
        var error = Error("tests:\n  tags:\n    \"a,b\": [\"src/**\"]\n");
        StringAssert.Contains(error.Message, "not a usable tag name");
    }

    [TestMethod]
    public void A_duplicate_key_is_rejected()
    {
        var error = Error("tests:\n  untagged: warn\n  untagged: fail\n");
        Assert.AreEqual(3, error.Line);
    }

    [TestMethod]
    public void A_tag_without_globs_is_rejected()
    {
        var error = Error("tests:\n  tags:\n    billing: []\n");
        StringAssert.Contains(error.Message, "expected at least one path glob");
    }
}

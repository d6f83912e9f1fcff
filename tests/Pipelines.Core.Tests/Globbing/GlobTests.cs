using Pipelines.Core.Globbing;

namespace Pipelines.Core.Tests.Globbing;

[TestClass]
public sealed class GlobTests
{
    [TestMethod]
    [DataRow("src/Billing/**", "src/Billing/Invoice.cs", true)]
    [DataRow("src/Billing/**", "src/Billing/Deep/Er/File.cs", true)]
    [DataRow("src/Billing/**", "src/BillingX/File.cs", false)]
    [DataRow("src/Billing/**", "other/src/Billing/File.cs", false)]
    [DataRow("src/Shared/Money*.cs", "src/Shared/MoneyFormat.cs", true)]
    [DataRow("src/Shared/Money*.cs", "src/Shared/Sub/Money.cs", false)]
    [DataRow("**/*.md", "README.md", true)]
    [DataRow("**/*.md", "docs/guide/intro.md", true)]
    [DataRow("docs/**/*.png", "docs/a.png", true)]
    [DataRow("docs/**/*.png", "docs/x/y/a.png", true)]
    [DataRow("a?c.txt", "abc.txt", true)]
    [DataRow("a?c.txt", "a/c.txt", false)]
    [DataRow("[Tt]ests/**", "Tests/x.cs", true)]
    [DataRow("[!T]ests/**", "Tests/x.cs", false)]
    [DataRow("[a-c].cs", "b.cs", true)]
    [DataRow("[a-c].cs", "d.cs", false)]
    public void Matches_paths_like_gitignore(string pattern, string path, bool expected) =>
        Assert.AreEqual(expected, Glob.Compile(pattern).IsMatch(path), $"{pattern} vs {path}");

    [TestMethod]
    public void A_pattern_without_a_slash_matches_a_name_at_any_depth()
    {
        var glob = Glob.Compile("*.md");
        Assert.IsTrue(glob.IsMatch("README.md"));
        Assert.IsTrue(glob.IsMatch("docs/deep/guide.md"));
        Assert.IsFalse(glob.IsMatch("docs/guide.mdx"));
    }

    [TestMethod]
    public void A_pattern_with_a_slash_is_anchored_at_the_root()
    {
        var glob = Glob.Compile("src/Web/*.cs");
        Assert.IsTrue(glob.IsMatch("src/Web/Page.cs"));
        Assert.IsFalse(glob.IsMatch("lib/src/Web/Page.cs"));
        Assert.IsTrue(Glob.Compile("/build.cs").IsMatch("build.cs"));
        Assert.IsFalse(Glob.Compile("/build.cs").IsMatch("tools/build.cs"));
    }

    [TestMethod]
    public void A_pattern_naming_a_folder_matches_everything_below_it()
    {
        Assert.IsTrue(Glob.Compile("docs").IsMatch("docs/a/b.md"));
        Assert.IsTrue(Glob.Compile("docs/").IsMatch("site/docs/a.md"));
        Assert.IsFalse(Glob.Compile("docs/").IsMatch("docs"), "a trailing slash names a folder, not a file");
        Assert.IsTrue(Glob.Compile("docs").IsMatch("docs"), "without a slash the name may be a file too");
    }

    [TestMethod]
    public void Double_star_in_the_middle_matches_zero_or_more_folders()
    {
        var glob = Glob.Compile("src/**/Tests/*.cs");
        Assert.IsTrue(glob.IsMatch("src/Tests/A.cs"));
        Assert.IsTrue(glob.IsMatch("src/a/b/Tests/A.cs"));
        Assert.IsFalse(glob.IsMatch("src/a/b/Tests/x/A.cs"));
    }

    [TestMethod]
    public void Matching_is_case_sensitive_like_git()
    {
        Assert.IsFalse(Glob.Compile("src/billing/**").IsMatch("src/Billing/A.cs"));
    }

    [TestMethod]
    public void Backslash_escapes_a_special_character()
    {
        var glob = Glob.Compile("notes/\\*.txt");
        Assert.IsTrue(glob.IsMatch("notes/*.txt"));
        Assert.IsFalse(glob.IsMatch("notes/a.txt"));
    }

    [TestMethod]
    public void Regex_characters_in_names_are_literal()
    {
        Assert.IsTrue(Glob.Compile("src/a+b (1).cs").IsMatch("src/a+b (1).cs"));
        Assert.IsFalse(Glob.Compile("src/a.cs").IsMatch("src/abcs"));
    }

    [TestMethod]
    [DataRow("src/[abc.cs", "never closed")]
    [DataRow("src/**x/a.cs", "whole path segment")]
    [DataRow("", "empty")]
    [DataRow("src//a.cs", "empty folder name")]
    [DataRow("a\\", "escapes nothing")]
    [DataRow("[z-a].cs", "runs backwards")]
    public void A_pattern_that_cannot_compile_says_where_and_why(string pattern, string reason)
    {
        var error = Assert.ThrowsExactly<GlobException>(() => Glob.Compile(pattern));
        StringAssert.Contains(error.Message, reason);
        StringAssert.Contains(error.Message, "at character");
    }

    [TestMethod]
    public void In_a_set_the_last_matching_pattern_decides()
    {
        var set = GlobSet.Compile(["src/**", "!src/**/*.md", "src/keep/*.md"]);
        Assert.IsTrue(set.IsMatch("src/a.cs"));
        Assert.IsFalse(set.IsMatch("src/docs/readme.md"));
        Assert.IsTrue(set.IsMatch("src/keep/readme.md"));
        Assert.IsFalse(set.IsMatch("other/a.cs"));
    }

    [TestMethod]
    public void A_pattern_of_many_stars_matches_in_bounded_time()
    {
        var glob = Glob.Compile("**/*a*a*a*a*a*a*a*a*b");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.IsFalse(glob.IsMatch("src/" + new string('a', 60)), "was 226 s with a backtracking match");
        Assert.IsTrue(glob.IsMatch("src/" + new string('a', 60) + "b"));
        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds);
    }
}

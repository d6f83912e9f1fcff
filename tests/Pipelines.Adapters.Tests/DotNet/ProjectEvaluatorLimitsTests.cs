using System.Diagnostics;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Tests.DotNet;

/// <summary>
/// What the fuzz suite found in the project evaluator, kept: conditions, property functions and properties past a
/// documented limit are bad input at the file and line, never a stack overflow or a machine out of memory.
/// </summary>
[TestClass]
public sealed class ProjectEvaluatorLimitsTests
{
    private static InMemoryFileTree Repository(string buildProps) => new InMemoryFileTree()
        .Add("Directory.Build.props", buildProps)
        .Add("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Microsoft.NET.Test.Sdk\" /></ItemGroup></Project>");

    private static FileInputException Refused(string buildProps, double seconds = 5)
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.ThrowsExactly<FileInputException>(() => ProjectGraphReader.Read(Repository(buildProps)));
        Assert.IsLessThan(seconds, clock.Elapsed.TotalSeconds);
        Assert.AreEqual("Directory.Build.props", error.File);
        return error;
    }

    [TestMethod]
    public void A_condition_with_100_000_parentheses_is_refused_at_its_line_not_a_stack_overflow()
    {
        var condition = new string('(', 100_000) + "'a' == 'a'" + new string(')', 100_000);

        var error = Refused($"<Project>\n  <PropertyGroup Condition=\"{condition}\">\n    <X>1</X>\n  </PropertyGroup>\n</Project>");

        Assert.AreEqual(2, error.Line);
        StringAssert.Contains(error.Message, $"this condition nests parentheses or '!' more than {InputLimits.MaxExpressionNesting} deep");
    }

    [TestMethod]
    public void A_condition_of_100_000_negations_is_refused_too()
    {
        var error = Refused($"<Project>\n  <ItemGroup>\n    <None Include=\"a\" Condition=\"{new string('!', 100_000)}true\" />\n  </ItemGroup>\n</Project>");

        Assert.AreEqual(3, error.Line);
    }

    [TestMethod]
    public void Conditions_nested_within_the_limit_are_evaluated()
    {
        var condition = new string('(', 50) + "'$(Configuration)' == 'Never'" + new string(')', 50);
        var tree = Repository("<Project />").Add("src/Lib/Lib.csproj", $"<Project><ItemGroup Condition=\"{condition}\"><PackageReference Include=\"Microsoft.NET.Test.Sdk\" /></ItemGroup></Project>");

        Assert.IsFalse(ProjectGraphReader.Read(tree).Find("src/Lib/Lib.csproj")!.IsTestProject);
    }

    [TestMethod]
    public void A_property_that_doubles_itself_is_refused_at_the_size_limit_in_moments_not_after_running_out_of_memory()
    {
        var doubling = string.Concat(Enumerable.Repeat("    <P>$(P)$(P)</P>\n", 64));

        var error = Refused($"<Project>\n  <PropertyGroup>\n    <P>x</P>\n{doubling}  </PropertyGroup>\n</Project>");

        StringAssert.Contains(error.Message, $"<P>: this value expands to more than {InputLimits.MaxPropertyChars:N0} characters");
        Assert.AreEqual(24, error.Line, "the 21st doubling crosses a million characters");
    }

    [TestMethod]
    public void Property_functions_nested_past_the_limit_are_refused_at_their_line()
    {
        var nested = string.Concat(Enumerable.Repeat("$([System.IO.Path]::GetFileName(", 5_000)) + "'a'" + new string(')', 10_000);

        var error = Refused($"<Project>\n  <PropertyGroup>\n    <P>{nested}</P>\n  </PropertyGroup>\n</Project>");

        Assert.AreEqual(3, error.Line);
        StringAssert.Contains(error.Message, "property functions are nested more than");
    }

    [TestMethod]
    public void Import_groups_nested_past_the_xml_depth_limit_are_refused()
    {
        var depth = 10_000;
        var error = Refused("<Project>" + string.Concat(Enumerable.Repeat("<ImportGroup>", depth)) + string.Concat(Enumerable.Repeat("</ImportGroup>", depth)) + "</Project>");

        StringAssert.Contains(error.Message, $"elements are nested more than {InputLimits.MaxXmlDepth} deep here");
    }

    [TestMethod]
    public void A_wildcard_of_many_stars_is_expanded_in_bounded_time()
    {
        var tree = new InMemoryFileTree()
            .Add("src/Shared/" + new string('a', 60), "x")
            .Add("src/Shared/aab", "x")
            .Add("src/Shared/aaaaaaaab", "x")
            .Add("src/App/App.csproj", "<Project><ItemGroup><Compile Include=\"..\\Shared\\**\\*a*a*a*a*a*a*a*a*b\" /></ItemGroup></Project>");
        var clock = Stopwatch.StartNew();

        var node = ProjectGraphReader.Read(tree).Find("src/App/App.csproj")!;

        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds);
        CollectionAssert.AreEqual(new[] { "src/Shared/aaaaaaaab" }, node.Inputs.ToArray());
    }
}

using Pipelines.Core.Errors;
using Pipelines.Core.Text;

namespace Pipelines.Core.Tests.Text;

[TestClass]
public sealed class ArgumentSplitterTests
{
    [TestMethod]
    [DataRow("Shop.slnx -c Release", new[] { "Shop.slnx", "-c", "Release" })]
    [DataRow("  'my tests/A.csproj'  --no-build ", new[] { "my tests/A.csproj", "--no-build" })]
    [DataRow("\"a \\\"quoted\\\" word\" b", new[] { "a \"quoted\" word", "b" })]
    [DataRow(@"C:\src\Shop.sln my\ file", new[] { @"C:\src\Shop.sln", "my file" })]
    [DataRow("$(rm -rf /) `x` ;", new[] { "$(rm", "-rf", "/)", "`x`", ";" })]
    [DataRow("", new string[0])]
    public void Words_and_quotes_split_like_a_shell_without_expanding_anything(string text, string[] expected)
    {
        CollectionAssert.AreEqual(expected, ArgumentSplitter.Split(text, "--args").ToArray());
    }

    [TestMethod]
    public void An_unclosed_quote_is_bad_input_naming_the_option()
    {
        var error = Assert.ThrowsExactly<InputException>(() => ArgumentSplitter.Split("a 'b", "--dotnet-test-args"));

        StringAssert.StartsWith(error.Message, "--dotnet-test-args: unclosed '");
    }
}

using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;

namespace Pipelines.Cli.Tests.Hosting;

[TestClass]
public sealed class UntrustedTextTests
{
    [TestMethod]
    [DataRow("a\n::error::x", "a\\n::error::x")]
    [DataRow("tab\there", "tab\\there")]
    [DataRow("bell\u0007", "bell\\u0007")]
    public void Control_characters_are_shown_not_obeyed(string input, string expected) =>
        Assert.AreEqual(expected, UntrustedText.ForLine(input));

    [TestMethod]
    public void Command_markers_are_broken_anywhere_in_a_line()
    {
        var text = UntrustedText.ForLine("x ##vso[task.complete result=Failed] y ##VSO[z");
        Assert.IsFalse(text.Contains("##vso[", StringComparison.OrdinalIgnoreCase));
        Assert.IsFalse(UntrustedText.ForLine("::add-mask::x").StartsWith("::", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Secrets_are_redacted_even_when_written_in_pieces()
    {
        var redactor = new Redactor();
        redactor.Add("ghp_secretvalue");
        using var inner = new StringWriter();
        using (var writer = new RedactingWriter(inner, redactor))
        {
            writer.Write("token=ghp_sec");
            writer.Write("retvalue and more");
            writer.WriteLine();
            writer.Write("tail ghp_secretvalue");
        }

        Assert.AreEqual("token=*** and more\ntail ***", inner.ToString());
    }
}

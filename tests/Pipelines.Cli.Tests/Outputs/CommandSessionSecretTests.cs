using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;

namespace Pipelines.Cli.Tests.Outputs;

/// <summary>A secret registered with the session: the host is told it, and nothing printed after shows it.</summary>
[TestClass]
public sealed class CommandSessionSecretTests
{
    private static string Register(Dictionary<string, string?> environment)
    {
        using var stdout = new StringWriter();
        var context = new CliContext(environment, ".", stdout, TextWriter.Null);
        var session = new CommandSession(context, "test", json: false, new Redactor());

        session.AddSecret("s3cr3t-value");
        session.Log.WriteLine("token is s3cr3t-value");
        session.Log.Flush();
        return stdout.ToString();
    }

    [TestMethod]
    public void GitHub_is_told_the_secret_itself_and_later_lines_are_redacted()
    {
        var output = Register(new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true" });

        StringAssert.Contains(output, "::add-mask::s3cr3t-value\n");
        StringAssert.Contains(output, "token is ***");
    }

    [TestMethod]
    public void Azure_Pipelines_is_told_the_secret_itself_and_later_lines_are_redacted()
    {
        var output = Register(new Dictionary<string, string?> { ["TF_BUILD"] = "True", ["AGENT_TEMPDIRECTORY"] = Path.GetTempPath() });

        StringAssert.Contains(output, "]s3cr3t-value");
        StringAssert.Contains(output, "token is ***");
    }
}

using Pipelines.Cli.Hosting;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Hosting;

[TestClass]
public sealed class AzurePipelinesHostTests
{
    private static (AzurePipelinesHost Host, StringWriter Log, TempDirectory Dir) Create()
    {
        var dir = new TempDirectory();
        var log = new StringWriter();
        var context = new CliContext(new Dictionary<string, string?> { ["TF_BUILD"] = "True", ["AGENT_TEMPDIRECTORY"] = dir.Path }, dir.Path, log, log);
        return (new AzurePipelinesHost((AzurePipelines)context.Ci, log, "select-tests"), log, dir);
    }

    [TestMethod]
    public void Outputs_become_output_variables_with_names_without_hyphens()
    {
        var (host, log, dir) = Create();
        using var _d = dir;
        host.SetOutputs([new("run-all", "true"), new("filter", "TestCategory=a|TestCategory=b"), new("odd", "50%; ]x\nline2")]);

        var variables = AzureLog.OutputVariables(log.ToString());
        Assert.AreEqual("true", variables["runAll"]);
        Assert.AreEqual("TestCategory=a|TestCategory=b", variables["filter"]);
        Assert.AreEqual("50%; ]x\nline2", variables["odd"]);
        Assert.IsFalse(variables.Keys.Any(k => k.Contains('-', StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Annotations_are_logissue_commands_with_escaped_properties()
    {
        var (host, log, dir) = Create();
        using var _d = dir;
        host.Annotate(new Annotation(AnnotationLevel.Warning, "no tag", "src/a;b].cs", 3));
        Assert.AreEqual("##vso[task.logissue type=warning;sourcepath=src/a%3Bb%5D.cs;linenumber=3;]no tag", log.ToString().TrimEnd());
    }

    [TestMethod]
    public void The_summary_is_uploaded_from_a_file_in_the_agent_temp_folder()
    {
        var (host, log, dir) = Create();
        using var _d = dir;
        host.AppendSummary("## Test selection\n");

        var line = log.ToString().Trim();
        StringAssert.StartsWith(line, "##vso[task.uploadsummary]");
        var path = line["##vso[task.uploadsummary]".Length..];
        StringAssert.StartsWith(path, dir.Path);
        Assert.AreEqual("## Test selection\n", File.ReadAllText(path));
    }

    [TestMethod]
    public void Reports_cannot_carry_a_logging_command()
    {
        var (host, log, dir) = Create();
        using var _d = dir;
        host.WriteReport("changed: ##vso[task.setvariable variable=x]evil\n##[group]fake\n");
        Assert.IsFalse(log.ToString().Contains("##vso[", StringComparison.Ordinal));
        Assert.IsFalse(log.ToString().Contains("##[", StringComparison.Ordinal));
        StringAssert.Contains(log.ToString(), "task.setvariable variable=x]evil", "the text itself stays readable");
    }

    [TestMethod]
    public void Secrets_are_registered_with_setsecret()
    {
        var (host, log, dir) = Create();
        using var _d = dir;
        host.Mask("s3cr3t-value");
        Assert.AreEqual("##vso[task.setsecret]s3cr3t-value", log.ToString().TrimEnd());
    }
}

using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Inputs;

[TestClass]
public sealed class EnvironmentInputsTests
{
    private static TemporaryRepository Repo()
    {
        var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  tags:\n    web: [\"src/Web/**\"]\n  infer: none\n").Write("src/Web/a.cs", "a").Commit();
        repo.Write("src/Web/a.cs", "b").Write("other.txt", "x").Commit();
        return repo;
    }

    [TestMethod]
    public void An_option_can_come_from_INPUT_variables()
    {
        using var repo = Repo();
        var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["INPUT_UNTAGGED"] = "warn", ["INPUT_JSON"] = "true" }, "select-tests");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.IsFalse(json.RootElement.GetProperty("runAll").GetBoolean(), "untagged: warn came from INPUT_UNTAGGED");
    }

    [TestMethod]
    public void Hyphenated_inputs_work_with_underscore_and_with_hyphen()
    {
        using var repo = Repo();
        foreach (var name in new[] { "INPUT_FILTER_SYNTAX", "INPUT_FILTER-SYNTAX" })
        {
            var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { [name] = "xunit", ["INPUT_UNTAGGED"] = "warn" }, "select-tests", "--json");
            using var json = JsonDocument.Parse(run.StandardOutput);
            Assert.AreEqual("Category=web", json.RootElement.GetProperty("filter").GetString(), name);
        }
    }

    [TestMethod]
    public void The_command_line_wins_over_the_environment()
    {
        using var repo = Repo();
        var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["INPUT_UNTAGGED"] = "warn" }, "select-tests", "--json", "--untagged", "run-all");
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.IsTrue(json.RootElement.GetProperty("runAll").GetBoolean());
    }

    [TestMethod]
    public void An_empty_variable_counts_as_not_given()
    {
        using var repo = Repo();
        var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["INPUT_UNTAGGED"] = "", ["INPUT_BASE"] = "" }, "select-tests", "--json");
        Assert.AreEqual(0, run.ExitCode, run.StandardError);
    }

    [TestMethod]
    public void A_bad_value_from_the_environment_exits_2_naming_the_variable()
    {
        using var repo = Repo();
        var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["INPUT_UNTAGGED"] = "sometimes" }, "select-tests");
        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "INPUT_UNTAGGED");
    }
}

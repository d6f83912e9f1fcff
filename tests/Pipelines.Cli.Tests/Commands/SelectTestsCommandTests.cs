using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary><c>pipelines select-tests</c> end to end on real git repositories, as each CI host would run it.</summary>
[TestClass]
public sealed class SelectTestsCommandTests
{
    private const string Config = """
        tests:
          tags:
            billing: ["src/Billing/**", "src/Shared/Money*.cs"]
            web: ["src/Web/**"]
          always: [smoke]
          ignore: ["docs/**", "**/*.md"]
          untagged: warn
          infer: none
        """;

    private static TemporaryRepository RepoWithConfig(string config = Config)
    {
        var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", config)
            .Write("src/Billing/Invoice.cs", "class Invoice {}")
            .Write("src/Web/Page.cs", "class Page {}")
            .Write("src/Shared/Money.cs", "class Money {}")
            .Write("docs/guide.md", "# guide")
            .Commit("initial");
        return repo;
    }

    private static Dictionary<string, string?> GitHubEnvironment(TempDirectory dir) => new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_OUTPUT"] = Path.Combine(dir.Path, "output"),
        ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir.Path, "summary"),
    };

    [TestMethod]
    public void On_GitHub_the_outputs_read_back_from_GITHUB_OUTPUT()
    {
        using var repo = RepoWithConfig();
        repo.Write("src/Billing/Invoice.cs", "class Invoice { int x; }").Write("docs/guide.md", "# changed").Commit();
        using var dir = new TempDirectory();
        var env = GitHubEnvironment(dir);

        var run = CliRunner.Run(repo.Path, env, "select-tests");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var outputs = GitHubOutputFile.Parse(File.ReadAllText(env["GITHUB_OUTPUT"]!));
        Assert.AreEqual("billing,smoke", outputs["tags"]);
        Assert.AreEqual("TestCategory=billing|TestCategory=smoke", outputs["filter"]);
        Assert.AreEqual("false", outputs["run-all"]);
        Assert.AreEqual("", outputs["untagged"]);
        Assert.AreEqual("", outputs["projects"]);
        var summary = File.ReadAllText(env["GITHUB_STEP_SUMMARY"]!);
        StringAssert.Contains(summary, "| tag | `billing` | src/Billing/\\*\\* | 1 | `src/Billing/Invoice.cs` |");
        StringAssert.Contains(summary, "1 ignored file");
    }

    [TestMethod]
    public void On_Azure_Pipelines_the_outputs_are_output_variables()
    {
        using var repo = RepoWithConfig();
        repo.Write("src/Web/Page.cs", "class Page { }").Commit();
        using var dir = new TempDirectory();

        var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["TF_BUILD"] = "True", ["AGENT_TEMPDIRECTORY"] = dir.Path }, "select-tests");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        var variables = AzureLog.OutputVariables(run.StandardOutput);
        Assert.AreEqual("web,smoke", variables["tags"]);
        Assert.AreEqual("false", variables["runAll"]);
        Assert.AreEqual("TestCategory=web|TestCategory=smoke", variables["filter"]);
        StringAssert.Contains(run.StandardOutput, "##vso[task.uploadsummary]");
    }

    [TestMethod]
    public void Json_prints_one_document_with_the_outputs_in_camel_case_and_the_reasons()
    {
        using var repo = RepoWithConfig();
        var baseSha = repo.Git("rev-parse", "HEAD").Trim();
        repo.Write("src/Shared/Money.cs", "class Money { }").Write("tools/x.sh", "echo").Commit();

        var run = CliRunner.Run(repo.Path, "select-tests", "--json", "--base", baseSha);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        using var json = JsonDocument.Parse(run.StandardOutput);
        var root = json.RootElement;
        Assert.AreEqual(baseSha, root.GetProperty("base").GetString());
        Assert.AreEqual("billing", root.GetProperty("tags")[0].GetString());
        Assert.IsFalse(root.GetProperty("runAll").GetBoolean());
        Assert.AreEqual("tools/x.sh", root.GetProperty("untagged")[0].GetString());
        Assert.AreEqual("src/Shared/Money.cs", root.GetProperty("reasons").GetProperty("billing")[0].GetString());
        StringAssert.Contains(run.StandardError, "warning: tools/x.sh", "people's text goes to stderr under --json");
    }

    [TestMethod]
    public void Renamed_deleted_and_binary_files_all_count()
    {
        using var repo = RepoWithConfig();
        repo.Move("src/Shared/Money.cs", "src/Web/Money.cs");
        repo.Delete("src/Billing/Invoice.cs");
        repo.WriteBytes("src/Web/logo.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 1, 2, 3]);
        repo.Commit("move, delete, add binary");

        var run = CliRunner.Run(repo.Path, "select-tests", "--json");

        using var json = JsonDocument.Parse(run.StandardOutput);
        var tags = json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray();
        CollectionAssert.AreEqual(new[] { "billing", "web", "smoke" }, tags);
        var webFiles = json.RootElement.GetProperty("reasons").GetProperty("web").EnumerateArray().Select(t => t.GetString()).ToArray();
        CollectionAssert.AreEqual(new[] { "src/Web/Money.cs", "src/Web/logo.png" }, webFiles);
    }

    [TestMethod]
    public void Untagged_files_are_annotated_and_under_fail_the_step_exits_1_with_outputs()
    {
        using var repo = RepoWithConfig(Config.Replace("untagged: warn", "untagged: fail", StringComparison.Ordinal));
        repo.Write("scripts/deploy.sh", "echo").Commit();
        using var dir = new TempDirectory();
        var env = GitHubEnvironment(dir);

        var run = CliRunner.Run(repo.Path, env, "select-tests");

        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.StandardOutput, "::error file=scripts/deploy.sh,title=Untagged change::");
        Assert.AreEqual("scripts/deploy.sh", GitHubOutputFile.Parse(File.ReadAllText(env["GITHUB_OUTPUT"]!))["untagged"]);
    }

    [TestMethod]
    public void Under_run_all_an_untagged_file_selects_everything()
    {
        using var repo = RepoWithConfig(Config.Replace("untagged: warn", "untagged: run-all", StringComparison.Ordinal));
        repo.Write("scripts/deploy.sh", "echo").Commit();

        var run = CliRunner.Run(repo.Path, "select-tests", "--json");

        Assert.AreEqual(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.IsTrue(json.RootElement.GetProperty("runAll").GetBoolean());
        Assert.AreEqual("", json.RootElement.GetProperty("filter").GetString());
    }

    [TestMethod]
    public void A_file_name_carrying_a_logging_command_is_printed_harmlessly()
    {
        using var repo = RepoWithConfig();
        using var agentTemp = new TempDirectory("pipelines-agent-temp");
        repo.Write("##vso[task.setvariable variable=filter]pwned", "x").Commit();

        var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["TF_BUILD"] = "True", ["AGENT_TEMPDIRECTORY"] = agentTemp.Path }, "select-tests");

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        string[] ours = ["##vso[task.logissue ", "##vso[task.setvariable variable=", "##vso[task.uploadsummary]"];
        foreach (var line in run.StandardOutput.Split('\n'))
        {
            var at = line.IndexOf("##vso[", StringComparison.OrdinalIgnoreCase);
            Assert.IsTrue(at < 0 || (at == 0 && ours.Any(o => line.StartsWith(o, StringComparison.Ordinal))),
                "only our own commands may contain ##vso[, and only at the start: " + line);
        }

        Assert.AreEqual("TestCategory=smoke", AzureLog.OutputVariables(run.StandardOutput)["filter"]);
        StringAssert.Contains(run.StandardOutput, "task.setvariable variable=filter]pwned", "the name is still shown, defused");
    }

    [TestMethod]
    public void The_base_defaults_to_the_merge_base_with_the_default_branch()
    {
        using var repo = RepoWithConfig();
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("src/Web/Page.cs", "class Page { int a; }").Commit("feature 1");
        repo.Write("src/Billing/Invoice.cs", "class Invoice { int b; }").Commit("feature 2");
        repo.Git("checkout", "-q", "main");
        repo.Write("docs/other.md", "main moves on").Commit("main");
        repo.Git("checkout", "-q", "feature");

        var run = CliRunner.Run(repo.Path, "select-tests", "--json");

        using var json = JsonDocument.Parse(run.StandardOutput);
        StringAssert.Contains(json.RootElement.GetProperty("baseReason").GetString(), "merge base with the default branch main");
        var tags = json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray();
        CollectionAssert.AreEqual(new[] { "billing", "web", "smoke" }, tags, "both feature commits count, main's own change does not");
    }

    [TestMethod]
    public void On_a_pull_request_the_base_is_the_merge_base_with_the_target_branch()
    {
        using var repo = RepoWithConfig();
        repo.Git("checkout", "-q", "-b", "release");
        repo.Write("src/Web/Page.cs", "class Page { int r; }").Commit("release only");
        repo.Git("checkout", "-q", "-b", "fix");
        repo.Write("src/Billing/Invoice.cs", "class Invoice { int f; }").Commit("fix");

        var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["GITHUB_BASE_REF"] = "release" }, "select-tests", "--json");

        using var json = JsonDocument.Parse(run.StandardOutput);
        StringAssert.Contains(json.RootElement.GetProperty("baseReason").GetString(), "pull request's target release");
        CollectionAssert.AreEqual(new[] { "billing", "smoke" }, json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray());
    }

    [TestMethod]
    public void On_the_default_branch_the_base_is_the_previous_commit_not_an_empty_diff()
    {
        using var repo = RepoWithConfig();
        repo.Write("src/Web/Page.cs", "class Page { int x; }").Commit();

        var run = CliRunner.Run(repo.Path, "select-tests", "--json");

        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.AreEqual(1, json.RootElement.GetProperty("changedFiles").GetInt32());
        StringAssert.Contains(json.RootElement.GetProperty("baseReason").GetString(), "parent");
    }

    [TestMethod]
    public void A_push_event_compares_with_the_commit_before_the_push()
    {
        using var repo = RepoWithConfig();
        var before = repo.Git("rev-parse", "HEAD").Trim();
        repo.Write("src/Web/Page.cs", "class Page { int x; }").Commit("one");
        repo.Write("src/Billing/Invoice.cs", "class Invoice { int y; }").Commit("two");
        using var dir = new TempDirectory();
        var eventPath = dir.Write("event.json", $$"""{"before":"{{before}}","after":"x"}""");

        var run = CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["GITHUB_EVENT_NAME"] = "push", ["GITHUB_EVENT_PATH"] = eventPath }, "select-tests", "--json");

        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.AreEqual(before, json.RootElement.GetProperty("base").GetString());
        Assert.AreEqual(2, json.RootElement.GetProperty("changedFiles").GetInt32());
    }

    [TestMethod]
    public void The_first_commit_is_compared_with_the_empty_tree()
    {
        using var repo = RepoWithConfig();
        var run = CliRunner.Run(repo.Path, "select-tests", "--json");
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.AreEqual(5, json.RootElement.GetProperty("changedFiles").GetInt32());
    }
}

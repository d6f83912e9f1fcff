using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Hosting;

/// <summary>
/// Issue #15: what each CI host says about its run is read in one place, by one detection rule. One environment holding
/// both hosts' variables is read per host, so each test shows which variables that host takes.
/// </summary>
[TestClass]
public sealed class CiEnvironmentTests
{
    private const string GitHubSha = "1111111111111111111111111111111111111111";
    private const string AzureSha = "2222222222222222222222222222222222222222";
    private const string Before = "3333333333333333333333333333333333333333";

    /// <summary>Everything both CIs set for a push to main, without the detection variables.</summary>
    private static Dictionary<string, string?> Both(TempDirectory dir) => new()
    {
        ["GITHUB_SHA"] = GitHubSha,
        ["GITHUB_REF"] = "refs/heads/main",
        ["GITHUB_BASE_REF"] = "release",
        ["GITHUB_EVENT_NAME"] = "push",
        ["GITHUB_EVENT_PATH"] = dir.Write("event.json", $$"""{"before":"{{Before}}","after":"{{GitHubSha}}"}"""),
        ["GITHUB_SERVER_URL"] = "https://github.com",
        ["GITHUB_REPOSITORY"] = "octo/shop",
        ["GITHUB_RUN_ID"] = "42",
        ["GITHUB_TOKEN"] = "ghs_token",
        ["GITHUB_API_URL"] = "https://ghe.example.com/api/v3",
        ["GITHUB_OUTPUT"] = Path.Combine(dir.Path, "output"),
        ["BUILD_SOURCEVERSION"] = AzureSha,
        ["BUILD_SOURCEBRANCH"] = "refs/heads/trunk",
        ["SYSTEM_PULLREQUEST_TARGETBRANCH"] = "refs/heads/stable",
        ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "5",
        ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/fabrikam/",
        ["SYSTEM_TEAMPROJECT"] = "Shop Team",
        ["BUILD_BUILDID"] = "77",
        ["BUILD_REPOSITORY_NAME"] = "shop",
        ["SYSTEM_DEFINITIONID"] = "12",
        ["SYSTEM_ACCESSTOKEN"] = "ado_token",
        ["AGENT_TEMPDIRECTORY"] = dir.Path,
    };

    private static CiEnvironment Read(Dictionary<string, string?> variables, params (string Name, string Value)[] extra)
    {
        foreach (var (name, value) in extra)
        {
            variables[name] = value;
        }

        return new CliContext(variables, ".", TextWriter.Null, TextWriter.Null).Ci;
    }

    [TestMethod]
    public void On_GitHub_Actions_the_run_is_read_from_the_runners_variables_only()
    {
        using var dir = new TempDirectory();

        var ci = Read(Both(dir), ("GITHUB_ACTIONS", "true"));

        Assert.IsInstanceOfType<GitHubActions>(ci);
        Assert.AreEqual("GitHub Actions", ci.Name);
        Assert.AreEqual(GitHubSha, ci.Commit);
        Assert.AreEqual("GITHUB_SHA", ci.CommitVariable);
        Assert.AreEqual("main", ci.Branch);
        Assert.AreEqual("release", ci.PullRequestTarget);
        Assert.AreEqual(Before, ci.PushedBefore);
        Assert.AreEqual("https://github.com/octo/shop/actions/runs/42", ci.BuildLink);
        Assert.AreEqual("ghs_token", ci.Token);
        Assert.AreEqual(new Uri("https://ghe.example.com/api/v3/"), ci.GitHub.ApiRoot);
        Assert.AreEqual(Path.Combine(dir.Path, "output"), ((GitHubActions)ci).OutputFile);
        Assert.IsInstanceOfType<GitHubActionsHost>(ci.CreateHost(TextWriter.Null, "test"));
    }

    [TestMethod]
    public void On_Azure_Pipelines_the_run_is_read_from_the_agents_variables_only()
    {
        using var dir = new TempDirectory();

        var ci = Read(Both(dir), ("TF_BUILD", "True"));

        Assert.IsInstanceOfType<AzurePipelines>(ci);
        Assert.AreEqual("Azure Pipelines", ci.Name);
        Assert.AreEqual(AzureSha, ci.Commit);
        Assert.AreEqual("BUILD_SOURCEVERSION", ci.CommitVariable);
        Assert.AreEqual("trunk", ci.Branch);
        Assert.AreEqual("stable", ci.PullRequestTarget);
        Assert.IsNull(ci.PushedBefore, "Azure Pipelines does not say what the branch was before the push");
        Assert.IsNull(ci.EventPayload);
        Assert.AreEqual("https://dev.azure.com/fabrikam/Shop%20Team/_build/results?buildId=77", ci.BuildLink);
        Assert.AreEqual("ado_token", ci.Token);
        Assert.AreEqual(5, ((AzurePipelines)ci).PullRequestId);
        Assert.AreEqual(new AzureDevOpsConnection("ado_token", "https://dev.azure.com/fabrikam/", "Shop Team", "shop", 12), ci.AzureDevOps);
        Assert.IsInstanceOfType<AzurePipelinesHost>(ci.CreateHost(TextWriter.Null, "test"));
    }

    [TestMethod]
    public void Locally_a_CIs_variables_set_by_hand_are_read_as_that_CI_reads_them_GitHubs_first_but_there_is_no_run_token()
    {
        using var dir = new TempDirectory();

        var ci = Read(Both(dir));

        Assert.IsInstanceOfType<Local>(ci);
        Assert.AreEqual("local", ci.Name);
        Assert.AreEqual(GitHubSha, ci.Commit);
        Assert.AreEqual("main", ci.Branch);
        Assert.AreEqual("release", ci.PullRequestTarget);
        Assert.AreEqual(Before, ci.PushedBefore);
        Assert.AreEqual("https://github.com/octo/shop/actions/runs/42", ci.BuildLink);
        Assert.IsNull(ci.Token, "a token in a developer's shell is not a run's token");
        Assert.AreEqual("ghs_token", ci.GitHub.Token, "a provider chosen by hand still finds its token");
        Assert.IsInstanceOfType<LocalHost>(ci.CreateHost(TextWriter.Null, "test"));
    }

    [TestMethod]
    public void Locally_with_nothing_set_the_run_says_nothing()
    {
        var ci = Read([]);

        Assert.IsInstanceOfType<Local>(ci);
        Assert.IsNull(ci.Commit);
        Assert.IsNull(ci.Branch);
        Assert.IsNull(ci.PullRequestTarget);
        Assert.IsNull(ci.PushedBefore);
        Assert.IsNull(ci.BuildLink);
        Assert.IsNull(ci.EventPayload);
        Assert.AreEqual(new Uri("https://api.github.com/"), ci.GitHub.ApiRoot);
    }

    [TestMethod]
    [DataRow("GITHUB_ACTIONS", "true", "GitHub Actions")]
    [DataRow("GITHUB_ACTIONS", "TRUE", "GitHub Actions")]
    [DataRow("GITHUB_ACTIONS", "false", "local")]
    [DataRow("TF_BUILD", "True", "Azure Pipelines")]
    [DataRow("TF_BUILD", "true", "Azure Pipelines")]
    [DataRow("TF_BUILD", "1", "local")]
    [DataRow("TF_BUILD", "", "local")]
    public void One_rule_decides_the_host(string variable, string value, string host)
    {
        Assert.AreEqual(host, Read([], (variable, value)).Name);
    }

    [TestMethod]
    public void A_new_branchs_push_has_no_commit_before_it()
    {
        using var dir = new TempDirectory();
        var environment = Both(dir);
        environment["GITHUB_EVENT_PATH"] = dir.Write("new-branch.json", """{"before":"0000000000000000000000000000000000000000"}""");

        Assert.IsNull(Read(environment, ("GITHUB_ACTIONS", "true")).PushedBefore);
    }

    [TestMethod]
    public void The_before_of_an_event_other_than_a_push_is_not_a_pushed_before()
    {
        using var dir = new TempDirectory();

        var ci = Read(Both(dir), ("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "pull_request"));

        Assert.IsNull(ci.PushedBefore);
        Assert.AreEqual(Before, ci.EventPayload!.Before);
    }

    [TestMethod]
    public void The_event_file_is_parsed_once_however_often_it_is_asked_for()
    {
        using var dir = new TempDirectory();
        var ci = Read(Both(dir), ("GITHUB_ACTIONS", "true"));

        var first = ci.EventPayload;
        File.WriteAllText(Path.Combine(dir.Path, "event.json"), "changed: not even JSON");

        Assert.AreSame(first, ci.EventPayload);
        Assert.AreEqual(Before, ci.PushedBefore);
    }

    [TestMethod]
    public void Commands_see_the_host_the_session_writes_for()
    {
        var context = new CliContext(new Dictionary<string, string?> { ["TF_BUILD"] = "true", ["AGENT_TEMPDIRECTORY"] = Path.GetTempPath() }, ".", TextWriter.Null, TextWriter.Null);

        var session = new CommandSession(context, "test", json: false, new Redactor());

        Assert.AreEqual(context.Ci.Name, session.Host.Name);
        Assert.AreEqual("Azure Pipelines", session.Host.Name);
    }

    [TestMethod]
    public void A_GITHUB_API_URL_that_is_not_a_URL_is_bad_input_naming_the_variable_not_its_value()
    {
        var ci = Read([], ("GITHUB_API_URL", "not a url ghs_secret"));

        var error = Assert.ThrowsExactly<Core.Errors.InputException>(() => ci.GitHub.ApiRoot);

        StringAssert.StartsWith(error.Message, "GITHUB_API_URL:");
        Assert.DoesNotContain("ghs_secret", error.Message);
    }

    [TestMethod]
    public void A_TF_BUILD_that_is_not_true_is_local_for_every_command_no_status_posted_and_no_logging_commands()
    {
        // Before #15, metrics-gate took any TF_BUILD for Azure Pipelines while the outputs took only "true".
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", "gate:\n  provider: file\n  metrics:\n    - name: errors\n      kind: ratio\n");
        dir.Write("data.json", """{"metrics": {"errors": {"canary": {"events": 900, "trials": 1000}, "baseline": {"events": 10, "trials": 1000}}}}""");
        using var collection = new FaultServer();
        var environment = new Dictionary<string, string?>
        {
            ["TF_BUILD"] = "1",
            ["SYSTEM_ACCESSTOKEN"] = "ado-token",
            ["SYSTEM_COLLECTIONURI"] = collection.BaseAddress.ToString(),
            ["SYSTEM_TEAMPROJECT"] = "Shop",
            ["BUILD_REPOSITORY_NAME"] = "shop",
            ["BUILD_SOURCEVERSION"] = AzureSha,
        };

        var run = CliRunner.Run(dir.Path, environment, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        Assert.IsEmpty(collection.Requests, "no Azure DevOps status from a run that is not on Azure Pipelines");
        Assert.DoesNotContain("##vso[", run.StandardOutput);
    }
}

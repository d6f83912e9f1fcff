using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Hosting;

/// <summary>
/// Issue #20: an event payload of the wrong shape crashed select-tests (<c>BaseCommitResolver</c>) and revert-on-red
/// (<c>RevertLocation.WorkflowRun</c>) with exit 4. It is bad input: exit 2, naming the file and the JSON path.
/// </summary>
[TestClass]
public sealed class EventPayloadTests
{
    /// <summary>A repository on its default branch with two commits, so select-tests asks the push event for its base.</summary>
    private static TemporaryRepository OnTheDefaultBranch()
    {
        var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  tags:\n    web: [\"src/**\"]\n  infer: none\n").Write("src/Page.cs", "class Page {}").Commit("one");
        repo.Write("src/Page.cs", "class Page { int x; }").Commit("two");
        return repo;
    }

    private static CliRun SelectTests(TemporaryRepository repo, string path) =>
        CliRunner.Run(repo.Path, new Dictionary<string, string?> { ["GITHUB_EVENT_NAME"] = "push", ["GITHUB_EVENT_PATH"] = path }, "select-tests", "--json");

    private static CliRun RevertOnRed(TempDirectory dir, string path) =>
        CliRunner.Run(dir.Path, new Dictionary<string, string?> { ["GITHUB_EVENT_NAME"] = "workflow_run", ["GITHUB_EVENT_PATH"] = path, ["GITHUB_REPOSITORY"] = "octo/shop" },
            "revert-on-red", "--provider", "github");

    [TestMethod]
    [DataRow("[]", "$: expected an object, got an array")]
    [DataRow("\"push\"", "$: expected an object, got a string")]
    [DataRow("""{"before": 42}""", "$.before: expected a string, got a number")]
    [DataRow("""{"before": {"sha": "abc"}}""", "$.before: expected a string, got an object")]
    [DataRow("""{"before": "\ud800"}""", "$.before: the text has an unpaired UTF-16 escape")]
    [DataRow("""{"\udc00": 1, "before": "abc"}""", "$ (member 1): the text has an unpaired UTF-16 escape")]
    public void A_push_event_of_the_wrong_shape_is_bad_input_naming_the_file_and_the_JSON_path(string payload, string expected)
    {
        using var repo = OnTheDefaultBranch();
        using var dir = new TempDirectory();
        var path = dir.Write("event.json", payload);

        var run = SelectTests(repo, path);

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, $"GITHUB_EVENT_PATH: {path}: {expected}");
        Assert.DoesNotContain("internal error", run.StandardError);
    }

    [TestMethod]
    public void An_event_file_that_is_not_JSON_is_bad_input_with_its_place_in_words()
    {
        using var repo = OnTheDefaultBranch();
        using var dir = new TempDirectory();
        var path = dir.Write("event.json", "{\"before\":\n  nope}");

        var run = SelectTests(repo, path);

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, $"GITHUB_EVENT_PATH: {path}: the event payload is not valid JSON at line 2, column 4");
    }

    [TestMethod]
    [DataRow("[1, 2]", "$: expected an object, got an array")]
    [DataRow("""{"workflow_run": "completed"}""", "$.workflow_run: expected an object, got a string")]
    [DataRow("""{"workflow_run": {"head_sha": 7}}""", "$.workflow_run.head_sha: expected a string, got a number")]
    [DataRow("""{"workflow_run": {"workflow_id": "16340987"}}""", "$.workflow_run.workflow_id: expected a whole number, got a string")]
    [DataRow("""{"workflow_run": {"workflow_id": 1.5}}""", "$.workflow_run.workflow_id: expected a whole number, got a number")]
    public void A_workflow_run_event_of_the_wrong_shape_is_bad_input_naming_the_file_and_the_JSON_path(string payload, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("event.json", payload);

        var run = RevertOnRed(dir, path);

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, $"GITHUB_EVENT_PATH: {path}: {expected}");
    }

    [TestMethod]
    public void Null_fields_count_as_absent()
    {
        using var repo = OnTheDefaultBranch();
        using var dir = new TempDirectory();
        var path = dir.Write("event.json", """{"before": null, "workflow_run": null}""");

        var run = SelectTests(repo, path);

        Assert.AreEqual(0, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardOutput, "parent");
    }
}

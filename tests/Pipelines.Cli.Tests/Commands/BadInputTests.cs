using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>Bad input exits 2 with a message naming the option or file, and writes no outputs.</summary>
[TestClass]
public sealed class BadInputTests
{
    private static (CliRun Run, string OutputFile) RunOnGitHub(string workingDirectory, TempDirectory dir, params string[] args)
    {
        var output = Path.Combine(dir.Path, "output");
        var run = CliRunner.Run(workingDirectory, new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = output,
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir.Path, "summary"),
        }, args);
        return (run, output);
    }

    [TestMethod]
    public void An_unknown_ref_exits_2_naming_the_option()
    {
        using var repo = new TemporaryRepository();
        repo.Write("a.txt", "a").Commit();
        using var dir = new TempDirectory();

        var (run, output) = RunOnGitHub(repo.Path, dir, "select-tests", "--head", "no-such-branch");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--head: 'no-such-branch' is not a commit");
        Assert.IsFalse(File.Exists(output), "nothing is written to GITHUB_OUTPUT on error");
    }

    [TestMethod]
    public void A_duration_past_thirty_days_is_bad_input_not_an_overflow()
    {
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", "gate:\n  provider: file\n  interval: 1e9h\n  metrics:\n    - { name: errors, kind: ratio }\n");

        var run = CliRunner.Run(dir.Path, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "gate.interval: expected a duration such as 30s, 1m or 2h, got '1e9h'");
    }

    [TestMethod]
    public void A_folder_that_is_not_a_git_repository_exits_2()
    {
        using var dir = new TempDirectory();
        var run = CliRunner.Run(dir.Path, "select-tests", "--repo", dir.Path);
        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--repo:");
        StringAssert.Contains(run.StandardError, "is not inside a git repository");
    }

    [TestMethod]
    public void Malformed_config_exits_2_with_an_annotation_on_the_file_and_line()
    {
        using var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  tags:\n    web: [src/**\n").Commit();
        using var dir = new TempDirectory();

        var (run, output) = RunOnGitHub(repo.Path, dir, "select-tests");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardOutput, "::error file=.pipelines/pipelines.yml,line=");
        Assert.IsFalse(File.Exists(output));
    }

    [TestMethod]
    public void A_file_error_on_a_CI_host_is_one_annotation_with_the_same_place_in_its_properties_and_its_text()
    {
        using var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  tags:\n    web: [src/**\n").Commit();
        using var dir = new TempDirectory();

        var (run, _) = RunOnGitHub(repo.Path, dir, "select-tests");

        var errors = (run.StandardOutput + run.StandardError).Split('\n').Where(l => l.Contains("pipelines.yml", StringComparison.Ordinal)).ToList();
        Assert.HasCount(1, errors, run.StandardOutput + run.StandardError);
        var place = System.Text.RegularExpressions.Regex.Match(errors[0], @"^::error file=\.pipelines/pipelines\.yml,line=(\d+),col=(\d+)::\.pipelines/pipelines\.yml\((\d+),(\d+)\): ");
        Assert.IsTrue(place.Success, errors[0]);
        Assert.AreEqual(place.Groups[1].Value, place.Groups[3].Value, "one line");
        Assert.AreEqual(place.Groups[2].Value, place.Groups[4].Value, "one column");
    }

    [TestMethod]
    public void A_file_error_in_a_terminal_is_one_line_on_standard_error()
    {
        using var repo = new TemporaryRepository();
        repo.Write(".pipelines/pipelines.yml", "tests:\n  tags:\n    web: [src/**\n").Commit();

        var run = CliRunner.Run(repo.Path, "select-tests");

        Assert.AreEqual(2, run.ExitCode);
        Assert.DoesNotContain("pipelines.yml", run.StandardOutput);
        var lines = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, run.StandardError);
        StringAssert.StartsWith(lines[0], "error: .pipelines/pipelines.yml(");
    }

    [TestMethod]
    public void An_empty_result_file_is_reported_at_line_1_not_line_0()
    {
        using var dir = new TempDirectory();
        dir.Write("history/empty.trx", string.Empty);

        var run = CliRunner.Run(dir.Path, "plan-tests", "--repo", "no-repo", "--seed", "1", "--history", "history", "--out", "plan.json");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.StartsWith(run.StandardError, "error: " + Path.Combine("history", "empty.trx") + "(1): not a readable test result file: ");
    }

    [TestMethod]
    public void An_unknown_command_exits_2_naming_the_commands_that_exist_even_with_help()
    {
        using var dir = new TempDirectory();

        var run = CliRunner.Run(dir.Path, "deploy", "--help");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "error: 'deploy' is not a pipelines command; the commands are: select-tests, plan-tests, run-tests, revert-on-red, metrics-gate, plan-bake, canary, release");
        Assert.AreEqual(string.Empty, run.StandardOutput, "no help that would read as success");
    }

    [TestMethod]
    public void A_misspelt_command_is_named_with_the_one_that_was_meant()
    {
        using var dir = new TempDirectory();

        var run = CliRunner.Run(dir.Path, "plan-test");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "'plan-test' is not a pipelines command (did you mean 'plan-tests'?)");
    }

    [TestMethod]
    public void An_explicit_config_that_does_not_exist_exits_2()
    {
        using var repo = new TemporaryRepository();
        repo.Write("a.txt", "a").Commit();
        var run = CliRunner.Run(repo.Path, "select-tests", "--config", "missing.yml");
        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--config: the file 'missing.yml' does not exist");
    }

    [TestMethod]
    public void An_unknown_option_exits_2()
    {
        using var dir = new TempDirectory();
        var run = CliRunner.Run(dir.Path, "select-tests", "--bsae", "x");
        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--bsae");
    }

    [TestMethod]
    public void A_value_outside_the_allowed_ones_exits_2()
    {
        using var dir = new TempDirectory();
        var run = CliRunner.Run(dir.Path, "select-tests", "--untagged", "sometimes");
        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "sometimes");
    }
}

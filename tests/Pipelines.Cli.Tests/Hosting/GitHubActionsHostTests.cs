using Pipelines.Cli.Hosting;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Hosting;

[TestClass]
public sealed class GitHubActionsHostTests
{
    private static (GitHubActionsHost Host, StringWriter Log, TempDirectory Dir, string Output, string Summary) Create()
    {
        var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "output");
        var summary = Path.Combine(dir.Path, "summary");
        var log = new StringWriter();
        var context = new CliContext(
            new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_OUTPUT"] = output, ["GITHUB_STEP_SUMMARY"] = summary },
            dir.Path, log, log);
        return (new GitHubActionsHost((GitHubActions)context.Ci, log), log, dir, output, summary);
    }

    [TestMethod]
    public void Outputs_are_written_as_heredocs_the_runner_reads_back_exactly()
    {
        var (host, _, dir, output, _) = Create();
        using var _d = dir;
        host.SetOutputs([new("tags", "billing,web"), new("multi", "line one\nline two\n=not a key"), new("empty", "")]);

        var parsed = GitHubOutputFile.Parse(File.ReadAllText(output));
        Assert.AreEqual("billing,web", parsed["tags"]);
        Assert.AreEqual("line one\nline two\n=not a key", parsed["multi"]);
        Assert.AreEqual("", parsed["empty"]);
    }

    [TestMethod]
    public void Each_output_gets_its_own_random_delimiter()
    {
        var first = GitHubActionsHost.FormatOutput("a", "x").Split('\n')[0];
        var second = GitHubActionsHost.FormatOutput("a", "x").Split('\n')[0];
        Assert.AreNotEqual(first, second);
        StringAssert.StartsWith(first, "a<<ghadelimiter_");
    }

    [TestMethod]
    public void Annotations_escape_data_and_properties()
    {
        var (host, log, dir, _, _) = Create();
        using var _d = dir;
        host.Annotate(new Annotation(AnnotationLevel.Warning, "50% done\nnext line", "src/a,b:c.cs", 12, "Untagged change"));

        Assert.AreEqual("::warning file=src/a%2Cb%3Ac.cs,line=12,title=Untagged change::50%25 done%0Anext line", log.ToString().TrimEnd());
    }

    [TestMethod]
    public void Reports_are_fenced_by_stop_commands_so_user_text_cannot_run_a_command()
    {
        var (host, log, dir, _, _) = Create();
        using var _d = dir;
        host.WriteReport("file: x\n::set-env name=PATH::/evil\n");

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        StringAssert.StartsWith(lines[0], "::stop-commands::");
        var token = lines[0]["::stop-commands::".Length..];
        Assert.AreEqual($"::{token}::", lines[^1]);
        Assert.IsFalse(lines[1..^1].Any(l => l.TrimStart().StartsWith("::", StringComparison.Ordinal)), "no line inside may look like a command");
    }

    [TestMethod]
    public void Masking_registers_each_line_of_a_secret()
    {
        var (host, log, dir, _, _) = Create();
        using var _d = dir;
        host.Mask("first\nsecond");
        CollectionAssert.AreEqual(new[] { "::add-mask::first", "::add-mask::second" }, log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [TestMethod]
    public void The_summary_is_cut_at_one_mebibyte_with_a_note()
    {
        var (host, _, dir, _, summary) = Create();
        using var _d = dir;
        var line = new string('x', 1000) + "\n";
        host.AppendSummary(string.Concat(Enumerable.Repeat(line, 1200)));

        var written = File.ReadAllText(summary);
        Assert.IsLessThanOrEqualTo(GitHubActionsHost.SummaryLimitBytes, System.Text.Encoding.UTF8.GetByteCount(written));
        StringAssert.Contains(written, "The summary was cut here");
    }
}

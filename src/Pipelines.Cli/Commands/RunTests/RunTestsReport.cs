using System.Globalization;
using System.Text;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Running;
using Pipelines.Core.TestResults;

namespace Pipelines.Cli.Commands.RunTests;

/// <summary>A red or flaky test in the <c>--json</c> document.</summary>
public sealed record RunTestsFailureJson(string Id, int Attempts, string? Message, string? StackTrace);

/// <summary>The <c>--json</c> document of <c>run-tests</c>: the outputs in camelCase, and the detail behind them.</summary>
public sealed record RunTestsJson(
    string Verdict,
    IReadOnlyList<string> Failed,
    IReadOnlyList<string> Flaky,
    int PassedCount,
    int FailedCount,
    int SkippedCount,
    IReadOnlyList<string> Results,
    IReadOnlyList<RunTestsFailureJson> Failures,
    IReadOnlyList<RunTestsFailureJson> FlakyDetails,
    IReadOnlyList<InfrastructureFailure> InfrastructureFailures,
    int Invocations);

/// <summary>Turns a shard's verdicts into outputs, a readable report and a step summary, failures first.</summary>
public static class RunTestsReport
{
    private const int StackLines = 6;
    private const int SlowestShown = 10;

    public static CommandResult Build(int shard, int of, ShardOutcome outcome, IReadOnlyList<string> results, string order, string seed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (finals, infrastructure, invocations) = (outcome.Finals, outcome.Failures, outcome.Invocations);
        var red = finals.Where(f => f.Verdict == TestVerdict.Red).ToList();
        var flaky = finals.Where(f => f.Verdict == TestVerdict.Flaky).ToList();
        var passed = finals.Count(f => f.Verdict is TestVerdict.Passed or TestVerdict.Flaky);
        var skipped = finals.Count(f => f.Verdict == TestVerdict.Skipped);
        var verdict = outcome.Verdict.ToString().ToLowerInvariant();
        var result = new CommandResult(outcome.Passes ? ExitCodes.Success : ExitCodes.NegativeVerdict)
            .Output("verdict", verdict)
            .Output("failed", red.Select(f => f.Id))
            .Output("flaky", flaky.Select(f => f.Id))
            .Output("passed-count", passed.ToString(CultureInfo.InvariantCulture))
            .Output("failed-count", red.Count.ToString(CultureInfo.InvariantCulture))
            .Output("results", results);
        foreach (var test in red)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Error, $"{test.Id} failed {test.Attempts} time(s): {FirstLine(test.FirstFailure?.Message)}", Title: "Red test"));
        }

        foreach (var test in flaky)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Warning, $"{test.Id} failed, then passed on a re-run: flaky. {FirstLine(test.FirstFailure?.Message)}", Title: "Flaky test"));
        }

        foreach (var failure in infrastructure)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Error,
                $"dotnet test exited with {failure.ExitCode} without a failed test to show for it (build error or crashed test host); see the log", Title: "Test run broke"));
        }

        result.WithJson(new RunTestsJson(
            verdict, [.. red.Select(f => f.Id)], [.. flaky.Select(f => f.Id)], passed, red.Count, skipped, results,
            [.. red.Select(Detail)], [.. flaky.Select(Detail)], infrastructure, invocations), c => c.RunTestsJson);
        result.Report = Readable(shard, of, verdict, red, flaky, passed, skipped, infrastructure, results, invocations);
        result.Summary = Summary(shard, of, verdict, finals, red, flaky, passed, skipped, infrastructure, invocations, order, seed);
        return result;
    }

    private static RunTestsFailureJson Detail(TestFinal test) =>
        new(test.Id, test.Attempts, test.FirstFailure?.Message, test.FirstFailure?.StackTrace);

    private static string Readable(
        int shard, int of, string verdict, List<TestFinal> red, List<TestFinal> flaky, int passed, int skipped,
        IReadOnlyList<InfrastructureFailure> infrastructure, IReadOnlyList<string> results, int invocations)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"run-tests: shard {shard} of {of}: {verdict} — {passed} passed, {red.Count} red, {flaky.Count} flaky, {skipped} skipped, in {invocations} dotnet test invocation(s)").AppendLine();
        foreach (var test in red)
        {
            text.Append("  red   ").Append(UntrustedText.ForLine(test.Id)).Append(": ").AppendLine(UntrustedText.ForLine(FirstLine(test.FirstFailure?.Message)));
        }

        foreach (var test in flaky)
        {
            text.Append("  flaky ").AppendLine(UntrustedText.ForLine(test.Id));
        }

        foreach (var failure in infrastructure)
        {
            text.Append(CultureInfo.InvariantCulture, $"  broken run: dotnet test exited {failure.ExitCode} with no failed test; last output:").AppendLine();
            foreach (var line in failure.OutputTail.TakeLast(10))
            {
                text.Append("    ").AppendLine(UntrustedText.ForLine(line));
            }
        }

        text.Append("  results: ").AppendLine(string.Join(", ", results));
        return text.ToString();
    }

    private static string Summary(
        int shard, int of, string verdict, IReadOnlyList<TestFinal> finals, List<TestFinal> red, List<TestFinal> flaky, int passed, int skipped,
        IReadOnlyList<InfrastructureFailure> infrastructure, int invocations, string order, string seed)
    {
        var md = new StringBuilder();
        var icon = verdict switch { "passed" => "✅", "flaky" => "⚠️", _ => "❌" };
        md.Append(CultureInfo.InvariantCulture, $"## {icon} Tests, shard {shard} of {of}: {verdict}").AppendLine().AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"**{passed}** passed, **{red.Count}** red, **{flaky.Count}** flaky, **{skipped}** skipped.").AppendLine().AppendLine();
        foreach (var failure in infrastructure)
        {
            md.Append(CultureInfo.InvariantCulture, $"### The test run broke (exit code {failure.ExitCode}, no failed test to show for it)").AppendLine().AppendLine();
            md.AppendLine("```").AppendLine(UntrustedText.BreakCommands(string.Join('\n', failure.OutputTail.TakeLast(20)))).AppendLine("```").AppendLine();
        }

        if (red.Count > 0)
        {
            md.AppendLine("### Red: failed every time").AppendLine();
            foreach (var test in red)
            {
                Failure(md, test);
            }
        }

        if (flaky.Count > 0)
        {
            md.AppendLine("### Flaky: failed, then passed on a re-run").AppendLine();
            foreach (var test in flaky)
            {
                Failure(md, test);
            }
        }

        var slowest = finals.Select(f => (f.Id, Seconds: f.Results.Sum(r => r.Seconds))).OrderByDescending(t => t.Seconds).Take(SlowestShown).ToList();
        if (slowest.Count > 0)
        {
            md.AppendLine("<details><summary>Slowest tests</summary>").AppendLine();
            Markdown.Table(md, ["test", "seconds"], slowest.Select(t => (IReadOnlyList<string>)[Markdown.Code(t.Id), t.Seconds.ToString("0.00", CultureInfo.InvariantCulture)]));
            md.AppendLine().AppendLine("</details>").AppendLine();
        }

        md.Append(CultureInfo.InvariantCulture,
            $"Order: {order} (seed `{seed}`), kept across {invocations} `dotnet test` invocation(s); within one invocation the test framework orders the tests.").AppendLine();
        return md.ToString();
    }

    private static void Failure(StringBuilder md, TestFinal test)
    {
        md.Append("- ").Append(Markdown.Code(test.Id)).Append(CultureInfo.InvariantCulture, $" ({test.Attempts} attempt{(test.Attempts == 1 ? "" : "s")}): ")
            .AppendLine(Markdown.Cell(FirstLine(test.FirstFailure?.Message)));
        var stack = test.FirstFailure?.StackTrace?.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).Take(StackLines).ToList();
        if (stack is { Count: > 0 })
        {
            md.AppendLine("  ```").AppendLine("  " + UntrustedText.BreakCommands(string.Join("\n  ", stack))).AppendLine("  ```");
        }
    }

    private static string FirstLine(string? text) => text?.Split('\n')[0].Trim() ?? "(no message)";
}

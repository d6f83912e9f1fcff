using System.Globalization;
using System.Text;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>What a rollout phase (canary or release) left: the state and outcome (the core's), the last bake's measurements, and where the files are.</summary>
public sealed record RolloutResult(RolloutState State, RolloutOutcome Outcome, IReadOnlyList<MetricObservation> Observations, string StatePath, string ReportPath)
{
    public static RolloutResult Of(RolloutState state, IReadOnlyList<MetricObservation> observations, string statePath, string reportPath) =>
        new(state, RolloutRules.Outcome(state), observations, statePath, reportPath);
}

/// <summary>The parts of a rollout's report that every kind of target shares: exit code, timeline, report file.</summary>
public static class RolloutReport
{
    /// <summary>PRODUCT.md's exit code for the core's reading of an outcome.</summary>
    public static int ExitCode(RolloutOutcome outcome) => RolloutRules.Exit(outcome) switch
    {
        RolloutExit.Success => ExitCodes.Success,
        RolloutExit.NegativeVerdict => ExitCodes.NegativeVerdict,
        _ => ExitCodes.OutsideFailure,
    };

    public static string Icon(RolloutOutcome outcome) =>
        outcome switch { RolloutOutcome.Promoted => "✅", RolloutOutcome.Ramped => "⏸️", RolloutOutcome.RolledBack => "↩️", _ => "❌" };

    /// <summary>The timeline for <c>--json</c>: one "HH:mm:ss what" a line.</summary>
    public static IReadOnlyList<string> TimelineJson(RolloutState state) => [.. state.Timeline.Select(e => $"{e.Time:HH:mm:ss} {e.What}")];

    /// <summary>The timeline for the terminal: indented lines, the text made safe for one line each.</summary>
    public static string TimelineLines(RolloutState state) => string.Concat(state.Timeline.Select(e => $"  {e.Time:HH:mm:ss} {UntrustedText.ForLine(e.What)}\n"));

    /// <summary>The timeline as a markdown table, each event at its offset from the first.</summary>
    public static void TimelineTable(StringBuilder md, RolloutState state)
    {
        var started = state.Timeline.Count > 0 ? state.Timeline[0].Time : default;
        Markdown.Table(md, ["at", "what"], state.Timeline.Select(e => (IReadOnlyList<string>)
        [
            string.Create(CultureInfo.InvariantCulture, $"+{(e.Time - started).TotalSeconds:0} s"), Markdown.Cell(e.What),
        ]));
    }

    /// <summary>Writes the markdown report where <c>--report</c> names it, making its folder.</summary>
    public static async Task WriteAsync(CliContext context, string report, string markdown, CancellationToken cancellation)
    {
        var path = context.ResolvePath(report);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, markdown, cancellation).ConfigureAwait(false);
    }
}

using System.Globalization;
using System.Text;
using Pipelines.Cli.Commands.Canary;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Release;

/// <summary>The <c>--json</c> document of <c>release</c>.</summary>
public sealed record ReleaseJson(string Result, string Flag, string Store, double? Percent, string State, string Report, IReadOnlyList<string> Timeline);

/// <summary>What a release phase left: the rollout's state and outcome (the core's), the last bake's measurements, and where the files are.</summary>
public sealed record ReleaseResult(RolloutState State, RolloutOutcome Outcome, IReadOnlyList<MetricObservation> Observations, string StatePath, string ReportPath)
{
    public static ReleaseResult Of(RolloutState state, IReadOnlyList<MetricObservation> observations, string statePath, string reportPath) =>
        new(state, RolloutRules.Outcome(state), observations, statePath, reportPath);
}

/// <summary>Renders a release phase's result: outputs (result, percent, state, report), the timeline, the markdown report.</summary>
public static class ReleaseReport
{
    public static CommandResult Build(ReleaseResult result, string markdown)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (state, name, flag) = (result.State, RolloutRules.Name(result.Outcome), result.State.Flag);
        var command = new CommandResult(RolloutRules.Exit(result.Outcome) switch
        {
            RolloutExit.Success => ExitCodes.Success,
            RolloutExit.NegativeVerdict => ExitCodes.NegativeVerdict,
            _ => ExitCodes.OutsideFailure,
        })
            .Output("result", name)
            .Output("percent", Share(flag.Percent))
            .Output("state", result.StatePath)
            .Output("report", result.ReportPath);
        if (RolloutRules.Exit(result.Outcome) != RolloutExit.Success)
        {
            var last = state.Timeline.LastOrDefault(e => e.What.StartsWith("rolling back", StringComparison.Ordinal)) ?? (state.Timeline.Count > 0 ? state.Timeline[^1] : null);
            command.Annotations.Add(new Annotation(AnnotationLevel.Error,
                result.Outcome == RolloutOutcome.Failed
                    ? $"flag {flag.Flag} may still be on for some users; run 'pipelines release rollback' with this state file"
                    : $"flag {flag.Flag}: {name}; {last?.What}",
                Title: "release"));
        }

        command.WithJson(new ReleaseJson(name, flag.Flag, flag.Store, flag.Percent, result.StatePath, result.ReportPath,
            [.. state.Timeline.Select(e => $"{e.Time:HH:mm:ss} {e.What}")]), c => c.ReleaseJson);
        command.Report = $"release: {name} — flag {flag.Flag} at {Share(flag.Percent)}% of users in {flag.Store}\n"
            + string.Concat(state.Timeline.Select(e => $"  {e.Time:HH:mm:ss} {UntrustedText.ForLine(e.What)}\n"));
        command.Summary = markdown;
        return command;
    }

    public static string Markdown(ReleaseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (state, name, flag) = (result.State, RolloutRules.Name(result.Outcome), result.State.Flag);
        var icon = result.Outcome switch { RolloutOutcome.Promoted => "✅", RolloutOutcome.Ramped => "⏸️", RolloutOutcome.RolledBack => "↩️", _ => "❌" };
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## {icon} Release: {name} — flag {Outputs.Markdown.Code(flag.Flag)} at {Share(flag.Percent)}% of users").AppendLine().AppendLine();
        var started = state.Timeline.Count > 0 ? state.Timeline[0].Time : default;
        Outputs.Markdown.Table(md, ["at", "what"], state.Timeline.Select(e => (IReadOnlyList<string>)
        [
            string.Create(CultureInfo.InvariantCulture, $"+{(e.Time - started).TotalSeconds:0} s"), Outputs.Markdown.Cell(e.What),
        ]));
        return md.Append(CanaryReport.GateCharts(result.Observations)).ToString();
    }

    private static string Share(double? percent) => (percent ?? 0).ToString("0.##", CultureInfo.InvariantCulture);
}

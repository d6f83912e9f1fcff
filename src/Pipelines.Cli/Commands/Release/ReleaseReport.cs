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

/// <summary>Renders a release phase's result: outputs (result, percent, state, report), the timeline, the markdown report.</summary>
public static class ReleaseReport
{
    public static CommandResult Build(RolloutResult result, string markdown)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (state, name, flag) = (result.State, RolloutRules.Name(result.Outcome), result.State.Flag);
        var command = new CommandResult(RolloutReport.ExitCode(result.Outcome))
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
            RolloutReport.TimelineJson(state)), c => c.ReleaseJson);
        command.Report = $"release: {name} — flag {flag.Flag} at {Share(flag.Percent)}% of users in {flag.Store}\n"
            + RolloutReport.TimelineLines(state);
        command.Summary = markdown;
        return command;
    }

    public static string Markdown(RolloutResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (state, name, flag) = (result.State, RolloutRules.Name(result.Outcome), result.State.Flag);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## {RolloutReport.Icon(result.Outcome)} Release: {name} — flag {Outputs.Markdown.Code(flag.Flag)} at {Share(flag.Percent)}% of users").AppendLine().AppendLine();
        RolloutReport.TimelineTable(md, state);
        return md.Append(CanaryReport.GateCharts(result.Observations)).ToString();
    }

    private static string Share(double? percent) => (percent ?? 0).ToString("0.##", CultureInfo.InvariantCulture);
}

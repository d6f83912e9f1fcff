using System.Globalization;
using System.Text;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>The <c>--json</c> document of <c>canary</c>.</summary>
public sealed record CanaryJson(string Result, string Version, string Previous, string State, string Report, IReadOnlyDictionary<string, string> Hosts, IReadOnlyList<string> Timeline);

/// <summary>Renders a canary phase's result: outputs, the timeline, the markdown report; the outcome and its exit code are the core's.</summary>
public static class CanaryReport
{
    public static CommandResult Build(RolloutResult result, string markdown)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (state, name) = (result.State, RolloutRules.Name(result.Outcome));
        var command = new CommandResult(RolloutReport.ExitCode(result.Outcome))
            .Output("result", name)
            .Output("state", result.StatePath)
            .Output("report", result.ReportPath);
        if (Problem(result) is { } problem)
        {
            command.Annotations.Add(new Annotation(AnnotationLevel.Error, problem, Title: "canary"));
        }

        var where = state.Target switch
        {
            FleetState fleet => fleet.Hosts.ToDictionary(h => h.Key, h => h.Value.ToString().ToLowerInvariant(), StringComparer.Ordinal),
            _ => new Dictionary<string, string>(StringComparer.Ordinal) { ["slot-traffic"] = state.Slot.Traffic.ToString("0.##", CultureInfo.InvariantCulture) + "%" },
        };
        command.WithJson(new CanaryJson(name, state.Version, state.Previous, result.StatePath, result.ReportPath, where,
            RolloutReport.TimelineJson(state)), c => c.CanaryJson);
        var standing = state.Target is FleetState onHosts
            ? $"on {onHosts.OnNew.Count} of {onHosts.Hosts.Count} hosts"
            : $"{state.Slot.Traffic:0.##}% of traffic on the slot";
        command.Report = $"canary: {name} — {state.Version} (from {state.Previous}){(state.Target is FleetState ? " " : ", ")}{standing}\n"
            + RolloutReport.TimelineLines(state);
        command.Summary = markdown;
        return command;
    }

    public static string Markdown(RolloutResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (state, name) = (result.State, RolloutRules.Name(result.Outcome));
        var md = new StringBuilder();
        if (state.Target is FleetState)
        {
            md.Append(CultureInfo.InvariantCulture, $"## {RolloutReport.Icon(result.Outcome)} Canary: {name} — {Outputs.Markdown.Code(state.Version)} (from {Outputs.Markdown.Code(state.Previous)})").AppendLine().AppendLine();
        }
        else
        {
            md.Append(CultureInfo.InvariantCulture, $"## Canary: {name} — {Outputs.Markdown.Code(state.Version)} (from {Outputs.Markdown.Code(state.Previous)}) through a slot").AppendLine().AppendLine();
        }

        RolloutReport.TimelineTable(md, state);
        if (state.Target is FleetState fleet)
        {
            md.AppendLine();
            Outputs.Markdown.Table(md, ["host", "state"], fleet.Hosts.Select(h => (IReadOnlyList<string>)[Outputs.Markdown.Code(h.Key), h.Value.ToString().ToLowerInvariant()]));
        }

        return md.Append(GateCharts(result.Observations)).ToString();
    }

    /// <summary>The last judged step's metrics, canary against baseline, as charts GitHub renders; empty without a gate.</summary>
    public static string GateCharts(IReadOnlyList<MetricObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.Count == 0)
        {
            return string.Empty;
        }

        var md = new StringBuilder().AppendLine().AppendLine("### The last wave judged: canary against baseline").AppendLine();
        Outputs.Markdown.Table(md, ["metric", "canary", "baseline"], observations.Select(o => (IReadOnlyList<string>)
        [
            Outputs.Markdown.Code(o.Name),
            o.Canary.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{o.Canary.Count} samples") : string.Create(CultureInfo.InvariantCulture, $"{o.CanaryEvents:N0} / {o.CanaryTrials:N0}"),
            o.Baseline.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{o.Baseline.Count} samples") : string.Create(CultureInfo.InvariantCulture, $"{o.BaselineEvents:N0} / {o.BaselineTrials:N0}"),
        ]));
        return md.AppendLine().Append(MetricsGate.GateChart.Mermaid(observations)).ToString();
    }

    /// <summary>The annotation an outcome short of where it was asked to go gets: what happened, and for hosts left, what to run.</summary>
    private static string? Problem(RolloutResult result)
    {
        var state = result.State;
        if (state.Target is not FleetState fleet)
        {
            return RolloutRules.Exit(result.Outcome) == RolloutExit.Success
                ? null
                : $"{state.Version}: {RolloutRules.Name(result.Outcome)}; {(state.Timeline.Count > 0 ? state.Timeline[^1].What : string.Empty)}";
        }

        return result.Outcome switch
        {
            RolloutOutcome.RolledBack => $"{state.Version} was rolled back: {state.Timeline.LastOrDefault(e => e.What.StartsWith("rolling back", StringComparison.Ordinal))?.What}",
            RolloutOutcome.Failed => $"hosts still to put back: {string.Join(", ", fleet.Touched)}; run 'pipelines canary rollback' with this state file",
            _ => null,
        };
    }
}

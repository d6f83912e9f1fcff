using System.Globalization;
using System.Text;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>The <c>--json</c> document of <c>canary</c>.</summary>
public sealed record CanaryJson(string Result, string Version, string Previous, string State, string Report, IReadOnlyDictionary<string, string> Hosts, IReadOnlyList<string> Timeline);

/// <summary>What a canary phase left: the rollout's state and outcome (the core's), the last bake's measurements, and where the files are.</summary>
public sealed record CanaryResult(RolloutState State, RolloutOutcome Outcome, IReadOnlyList<MetricObservation> Observations, string StatePath, string ReportPath)
{
    public static CanaryResult Of(RolloutState state, IReadOnlyList<MetricObservation> observations, string statePath, string reportPath) =>
        new(state, RolloutRules.Outcome(state), observations, statePath, reportPath);
}

/// <summary>Renders a canary phase's result: outputs, the timeline, the markdown report; the outcome and its exit code are the core's.</summary>
public static class CanaryReport
{
    public static CommandResult Build(CanaryResult result, string markdown)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (state, name) = (result.State, RolloutRules.Name(result.Outcome));
        var command = new CommandResult(RolloutRules.Exit(result.Outcome) switch
        {
            RolloutExit.Success => ExitCodes.Success,
            RolloutExit.NegativeVerdict => ExitCodes.NegativeVerdict,
            _ => ExitCodes.OutsideFailure,
        })
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
            [.. state.Timeline.Select(e => $"{e.Time:HH:mm:ss} {e.What}")]), c => c.CanaryJson);
        var standing = state.Target is FleetState onHosts
            ? $"on {onHosts.OnNew.Count} of {onHosts.Hosts.Count} hosts"
            : $"{state.Slot.Traffic:0.##}% of traffic on the slot";
        command.Report = $"canary: {name} — {state.Version} (from {state.Previous}){(state.Target is FleetState ? " " : ", ")}{standing}\n"
            + string.Concat(state.Timeline.Select(e => $"  {e.Time:HH:mm:ss} {UntrustedText.ForLine(e.What)}\n"));
        command.Summary = markdown;
        return command;
    }

    public static string Markdown(CanaryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (state, name) = (result.State, RolloutRules.Name(result.Outcome));
        var md = new StringBuilder();
        if (state.Target is FleetState)
        {
            var icon = result.Outcome switch { RolloutOutcome.Promoted => "✅", RolloutOutcome.Ramped => "⏸️", RolloutOutcome.RolledBack => "↩️", _ => "❌" };
            md.Append(CultureInfo.InvariantCulture, $"## {icon} Canary: {name} — {Outputs.Markdown.Code(state.Version)} (from {Outputs.Markdown.Code(state.Previous)})").AppendLine().AppendLine();
        }
        else
        {
            md.Append(CultureInfo.InvariantCulture, $"## Canary: {name} — {Outputs.Markdown.Code(state.Version)} (from {Outputs.Markdown.Code(state.Previous)}) through a slot").AppendLine().AppendLine();
        }

        var started = state.Timeline.Count > 0 ? state.Timeline[0].Time : default;
        Outputs.Markdown.Table(md, ["at", "what"], state.Timeline.Select(e => (IReadOnlyList<string>)
        [
            string.Create(CultureInfo.InvariantCulture, $"+{(e.Time - started).TotalSeconds:0} s"), Outputs.Markdown.Cell(e.What),
        ]));
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
    private static string? Problem(CanaryResult result)
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

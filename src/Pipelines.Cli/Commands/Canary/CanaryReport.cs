using System.Globalization;
using System.Text;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>The <c>--json</c> document of <c>canary</c>.</summary>
public sealed record CanaryJson(string Result, string Version, string Previous, string State, string Report, IReadOnlyDictionary<string, string> Hosts, IReadOnlyList<string> Timeline);

/// <summary>Outputs, the timeline and exit codes of a canary phase.</summary>
public static class CanaryReport
{
    public static string Result(RolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Phase switch
        {
            RolloutPhase.Promoted => "promoted",
            RolloutPhase.RolledBack => "rolled-back",
            RolloutPhase.Ramping when state.WavesDone == state.Waves.Count => "ramped",
            RolloutPhase.Ramping when state.OnNew.Count > 0 && state.Touched.Count == state.OnNew.Count => "deployed",
            _ => "failed",
        };
    }

    public static CommandResult Build(RolloutState state, string statePath, string reportPath, string markdown)
    {
        ArgumentNullException.ThrowIfNull(state);
        var result = Result(state);
        var command = Outcome(result, statePath, reportPath);
        if (result == "rolled-back")
        {
            command.Annotations.Add(new Annotation(AnnotationLevel.Error, $"{state.Version} was rolled back: {state.Timeline.LastOrDefault(e => e.What.StartsWith("rolling back", StringComparison.Ordinal))?.What}", Title: "canary"));
        }
        else if (result == "failed")
        {
            command.Annotations.Add(new Annotation(AnnotationLevel.Error, $"hosts still to put back: {string.Join(", ", state.Touched)}; run 'pipelines canary rollback' with this state file", Title: "canary"));
        }

        command.WithJson(new CanaryJson(result, state.Version, state.Previous, statePath, reportPath,
            state.Hosts.ToDictionary(h => h.Key, h => h.Value.ToString().ToLowerInvariant(), StringComparer.Ordinal),
            [.. state.Timeline.Select(e => $"{e.Time:HH:mm:ss} {e.What}")]), c => c.CanaryJson);
        command.Report = $"canary: {result} — {state.Version} (from {state.Previous}) on {state.OnNew.Count} of {state.Hosts.Count} hosts\n"
            + string.Concat(state.Timeline.Select(e => $"  {e.Time:HH:mm:ss} {UntrustedText.ForLine(e.What)}\n"));
        command.Summary = markdown;
        return command;
    }

    /// <summary>The last judged wave's metrics, canary against baseline, as charts GitHub renders; empty without a gate.</summary>
    public static string GateCharts(IReadOnlyList<Core.Judging.MetricObservation> observations)
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

    /// <summary>The outputs every canary phase writes, and its exit code: 0 when the rollout stands where it was asked to go.</summary>
    private static CommandResult Outcome(string result, string statePath, string reportPath) =>
        new CommandResult(result switch
        {
            "promoted" or "ramped" or "deployed" => ExitCodes.Success,
            "rolled-back" => ExitCodes.NegativeVerdict,
            _ => ExitCodes.OutsideFailure,
        })
            .Output("result", result)
            .Output("state", statePath)
            .Output("report", reportPath);

    public static string SlotResult(SlotRolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Phase switch
        {
            RolloutPhase.Promoted => "promoted",
            RolloutPhase.RolledBack => "rolled-back",
            RolloutPhase.Ramping when state.StepsDone == state.Steps.Count => "ramped",
            RolloutPhase.Ramping when state.Deployed => "deployed",
            _ => "failed",
        };
    }

    public static CommandResult BuildSlot(SlotRolloutState state, string statePath, string reportPath, string markdown)
    {
        ArgumentNullException.ThrowIfNull(state);
        var result = SlotResult(state);
        var command = Outcome(result, statePath, reportPath);
        if (result is not ("promoted" or "ramped" or "deployed"))
        {
            command.Annotations.Add(new Annotation(AnnotationLevel.Error, $"{state.Version}: {result}; {(state.Timeline.Count > 0 ? state.Timeline[^1].What : string.Empty)}", Title: "canary"));
        }

        command.WithJson(new CanaryJson(result, state.Version, state.Previous, statePath, reportPath,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["slot-traffic"] = state.Traffic.ToString("0.##", CultureInfo.InvariantCulture) + "%" },
            [.. state.Timeline.Select(e => $"{e.Time:HH:mm:ss} {e.What}")]), c => c.CanaryJson);
        command.Report = $"canary: {result} — {state.Version} (from {state.Previous}), {state.Traffic:0.##}% of traffic on the slot\n"
            + string.Concat(state.Timeline.Select(e => $"  {e.Time:HH:mm:ss} {UntrustedText.ForLine(e.What)}\n"));
        command.Summary = markdown;
        return command;
    }

    public static string SlotMarkdown(SlotRolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## Canary: {SlotResult(state)} — {Outputs.Markdown.Code(state.Version)} (from {Outputs.Markdown.Code(state.Previous)}) through a slot").AppendLine().AppendLine();
        var started = state.Timeline.Count > 0 ? state.Timeline[0].Time : default;
        Outputs.Markdown.Table(md, ["at", "what"], state.Timeline.Select(e => (IReadOnlyList<string>)
        [
            string.Create(CultureInfo.InvariantCulture, $"+{(e.Time - started).TotalSeconds:0} s"), Outputs.Markdown.Cell(e.What),
        ]));
        return md.ToString();
    }

    public static string Markdown(RolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var result = Result(state);
        var icon = result switch { "promoted" => "✅", "ramped" => "⏸️", "rolled-back" => "↩️", _ => "❌" };
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## {icon} Canary: {result} — {Outputs.Markdown.Code(state.Version)} (from {Outputs.Markdown.Code(state.Previous)})").AppendLine().AppendLine();
        var started = state.Timeline.Count > 0 ? state.Timeline[0].Time : default;
        Outputs.Markdown.Table(md, ["at", "what"], state.Timeline.Select(e => (IReadOnlyList<string>)
        [
            string.Create(CultureInfo.InvariantCulture, $"+{(e.Time - started).TotalSeconds:0} s"), Outputs.Markdown.Cell(e.What),
        ]));
        md.AppendLine();
        Outputs.Markdown.Table(md, ["host", "state"], state.Hosts.Select(h => (IReadOnlyList<string>)
        [
            Outputs.Markdown.Code(h.Key), h.Value.ToString().ToLowerInvariant(),
        ]));
        return md.ToString();
    }
}

using System.Globalization;
using System.Text;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Judging;
using Pipelines.Core.Statistics;

namespace Pipelines.Cli.Commands.MetricsGate;

/// <summary>One metric in the <c>--json</c> document.</summary>
/// <param name="Answer">pass (shown within tolerance), fail (shown beyond it) or undecided.</param>
/// <param name="DetectableEffect">The smallest relative change in the bad direction the data could have shown beyond the tolerance.</param>
/// <param name="MoreData">When undecided: about how many times the data so far would decide it.</param>
public sealed record MetricJson(string Name, string Answer, bool Failed, double? Effect, double? IntervalLow, double? IntervalHigh, double? DetectableEffect, double? MoreData, string Test, string Reason);

/// <summary>The <c>--json</c> document of <c>metrics-gate</c>.</summary>
public sealed record MetricsGateJson(string Verdict, double Score, string Reason, double FamilyAlpha, double PassAlpha, string Report, IReadOnlyList<MetricJson> Metrics);

/// <summary>One metric's standing in the <c>--json</c> document of a watch.</summary>
public sealed record WatchMetricJson(string Name, bool Alarm, double EValue, int Looks, int Informative, string Summary);

/// <summary>The <c>--json</c> document of <c>metrics-gate --watch</c>.</summary>
public sealed record WatchJson(string Verdict, int Looks, string Report, IReadOnlyList<WatchMetricJson> Metrics);

/// <summary>Outputs, the markdown report (a table per metric) and exit codes of the gate.</summary>
public static class MetricsGateReport
{
    public static string VerdictName(GateVerdict verdict) => verdict.ToString().ToLowerInvariant();

    public static string AnswerName(MetricAnswer answer) => answer.ToString().ToLowerInvariant();

    /// <param name="passed">Whether the verdict lets the change through (<see cref="GateRun.Passes"/>): exit 0, else 1.</param>
    public static CommandResult Build(GateResult result, GatePolicy policy, string reportPath, string markdown, bool passed)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policy);
        var command = new CommandResult(passed ? ExitCodes.Success : ExitCodes.NegativeVerdict)
            .Output("verdict", VerdictName(result.Verdict))
            .Output("score", result.Score.ToString("0.#", CultureInfo.InvariantCulture))
            .Output("report", reportPath);
        foreach (var metric in result.Metrics.Where(m => m.Answer != MetricAnswer.Pass))
        {
            command.Annotations.Add(new Annotation(metric.Failed ? AnnotationLevel.Error : AnnotationLevel.Warning, $"{metric.Name}: {metric.Reason}", Title: "metrics-gate"));
        }

        command.WithJson(new MetricsGateJson(VerdictName(result.Verdict), Math.Round(result.Score, 2), result.Reason, policy.FamilyAlpha, policy.PassAlpha, reportPath,
            [.. result.Metrics.Select(m => new MetricJson(m.Name, AnswerName(m.Answer), m.Failed, Finite(m.Effect), Finite(m.IntervalLow),
                Finite(m.IntervalHigh), Finite(m.DetectableEffect), m.MoreData is { } more ? Math.Round(more, 2) : null, m.Test, m.Reason))]), c => c.MetricsGateJson);
        command.Report = $"metrics-gate: {VerdictName(result.Verdict)}, score {result.Score:0.#} — {UntrustedText.ForLine(result.Reason)}\n"
            + string.Concat(result.Metrics.Select(m => $"  {m.Name,-24} {AnswerName(m.Answer),-9} {UntrustedText.ForLine(m.Reason)}\n"))
            + $"  report: {reportPath}\n";
        command.Summary = markdown;
        return command;
    }

    public static CommandResult BuildWatch(Watch watch, string reportPath, string markdown)
    {
        ArgumentNullException.ThrowIfNull(watch);
        var verdict = watch.Verdict.ToString().ToLowerInvariant();
        var command = new CommandResult(watch.Verdict == WatchVerdict.Pass ? ExitCodes.Success : ExitCodes.NegativeVerdict)
            .Output("verdict", verdict)
            .Output("score", string.Empty)
            .Output("report", reportPath);
        foreach (var alarm in watch.Standings.Where(s => s.Alarm))
        {
            command.Annotations.Add(new Annotation(AnnotationLevel.Error, $"{alarm.Name}: {alarm.Summary}", Title: "metrics-gate watch"));
        }

        command.WithJson(new WatchJson(verdict, watch.Looks, reportPath,
            [.. watch.Standings.Select(s => new WatchMetricJson(s.Name, s.Alarm, Math.Round(s.EValue, 4), s.Looks, s.Informative, s.Summary))]), c => c.WatchJson);
        command.Report = $"metrics-gate watch: {verdict} after {watch.Looks} looks\n"
            + string.Concat(watch.Standings.Select(s => $"  {s.Name,-24} {(s.Alarm ? "ALARM" : "ok"),-6} {s.Summary}\n"))
            + $"  report: {reportPath}\n";
        command.Summary = markdown;
        return command;
    }

    public static string WatchMarkdown(Watch watch, TimeSpan duration, TimeSpan interval, string source)
    {
        ArgumentNullException.ThrowIfNull(watch);
        var icon = watch.Verdict switch { WatchVerdict.Pass => "✅", WatchVerdict.Inconclusive => "❔", _ => "❌" };
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## {icon} Metrics watch: {watch.Verdict.ToString().ToLowerInvariant()} after {watch.Looks} looks").AppendLine().AppendLine();
        md.Append(CultureInfo.InvariantCulture,
            $"The release against the reference every {interval.TotalSeconds:0.#} s for up to {duration.TotalMinutes:0.#} min ({source}); sequential tests, so looking after every interval does not raise the false-alarm rate.")
            .AppendLine().AppendLine();
        Outputs.Markdown.Table(md, ["metric", "evidence", "intervals with data", ""], watch.Standings.Select(s => (IReadOnlyList<string>)
        [
            Outputs.Markdown.Code(s.Name), Outputs.Markdown.Cell(s.Summary), $"{s.Informative} of {s.Looks}", s.Alarm ? "❌" : "✅",
        ]));
        return md.ToString();
    }

    public static string Markdown(GateResult result, GateSpec gate, string source, IReadOnlyList<MetricObservation> observations, string? chartFile = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(observations);
        var measured = observations.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var icon = result.Verdict switch { GateVerdict.Pass => "✅", GateVerdict.Marginal => "⚠️", GateVerdict.Inconclusive => "❔", _ => "❌" };
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## {icon} Metrics gate: {VerdictName(result.Verdict)}, score {result.Score:0.#}").AppendLine().AppendLine();
        md.AppendLine(Outputs.Markdown.Cell(result.Reason)).AppendLine();
        Outputs.Markdown.Table(md, ["metric", "canary", "baseline", "test", "effect (canary vs baseline)", "interval", "answer", "could have caught", "weight", ""], result.Metrics.Zip(gate.Metrics).Select(p => (IReadOnlyList<string>)
        [
            Outputs.Markdown.Code(p.First.Name),
            Side(measured.GetValueOrDefault(p.First.Name), canary: true),
            Side(measured.GetValueOrDefault(p.First.Name), canary: false),
            p.First.Test,
            double.IsNaN(p.First.Effect) ? "—" : p.First.Effect.ToString("+0.0%;-0.0%;0%", CultureInfo.InvariantCulture),
            double.IsNaN(p.First.IntervalLow) ? "—" : $"{Judge.Percent(p.First.IntervalLow)} … {Judge.Percent(p.First.IntervalHigh)}",
            AnswerName(p.First.Answer) + (p.Second.Spec.Critical ? " (critical)" : string.Empty)
                + (p.First.MoreData is { } more ? string.Create(CultureInfo.InvariantCulture, $": about {more:0.#}× the data would decide it, some {(more - 1) * gate.Window.TotalMinutes:0} min more at this traffic") : string.Empty),
            double.IsFinite(p.First.DetectableEffect) ? "≥ " + Judge.Percent(p.First.DetectableEffect) : "nothing",
            p.Second.Spec.Weight.ToString("0.##", CultureInfo.InvariantCulture),
            p.First.Failed ? "❌" : p.First.Answer == MetricAnswer.Undecided ? "❔" : "✅",
        ]));
        md.AppendLine().Append(CultureInfo.InvariantCulture,
            $"Source: {source}. A metric passes only when its interval shows it within tolerance, fails only when the interval shows it beyond, and is otherwise undecided; the score counts only metrics shown to pass. The interval's end in the bad direction is at the pass level (a canary at the harm boundary passes at most {gate.Policy.PassAlpha:0.##%} of the time), the other at the fail level (all metrics together wrongly fail a canary within tolerance at most {gate.Policy.FamilyAlpha:0.##%} of the time). \"Could have caught\": the smallest change in the bad direction this data could have shown beyond the tolerance. Pass ≥ {gate.Policy.PassScore:0.#}, marginal ≥ {gate.Policy.MarginalScore:0.#}.")
            .AppendLine();
        if (chartFile is not null)
        {
            md.AppendLine().Append("![canary vs baseline](").Append(chartFile).AppendLine(")").AppendLine();
        }

        md.Append(GateChart.Mermaid(observations));
        return md.ToString();
    }

    /// <summary>What one side measured: the median and count of samples, or events out of trials.</summary>
    private static string Side(MetricObservation? o, bool canary)
    {
        if (o is null)
        {
            return "—";
        }

        var samples = canary ? o.Canary : o.Baseline;
        if (samples.Count > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"median {Descriptive.Median(samples):0.###} (n={samples.Count})");
        }

        var (events, trials) = canary ? (o.CanaryEvents, o.CanaryTrials) : (o.BaselineEvents, o.BaselineTrials);
        return trials > 0 ? string.Create(CultureInfo.InvariantCulture, $"{events:N0} / {trials:N0} ({events / trials:0.##%})") : "no data";
    }

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 6) : null;
}

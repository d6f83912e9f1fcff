using Pipelines.Cli.Composition;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Cli.Commands.MetricsGate;

/// <summary>Reads the gate, fetches the measurements from its provider, judges (or watches), writes the report, sets the status.</summary>
public static class MetricsGateHandler
{
    public static CommandResult Run(CommandSession session, MetricsGateInputs inputs, CancellationToken cancellation) =>
        RunAsync(session, inputs, cancellation).GetAwaiter().GetResult();

    private static async Task<CommandResult> RunAsync(CommandSession session, MetricsGateInputs inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var config = inputs.Gate is { } gateFile
            ? ConfigFile.Load(context.ResolvePath(gateFile), gateFile, mustExist: true)
            : ConfigLoader.Load(context, context.ResolvePath(inputs.Repo), inputs.Config);
        var gate = GateSection.Read(config).ForVersions(inputs.Version, inputs.Previous);
        var specs = gate.Metrics.Select(m => m.Spec).ToList();
        var queries = gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query)).ToList();
        var reportPath = context.ResolvePath(inputs.Report);
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        if (inputs.Watch is { } watchText)
        {
            var duration = GateSection.DurationOption(watchText, "--watch");
            var perLook = MetricsSources.For(gate with { Window = gate.Interval }, context, inputs.Data);
            var watch = await GateRun.WatchAsync(perLook, specs, queries, gate.Policy, gate.Interval, duration, context.Time, (look, looks, standing) =>
                session.Log.WriteLine($"look {look}/{looks}: " + string.Join("; ", standing.Standings.Select(s => $"{s.Name} {(s.Alarm ? "ALARM " : string.Empty)}{s.Summary}"))),
                cancellation).ConfigureAwait(false);
            var watchMarkdown = MetricsGateReport.WatchMarkdown(watch, duration, gate.Interval, perLook.Name);
            await File.WriteAllTextAsync(reportPath, watchMarkdown, cancellation).ConfigureAwait(false);
            return MetricsGateReport.BuildWatch(watch, inputs.Report, watchMarkdown);
        }

        var source = MetricsSources.For(gate, context, inputs.Data);
        var observations = await source.FetchAsync(queries, cancellation).ConfigureAwait(false);
        var result = FromData(gate, inputs, () => Judge.Evaluate(specs, observations, gate.Policy));
        var chartPath = Path.ChangeExtension(reportPath, ".svg");
        var markdown = MetricsGateReport.Markdown(result, gate, source.Name, observations, Path.GetFileName(chartPath));
        await File.WriteAllTextAsync(reportPath, markdown, cancellation).ConfigureAwait(false);
        await File.WriteAllTextAsync(chartPath, GateChart.Svg(observations), cancellation).ConfigureAwait(false);
        var passed = GateRun.Passes(result.Verdict, inputs.AllowMarginal);
        if (inputs.Status == "auto")
        {
            await CommitStatuses.PostAsync(session, passed, $"{MetricsGateReport.VerdictName(result.Verdict)}, score {result.Score:0.#}", inputs.StatusContext, cancellation)
                .ConfigureAwait(false);
        }

        return MetricsGateReport.Build(result, gate.Policy, inputs.Report, markdown, passed);
    }

    /// <summary>Measurements the judge refuses came from the <c>--data</c> file when the provider is <c>file</c>: the message names it.</summary>
    private static T FromData<T>(GateSpec gate, MetricsGateInputs inputs, Func<T> judge)
    {
        try
        {
            return judge();
        }
        catch (InputException ex) when (gate.Provider == "file" && inputs.Data is { } data && ex is not FileInputException)
        {
            throw new InputException($"{data}: {ex.Message}", ex);
        }
    }
}

using Pipelines.Cli.Commands.MetricsGate;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// The gate of a slot's traffic step: the core's <see cref="BakeGate"/> over the gate's own provider (azure-monitor,
/// prometheus, …), asked for the last interval after each interval, the new version told from the previous one by the
/// gate's selectors with <c>{version}</c> and <c>{previous}</c> filled in (e.g. <c>canary: {{ application_Version:
/// "{version}" }}</c> — not by slot name, which goes stale after a swap).
/// </summary>
public static class SourceGate
{
    public static IRolloutGate Create(GateSpec? gate, string version, string previous, CliContext context, BakePolicy bake, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (gate is null)
        {
            return new SelfTestOnlyGate(bake.MinBake, context.Time);
        }

        var perInterval = gate.ForVersions(version, previous) with { Window = gate.Interval };
        return new BakeGate(
            (_, _) => Source(perInterval, context),
            [.. gate.Metrics.Select(m => m.Spec)],
            [.. gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))],
            gate.Policy, bake, gate.Interval, context.Time, progress);
    }

    /// <summary>The gate's own provider, as metrics-gate would build it (no status, no data file).</summary>
    public static IMetricsSource Source(GateSpec gate, CliContext context) =>
        MetricsGateHandler.Source(gate, context, new MetricsGateInputs(null, null, "gate-report.md", false, "off", "pipelines/metrics-gate", null, ".", null, null, null));
}

using Pipelines.Cli.Commands.MetricsGate;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// The metrics gate for a slot: after each bake, the gate's own provider (azure-monitor, prometheus, …) compares the
/// new version with the previous one, told apart by the gate's selectors with <c>{version}</c> and <c>{previous}</c>
/// filled in (e.g. <c>canary: {{ application_Version: "{version}" }}</c> — not by slot name, which goes stale after a swap).
/// </summary>
public sealed class SourceGate(GateSpec? gate, string version, string previous, CliContext context, TimeSpan bake) : IRolloutGate
{
    public async Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation)
    {
        await Task.Delay(bake, context.Time, cancellation).ConfigureAwait(false);
        if (gate is null)
        {
            return (GateVerdict.Pass, "no gate configured: the self-test is the only check");
        }

        var spec = gate.ForVersions(version, previous) with { Window = bake > TimeSpan.Zero ? bake : gate.Window };
        var source = Source(spec, context);
        var observations = await source.FetchAsync([.. spec.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))], cancellation).ConfigureAwait(false);
        var result = Judge.Evaluate([.. spec.Metrics.Select(m => m.Spec)], observations, spec.Policy);
        return (result.Verdict, $"score {result.Score:0.#}: {result.Reason}");
    }

    /// <summary>The gate's own provider, as metrics-gate would build it (no status, no data file).</summary>
    public static IMetricsSource Source(GateSpec gate, CliContext context) =>
        MetricsGateHandler.Source(gate, context, new MetricsGateInputs(null, null, "gate-report.md", false, "off", "pipelines/metrics-gate", null, ".", null, null, null));
}

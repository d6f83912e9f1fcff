using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// The watch after a swap: every gate interval, the last interval's measurements of the release ({version}) against
/// the holdout ({previous}) feed the gate's sequential tests (metrics-gate --watch), so looking often costs nothing.
/// </summary>
public sealed class SourceWatch : IRolloutWatch
{
    private readonly GateSpec _gate;
    private readonly IMetricsSource _source;
    private readonly Watch _watch;
    private readonly CliContext _context;

    /// <param name="holdoutPercent">The previous version's share of traffic meanwhile: the release has the rest.</param>
    public SourceWatch(GateSpec gate, string version, string previous, CliContext context, TimeSpan duration, double holdoutPercent)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(context);
        _gate = gate.ForVersions(version, previous) with { Window = gate.Interval };
        _source = SourceGate.Source(_gate, context);
        _watch = new Watch([.. gate.Metrics.Select(m => m.Spec)], gate.Policy,
            horizon: Math.Max(1, (int)(duration / gate.Interval)), referenceShare: holdoutPercent / Math.Max(1e-9, 100 - holdoutPercent));
        _context = context;
    }

    public TimeSpan Interval => _gate.Interval;

    public async Task<(bool Alarm, string Summary)> LookAsync(CancellationToken cancellation)
    {
        await Task.Delay(Interval, _context.Time, cancellation).ConfigureAwait(false);
        _watch.Look(await _source.FetchAsync([.. _gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))], cancellation).ConfigureAwait(false));
        var standings = _watch.Standings;
        var worst = standings.MaxBy(s => s.EValue);
        return (_watch.Verdict == WatchVerdict.Fail, worst is null ? "no metrics" : $"{worst.Name}: {worst.Summary}");
    }
}

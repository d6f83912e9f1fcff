using Pipelines.Core.Judging;

namespace Pipelines.Core.Rollout;

/// <summary>
/// The watch after promote: every gate interval, the last interval's measurements of the release against the holdout
/// feed the gate's sequential tests (as metrics-gate --watch does), so looking often costs nothing.
/// </summary>
public sealed class GateWatch : IRolloutWatch
{
    private readonly IMetricsSource _source;
    private readonly IReadOnlyList<MetricQuery> _queries;
    private readonly Watch _watch;
    private readonly TimeProvider _time;

    /// <param name="source">Measures the last interval: the release ({version}) against the holdout ({previous}).</param>
    /// <param name="holdoutPercent">The previous version's share of traffic meanwhile: the release has the rest.</param>
    public GateWatch(IMetricsSource source, IReadOnlyList<MetricSpec> specs, IReadOnlyList<MetricQuery> queries, GatePolicy policy,
        TimeSpan interval, TimeSpan duration, double holdoutPercent, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(specs);
        _source = source;
        _queries = queries;
        _watch = new Watch(specs, policy, horizon: Math.Max(1, (int)(duration / interval)), referenceShare: holdoutPercent / Math.Max(1e-9, 100 - holdoutPercent));
        _time = time;
        Interval = interval;
    }

    public TimeSpan Interval { get; }

    public async Task<(bool Alarm, string Summary)> LookAsync(CancellationToken cancellation)
    {
        await Task.Delay(Interval, _time, cancellation).ConfigureAwait(false);
        _watch.Look(await _source.FetchAsync(_queries, cancellation).ConfigureAwait(false));
        var worst = _watch.Standings.MaxBy(s => s.EValue);
        return (_watch.Verdict == WatchVerdict.Fail, worst is null ? "no metrics" : $"{worst.Name}: {worst.Summary}");
    }
}

namespace Pipelines.Core.Judging;

/// <summary>The gate's rules for a run of metrics-gate: what lets a change through, and the watch after a full rollout.</summary>
public static class GateRun
{
    /// <summary>
    /// The watch, run to its end: every interval the last interval's measurements feed the sequential tests; the first
    /// alarm ends it with a fail, so a rollback can start at once. Looks every <paramref name="interval"/> for
    /// <paramref name="duration"/>, at least once.
    /// </summary>
    /// <param name="source">Measures the last interval.</param>
    /// <param name="progress">Told after each look: its number, how many are planned, and the watch so far.</param>
    public static async Task<Watch> WatchAsync(
        IMetricsSource source, IReadOnlyList<MetricSpec> specs, IReadOnlyList<MetricQuery> queries, GatePolicy policy, TimeSpan interval, TimeSpan duration,
        TimeProvider time, Action<int, int, Watch>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(time);
        var looks = Math.Max(1, (int)Math.Floor(duration / interval));
        var watch = new Watch(specs, policy, horizon: looks);
        for (var look = 1; look <= looks; look++)
        {
            var started = time.GetUtcNow();
            watch.Look(await source.FetchAsync(queries, cancellation).ConfigureAwait(false));
            progress?.Invoke(look, looks, watch);
            if (watch.Verdict == WatchVerdict.Fail || look == looks)
            {
                break;
            }

            var wait = interval - (time.GetUtcNow() - started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellation).ConfigureAwait(false);
            }
        }

        return watch;
    }

    /// <summary>A gate's verdict lets the change through: a pass, or a marginal one where marginal is allowed.</summary>
    public static bool Passes(GateVerdict verdict, bool allowMarginal) =>
        verdict == GateVerdict.Pass || (allowMarginal && verdict == GateVerdict.Marginal);
}

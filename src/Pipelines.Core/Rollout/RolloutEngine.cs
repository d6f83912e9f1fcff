using Pipelines.Core.Judging;

namespace Pipelines.Core.Rollout;

/// <summary>Keeps the state where a crash cannot lose it (the state file, kept as a workflow artifact).</summary>
public interface IRolloutStore
{
    void Save(RolloutState state);
}

/// <summary>Asks freshly deployed hosts whether they work (kaChing's "can it get prices for GOOG?").</summary>
public interface ISelfTest
{
    Task<(bool Ok, string Detail)> CheckAsync(IReadOnlyList<string> hosts, CancellationToken cancellation);
}

/// <summary>Judges the side on the new version against the side still on the previous one.</summary>
public interface IRolloutGate
{
    Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation);
}

/// <summary>
/// After promote, looks at the release against the holdout every interval with sequential tests, safe to look at
/// after every interval; an alarm means the release is worse.
/// </summary>
public interface IRolloutWatch
{
    TimeSpan Interval { get; }

    Task<(bool Alarm, string Summary)> LookAsync(CancellationToken cancellation);
}

/// <summary>What to do when the gate cannot tell.</summary>
public enum InconclusivePolicy
{
    /// <summary>Bake again and re-judge, up to the hold limit, then roll back.</summary>
    Hold,

    /// <summary>Roll back at once.</summary>
    Rollback,
}

/// <param name="Bake">How long each step runs before it is judged.</param>
/// <param name="MaxHolds">Re-judgings of an inconclusive step before giving up and rolling back.</param>
public sealed record RolloutOptions(TimeSpan Bake, InconclusivePolicy Inconclusive = InconclusivePolicy.Hold, int MaxHolds = 2)
{
    /// <summary>
    /// The canary's: the gate bakes each step until its evidence decides, up to max-bake, so the engine never judges a
    /// step twice; what is still undecided at max-bake is the undecided policy's to settle.
    /// </summary>
    public static RolloutOptions GateBakes { get; } = new(TimeSpan.Zero, InconclusivePolicy.Rollback, MaxHolds: 0);
}

/// <summary>How long to watch after promote, and the share of traffic the holdout (the previous version) keeps meanwhile.</summary>
public sealed record WatchOptions(TimeSpan Duration, double HoldoutPercent);

/// <summary>
/// The one rollout engine, for every kind of target: step by step, deploy and self-test, expose, bake and judge
/// through the gate; promote when every step passed, then watch; at the first failure roll back everything the
/// rollout touched. Every change is saved as an intention before it is made and as done after, so
/// <see cref="RollbackAsync"/> after a crash knows what to undo and <see cref="RunAsync"/> resumes where it stopped.
/// </summary>
public sealed class RolloutEngine(
    IRolloutTarget target, IRolloutGate gate, IRolloutStore store, RolloutOptions options, TimeProvider time, Action<string>? progress = null,
    IRolloutWatch? watch = null, WatchOptions? watchOptions = null)
{
    /// <summary>Does what <paramref name="action"/> asks, from <paramref name="state"/> (see <see cref="RolloutRules.StateFor"/>).</summary>
    public Task<RolloutState> RunAsync(RolloutAction action, RolloutState state, CancellationToken cancellation) => action switch
    {
        RolloutAction.Run => RunAsync(state, cancellation),
        RolloutAction.Ramp => RunAsync(state, cancellation, promote: false),
        RolloutAction.Deploy => DeployAsync(state, cancellation),
        RolloutAction.Promote => PromoteAsync(state, cancellation),
        RolloutAction.Watch => WatchAsync(state, cancellation),
        _ => RollbackAsync(state, "asked for", cancellation),
    };

    /// <param name="promote">False stops after the steps (for a manual approval before <see cref="PromoteAsync"/>).</param>
    public async Task<RolloutState> RunAsync(RolloutState state, CancellationToken cancellation, bool promote = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        switch (state.Phase)
        {
            case RolloutPhase.Promoted or RolloutPhase.RolledBack:
                return state;
            case RolloutPhase.RollingBack:
                return await RollbackAsync(state, "resuming the rollback", cancellation).ConfigureAwait(false);
            case RolloutPhase.Promoting:
                return promote ? await PromoteAsync(state, cancellation).ConfigureAwait(false) : state;
        }

        var run = Begin(state);
        run.Save(run.State with { Phase = RolloutPhase.Ramping });
        for (var step = run.State.StepsDone; step < run.State.Steps; step++)
        {
            if (await target.DeployAsync(run, step, cancellation).ConfigureAwait(false) is { } failure)
            {
                return await RollbackAsync(run.State, failure, cancellation).ConfigureAwait(false);
            }

            await target.ExposeAsync(run, step, cancellation).ConfigureAwait(false);
            for (var holds = 0; ; holds++)
            {
                var text = target.Describe(run.State, step);
                var (canary, baseline) = target.Sides(run.State);
                run.Report($"{run.State.Target.StepNoun} {step + 1}: {(options.Bake > TimeSpan.Zero ? $"baking {options.Bake.TotalSeconds:0.#} s, then " : string.Empty)}{text.Judging}");
                await Task.Delay(options.Bake, time, cancellation).ConfigureAwait(false);
                var (verdict, reason) = await gate.JudgeAsync(canary, baseline, cancellation).ConfigureAwait(false);
                var name = RolloutRules.VerdictName(verdict);
                run.Log($"{text.Name} judged {name}: {reason}");
                run.Report($"{run.State.Target.StepNoun} {step + 1}: gate {name} — {reason}");
                var next = RolloutRules.AfterJudgement(verdict, holds, options);
                if (next == JudgementStep.Advance)
                {
                    break;
                }

                if (next == JudgementStep.RollBack)
                {
                    return await RollbackAsync(run.State with { Verdict = name }, $"the gate said {name} at {text.At}: {reason}", cancellation).ConfigureAwait(false);
                }
            }

            run.Save(run.State with { StepsDone = step + 1 });
        }

        return promote ? await PromoteAsync(run.State, cancellation).ConfigureAwait(false) : run.State;
    }

    /// <summary>
    /// Puts out the first step self-tested — a fleet's first wave, a slot with no traffic yet — with nothing judged (put
    /// an approval after it); <see cref="RunAsync"/> then carries on from there without deploying it again.
    /// </summary>
    public async Task<RolloutState> DeployAsync(RolloutState state, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Phase is not (RolloutPhase.Started or RolloutPhase.Ramping) || state.Steps == 0)
        {
            return state;
        }

        var run = Begin(state);
        run.Save(run.State with { Phase = RolloutPhase.Ramping });
        return await target.DeployAsync(run, 0, cancellation).ConfigureAwait(false) is { } failure
            ? await RollbackAsync(run.State, failure, cancellation).ConfigureAwait(false)
            : run.State;
    }

    /// <summary>Puts the new version everywhere, then watches it when asked to; a failure rolls everything back.</summary>
    public async Task<RolloutState> PromoteAsync(RolloutState state, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        var run = Begin(state);
        run.Save(run.State with { Phase = RolloutPhase.Promoting });
        if (await target.PromoteAsync(run, cancellation).ConfigureAwait(false) is { } failure)
        {
            return await RollbackAsync(run.State, failure, cancellation).ConfigureAwait(false);
        }

        var watched = await WatchAsync(run.State, cancellation).ConfigureAwait(false);
        if (watched.Phase == RolloutPhase.RolledBack)
        {
            return watched;
        }

        run = Begin(watched);
        await target.HoldOutAsync(run, 0, cancellation).ConfigureAwait(false);
        return run.Save(run.State.Log(time.GetUtcNow(), $"promoted: {run.State.Version} {target.Promoted(run.State)}")
            with { Phase = RolloutPhase.Promoted, Verdict = run.State.Verdict ?? "pass" });
    }

    /// <summary>
    /// Watches the release against the previous version kept as a holdout; an alarm rolls back. Part of promote, or on
    /// its own after it (<c>canary watch</c>), when the holdout's traffic is taken away after.
    /// </summary>
    public async Task<RolloutState> WatchAsync(RolloutState state, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (watchOptions is not { Duration: var duration, HoldoutPercent: var holdout } || duration <= TimeSpan.Zero || watch is null)
        {
            return state;
        }

        var promoted = state.Phase == RolloutPhase.Promoted;
        var run = Begin(state);
        await target.HoldOutAsync(run, holdout, cancellation).ConfigureAwait(false);
        var until = time.GetUtcNow() + duration;
        for (var look = 1; time.GetUtcNow() < until; look++)
        {
            var (alarm, summary) = await watch.LookAsync(cancellation).ConfigureAwait(false);
            run.Report($"watch look {look} ({(until - time.GetUtcNow()).TotalSeconds:0} s left): {summary}");
            if (alarm)
            {
                run.Save(run.State.Log(time.GetUtcNow(), $"watch alarm after {look} look(s): {summary}") with { Verdict = "fail" });
                return await RollbackAsync(run.State, $"{target.WatchAlarm(run.State)}: {summary}", cancellation).ConfigureAwait(false);
            }
        }

        run.Log($"watched {duration.TotalMinutes:0.#} min against a {holdout:0.##}% holdout: no alarm");
        if (promoted)
        {
            await target.HoldOutAsync(run, 0, cancellation).ConfigureAwait(false);
        }

        return run.State;
    }

    /// <summary>Puts back everything that may run the new version; safe to run again after a crash.</summary>
    public async Task<RolloutState> RollbackAsync(RolloutState state, string why, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        var run = Begin(state);
        run.Save(run.State.Log(time.GetUtcNow(), "rolling back: " + why) with { Phase = RolloutPhase.RollingBack });
        run.Report("rolling back: " + why);

        // What could not be put back stays "rolling back", so the next run tries it again.
        return await target.RollBackAsync(run, cancellation).ConfigureAwait(false)
            ? run.Save(run.State with { Phase = RolloutPhase.RolledBack })
            : run.State;
    }

    private RolloutRun Begin(RolloutState state) => new(state, store, time, progress);
}

namespace Pipelines.Core.Rollout;

/// <summary>
/// What a rollout moves the new version onto — hosts wave by wave (<see cref="FleetTarget"/>), a share of traffic on a
/// slot (<see cref="SlotTarget"/>), a feature flag's share of users (<see cref="FlagTarget"/>) — as the few actions the
/// <see cref="RolloutEngine"/> needs; every decision (when to judge, hold, promote, roll back, resume) is the engine's.
/// Each action records its intention through <see cref="RolloutRun.Save"/> before it changes anything and its result
/// after, and is safe to repeat: a run resumed after a crash redoes the last intention and changes nothing twice.
/// </summary>
public interface IRolloutTarget
{
    /// <summary>
    /// Puts the new version where step <paramref name="index"/> (from 0) needs it and self-tests it (a fleet: the wave's hosts;
    /// a slot: the slot, once); null when it took, else why not. What is already done is not done again.
    /// </summary>
    Task<string?> DeployAsync(RolloutRun run, int index, CancellationToken cancellation);

    /// <summary>Gives the new version step <paramref name="index"/> (from 0)'s share (a slot: its traffic; a fleet: nothing more, its hosts serve once deployed).</summary>
    Task ExposeAsync(RolloutRun run, int index, CancellationToken cancellation);

    /// <summary>The two sides the gate compares now: the new version's, and the previous version's.</summary>
    (IReadOnlyList<string> Canary, IReadOnlyList<string> Baseline) Sides(RolloutState state);

    /// <summary>How step <paramref name="index"/> (from 0) is named in the timeline, the progress and the reasons.</summary>
    StepText Describe(RolloutState state, int index);

    /// <summary>Puts the new version everywhere (a fleet: the hosts left; a slot: the swap, once); null when it took, else why not.</summary>
    Task<string?> PromoteAsync(RolloutRun run, CancellationToken cancellation);

    /// <summary>Where the new version runs once promoted, for the timeline: "on all 8 hosts", "in production".</summary>
    string Promoted(RolloutState state);

    /// <summary>What the watch after promote says when it raises the alarm, before the reason: "the watch after the swap raised the alarm".</summary>
    string WatchAlarm(RolloutState state) => "the watch after the swap raised the alarm";

    /// <summary>Gives the previous version <paramref name="percent"/> of the traffic after promote; 0 ends the holdout (and is a no-op where there is none).</summary>
    Task HoldOutAsync(RolloutRun run, double percent, CancellationToken cancellation);

    /// <summary>Puts back everything that may run the new version; false when something could not be put back yet (the next rollback tries again).</summary>
    Task<bool> RollBackAsync(RolloutRun run, CancellationToken cancellation);
}

/// <summary>A step's names.</summary>
/// <param name="Name">In the timeline: "wave 2", "step 2 (5%)".</param>
/// <param name="At">In a rollback's reason, "the gate said fail at …": "wave 2", "5%".</param>
/// <param name="Judging">The progress line before the gate: "judging h1, h2 against h3", "5% of traffic on the slot; judging it against production".</param>
public sealed record StepText(string Name, string At, string Judging);

/// <summary>
/// The rollout as it goes: the latest state, saved before and after every change so a crash cannot lose it, the
/// timeline, the clock and the progress lines. The engine hands it to the target's actions.
/// </summary>
public sealed class RolloutRun(RolloutState state, IRolloutStore store, TimeProvider time, Action<string>? progress)
{
    public RolloutState State { get; private set; } = state;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Makes <paramref name="next"/> the state and writes it where a crash cannot lose it.</summary>
    public RolloutState Save(RolloutState next)
    {
        ArgumentNullException.ThrowIfNull(next);
        store.Save(next);
        return State = next;
    }

    /// <summary>Saves the target's part changed.</summary>
    public RolloutState Save(TargetState target) => Save(State with { Target = target });

    /// <summary>Adds a line to the timeline and saves.</summary>
    public RolloutState Log(string what) => Save(State.Log(Now, what));

    /// <summary>A progress line (not kept in the timeline).</summary>
    public void Report(string line) => progress?.Invoke(line);
}

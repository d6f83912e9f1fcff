namespace Pipelines.Core.Rollout;

/// <summary>Where one host stands.</summary>
public enum HostStatus
{
    /// <summary>Still on the previous version.</summary>
    Previous,

    /// <summary>The new version is being deployed: the change was recorded before it was made.</summary>
    Deploying,

    /// <summary>On the new version.</summary>
    Deployed,

    /// <summary>Being put back on the previous version.</summary>
    RollingBack,

    /// <summary>Back on the previous version after a rollback.</summary>
    RolledBack,
}

/// <summary>Where the whole rollout stands.</summary>
public enum RolloutPhase
{
    Started,
    Ramping,
    Promoting,
    Promoted,
    RollingBack,
    RolledBack,
}

/// <summary>What a rollout moves the new version onto.</summary>
public enum RolloutKind
{
    /// <summary>Hosts, wave by wave (<see cref="FleetTarget"/>).</summary>
    Fleet,

    /// <summary>A share of production's traffic routed to a slot, then a swap (<see cref="SlotTarget"/>).</summary>
    Slot,

    /// <summary>A feature flag's share of users, then 100% (<see cref="FlagTarget"/>).</summary>
    Flag,
}

/// <summary>One line of the timeline.</summary>
public sealed record RolloutEvent(DateTimeOffset Time, string What);

/// <summary>What one kind of target has changed or is about to change; the rest of a rollout's state is the same for every kind.</summary>
public abstract record TargetState
{
    public abstract RolloutKind Kind { get; }

    /// <summary>How many steps (waves, traffic shares) the rollout goes through before promote.</summary>
    public abstract int StepCount { get; }

    /// <summary>What a step is called: "wave", "step".</summary>
    public abstract string StepNoun { get; }

    /// <summary>The new version is out and self-tested, and nothing is caught mid-change: what <c>canary deploy</c> leaves.</summary>
    public abstract bool IsDeployed { get; }
}

/// <summary>
/// Everything a rollout has changed or is about to change, written to the state file before each change, so a
/// rollback after a crash or a cancellation knows exactly what to put back, and a re-run resumes.
/// </summary>
/// <param name="StepsDone">Steps judged and passed.</param>
/// <param name="Target">The target's own part: which hosts run what (<see cref="FleetState"/>), where the traffic stands (<see cref="SlotState"/>), where a flag's share stands (<see cref="FlagState"/>).</param>
/// <param name="Verdict">The gate's last word when it decided the rollout: pass, fail, inconclusive.</param>
public sealed record RolloutState(
    string Version,
    string Previous,
    RolloutPhase Phase,
    int StepsDone,
    IReadOnlyList<RolloutEvent> Timeline,
    TargetState Target,
    string? Verdict = null)
{
    /// <summary>How many steps there are.</summary>
    public int Steps => Target.StepCount;

    /// <summary>Neither promoted nor rolled back: a run resumes it, and no other rollout may start over it.</summary>
    public bool Unfinished => Phase is not (RolloutPhase.Promoted or RolloutPhase.RolledBack);

    /// <summary>The fleet's part; only for a fleet rollout.</summary>
    public FleetState Fleet => Target as FleetState ?? throw new InvalidOperationException($"a {Target.Kind} rollout has no hosts");

    /// <summary>The slot's part; only for a slot rollout.</summary>
    public SlotState Slot => Target as SlotState ?? throw new InvalidOperationException($"a {Target.Kind} rollout has no slot");

    /// <summary>The flag's part; only for a flag rollout.</summary>
    public FlagState Flag => Target as FlagState ?? throw new InvalidOperationException($"a {Target.Kind} rollout has no feature flag");

    public RolloutState Log(DateTimeOffset now, string what) => this with { Timeline = [.. Timeline, new RolloutEvent(now, what)] };
}

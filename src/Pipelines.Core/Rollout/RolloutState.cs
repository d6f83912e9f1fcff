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

/// <summary>One line of the timeline.</summary>
public sealed record RolloutEvent(DateTimeOffset Time, string What);

/// <summary>
/// Everything a rollout has changed or is about to change, written to the state file before each change, so a
/// rollback after a crash or a cancellation knows exactly which hosts to put back, and a re-run resumes.
/// </summary>
public sealed record RolloutState(
    string Version,
    string Previous,
    IReadOnlyList<IReadOnlyList<string>> Waves,
    IReadOnlyList<string> Rest,
    IReadOnlyDictionary<string, HostStatus> Hosts,
    RolloutPhase Phase,
    int WavesDone,
    IReadOnlyList<RolloutEvent> Timeline,
    string? Verdict = null)
{
    public static RolloutState Start(RolloutPlan plan, string version, string previous, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var hosts = plan.Waves.SelectMany(w => w).Concat(plan.Rest).ToDictionary(h => h, _ => HostStatus.Previous, StringComparer.Ordinal);
        return new RolloutState(version, previous, plan.Waves, plan.Rest, hosts, RolloutPhase.Started, 0,
            [new RolloutEvent(now, $"rollout of {version} (from {previous}) to {hosts.Count} hosts in {plan.Waves.Count} waves planned")]);
    }

    public RolloutState With(string host, HostStatus status) =>
        this with { Hosts = new Dictionary<string, HostStatus>(Hosts, StringComparer.Ordinal) { [host] = status } };

    public RolloutState Log(DateTimeOffset now, string what) => this with { Timeline = [.. Timeline, new RolloutEvent(now, what)] };

    /// <summary>Hosts that may run the new version (deployed, or caught mid-change): what a rollback must put back.</summary>
    public IReadOnlyList<string> Touched => [.. Hosts.Where(h => h.Value is HostStatus.Deploying or HostStatus.Deployed or HostStatus.RollingBack).Select(h => h.Key)];

    /// <summary>Hosts on the new version: the canary side of the gate.</summary>
    public IReadOnlyList<string> OnNew => [.. Hosts.Where(h => h.Value == HostStatus.Deployed).Select(h => h.Key)];

    /// <summary>Hosts untouched on the previous version: the baseline side of the gate.</summary>
    public IReadOnlyList<string> OnPrevious => [.. Hosts.Where(h => h.Value is HostStatus.Previous or HostStatus.RolledBack).Select(h => h.Key)];
}

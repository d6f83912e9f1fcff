namespace Pipelines.Core.Rollout;

/// <summary>
/// Where versions run host by host: VMs over ssh, local processes. Every call is safe to repeat: deploying a host to
/// the version it already runs changes nothing.
/// </summary>
public interface IFleet
{
    /// <summary>Puts <paramref name="version"/> on <paramref name="host"/>; false, with the reason, when it did not take.</summary>
    Task<(bool Ok, string Detail)> DeployAsync(string host, string version, string previous, CancellationToken cancellation);

    /// <summary>Puts <paramref name="host"/> back on <paramref name="previous"/>.</summary>
    Task<(bool Ok, string Detail)> RollbackAsync(string host, string version, string previous, CancellationToken cancellation);
}

/// <summary>A fleet rollout's part of the state: the waves, the hosts left for promote, and where each host stands.</summary>
public sealed record FleetState(IReadOnlyList<IReadOnlyList<string>> Waves, IReadOnlyList<string> Rest, IReadOnlyDictionary<string, HostStatus> Hosts) : TargetState
{
    public override RolloutKind Kind => RolloutKind.Fleet;

    public override int StepCount => Waves.Count;

    public override string StepNoun => "wave";

    public override bool IsDeployed => OnNew.Count > 0 && Touched.Count == OnNew.Count;

    /// <summary>Hosts that may run the new version (deployed, or caught mid-change): what a rollback must put back.</summary>
    public IReadOnlyList<string> Touched => [.. Hosts.Where(h => h.Value is HostStatus.Deploying or HostStatus.Deployed or HostStatus.RollingBack).Select(h => h.Key)];

    /// <summary>Hosts on the new version: the canary side of the gate.</summary>
    public IReadOnlyList<string> OnNew => [.. Hosts.Where(h => h.Value == HostStatus.Deployed).Select(h => h.Key)];

    /// <summary>Hosts untouched on the previous version: the baseline side of the gate.</summary>
    public IReadOnlyList<string> OnPrevious => [.. Hosts.Where(h => h.Value is HostStatus.Previous or HostStatus.RolledBack).Select(h => h.Key)];

    public FleetState With(string host, HostStatus status) =>
        this with { Hosts = new Dictionary<string, HostStatus>(Hosts, StringComparer.Ordinal) { [host] = status } };
}

/// <summary>
/// A fleet as a rollout target: a step is a wave of hosts, each deployed with its change recorded before it is made
/// and after, then the wave self-tested; the gate compares the hosts on the new version with the hosts still on the
/// previous one; promote deploys the hosts left; a rollback puts back every host that may run the new version.
/// </summary>
public sealed class FleetTarget(IFleet fleet, ISelfTest selfTest) : IRolloutTarget
{
    /// <summary>A new fleet rollout, every host still on <paramref name="previous"/>.</summary>
    public static RolloutState Start(RolloutPlan plan, string version, string previous, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var hosts = plan.Waves.SelectMany(w => w).Concat(plan.Rest).ToDictionary(h => h, _ => HostStatus.Previous, StringComparer.Ordinal);
        return new RolloutState(version, previous, RolloutPhase.Started, 0,
            [new RolloutEvent(now, $"rollout of {version} (from {previous}) to {hosts.Count} hosts in {plan.Waves.Count} waves planned")],
            new FleetState(plan.Waves, plan.Rest, hosts));
    }

    public Task<string?> DeployAsync(RolloutRun run, int index, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        var waves = run.State.Fleet.Waves;
        return DeployHostsAsync(run, waves[index], $"wave {index + 1} of {waves.Count}", cancellation);
    }

    public Task ExposeAsync(RolloutRun run, int index, CancellationToken cancellation) => Task.CompletedTask;

    public (IReadOnlyList<string> Canary, IReadOnlyList<string> Baseline) Sides(RolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return (state.Fleet.OnNew, state.Fleet.OnPrevious);
    }

    public StepText Describe(RolloutState state, int index)
    {
        var (canary, baseline) = Sides(state);
        return new($"wave {index + 1}", $"wave {index + 1}", $"judging {string.Join(", ", canary)} against {string.Join(", ", baseline)}");
    }

    public Task<string?> PromoteAsync(RolloutRun run, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        return DeployHostsAsync(run, run.State.Fleet.Rest, "promote", cancellation);
    }

    public string Promoted(RolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return $"on all {state.Fleet.Hosts.Count} hosts";
    }

    public Task HoldOutAsync(RolloutRun run, double percent, CancellationToken cancellation) =>
        percent == 0 ? Task.CompletedTask : throw new InvalidOperationException("a fleet keeps no host on the previous version after promote");

    public async Task<bool> RollBackAsync(RolloutRun run, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        var complete = true;
        foreach (var host in run.State.Fleet.Touched)
        {
            run.Save(run.State.Fleet.With(host, HostStatus.RollingBack));
            var (ok, detail) = await fleet.RollbackAsync(host, run.State.Version, run.State.Previous, cancellation).ConfigureAwait(false);
            if (!ok)
            {
                complete = false;
                run.Log($"{host}: rollback failed: {detail}");
                continue;
            }

            run.Save((run.State with { Target = run.State.Fleet.With(host, HostStatus.RolledBack) }).Log(run.Now, $"{host}: back on {run.State.Previous}"));
        }

        return complete;
    }

    private async Task<string?> DeployHostsAsync(RolloutRun run, IReadOnlyList<string> hosts, string what, CancellationToken cancellation)
    {
        var version = run.State.Version;
        foreach (var host in hosts)
        {
            if (run.State.Fleet.Hosts[host] == HostStatus.Deployed)
            {
                continue;
            }

            run.Save(run.State.Fleet.With(host, HostStatus.Deploying));
            var (ok, detail) = await fleet.DeployAsync(host, version, run.State.Previous, cancellation).ConfigureAwait(false);
            if (!ok)
            {
                run.Log($"{host}: deploy failed: {detail}");
                return $"deploying {version} to {host} failed: {detail}";
            }

            run.Save((run.State with { Target = run.State.Fleet.With(host, HostStatus.Deployed) }).Log(run.Now, $"{what}: {host} on {version}"));
            run.Report($"{what}: {host} on {version}");
        }

        if (hosts.Count == 0)
        {
            return null;
        }

        var (healthy, report) = await selfTest.CheckAsync(hosts, cancellation).ConfigureAwait(false);
        run.Log($"{what}: self-test {(healthy ? "passed" : "failed")}: {report}");
        run.Report($"{what}: self-test {(healthy ? "passed" : "failed")}: {report}");
        return healthy ? null : $"the self-test failed on {what}: {report}";
    }
}

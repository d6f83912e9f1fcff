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

/// <summary>Judges the hosts on the new version against the hosts still on the previous one.</summary>
public interface IRolloutGate
{
    Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation);
}

/// <summary>What to do when the gate cannot tell.</summary>
public enum InconclusivePolicy
{
    /// <summary>Bake again and re-judge, up to the hold limit, then roll back.</summary>
    Hold,

    /// <summary>Roll back at once.</summary>
    Rollback,
}

/// <param name="Bake">How long each wave runs before it is judged.</param>
/// <param name="MaxHolds">Re-judgings of an inconclusive wave before giving up and rolling back.</param>
public sealed record RolloutOptions(TimeSpan Bake, InconclusivePolicy Inconclusive = InconclusivePolicy.Hold, int MaxHolds = 2);

/// <summary>
/// Drives a rollout: wave by wave, deploy, self-test, bake, judge; promote the rest when every wave passed; roll every
/// touched host back at the first failure. Each host's change is saved as "about to happen" before it is made and as
/// done after, so <see cref="RollbackAsync"/> after a crash knows what to undo and <see cref="RunAsync"/> resumes.
/// </summary>
public sealed class RolloutRunner(IFleet fleet, ISelfTest selfTest, IRolloutGate gate, IRolloutStore store, RolloutOptions options, TimeProvider time, Action<string>? progress = null)
{
    /// <param name="promote">False stops after the waves (for a manual approval before <see cref="PromoteAsync"/>).</param>
    public async Task<RolloutState> RunAsync(RolloutState state, CancellationToken cancellation, bool promote = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Phase is RolloutPhase.RollingBack)
        {
            return await RollbackAsync(state, "resuming the rollback", cancellation).ConfigureAwait(false);
        }

        if (state.Phase is RolloutPhase.Promoted or RolloutPhase.RolledBack)
        {
            return state;
        }

        if (state.Phase is RolloutPhase.Promoting)
        {
            return promote ? await PromoteAsync(state, cancellation).ConfigureAwait(false) : state;
        }

        state = Save(state with { Phase = RolloutPhase.Ramping });
        for (var wave = state.WavesDone; wave < state.Waves.Count; wave++)
        {
            var hosts = state.Waves[wave];
            var (deployed, failure) = await DeployAsync(state, hosts, $"wave {wave + 1} of {state.Waves.Count}", cancellation).ConfigureAwait(false);
            state = deployed;
            if (failure is not null)
            {
                return await RollbackAsync(state, failure, cancellation).ConfigureAwait(false);
            }

            for (var holds = 0; ; holds++)
            {
                Report($"wave {wave + 1}: {(options.Bake > TimeSpan.Zero ? $"baking {options.Bake.TotalSeconds:0.#} s, then " : string.Empty)}judging {string.Join(", ", state.OnNew)} against {string.Join(", ", state.OnPrevious)}");
                await Task.Delay(options.Bake, time, cancellation).ConfigureAwait(false);
                var (verdict, reason) = await gate.JudgeAsync(state.OnNew, state.OnPrevious, cancellation).ConfigureAwait(false);
                state = Save(state.Log(time.GetUtcNow(), $"wave {wave + 1} judged {verdict.ToString().ToLowerInvariant()}: {reason}"));
                Report($"wave {wave + 1}: gate {verdict.ToString().ToLowerInvariant()} — {reason}");
                if (verdict is GateVerdict.Pass or GateVerdict.Marginal)
                {
                    break;
                }

                if (verdict == GateVerdict.Fail || options.Inconclusive == InconclusivePolicy.Rollback || holds >= options.MaxHolds)
                {
                    return await RollbackAsync(state with { Verdict = verdict.ToString().ToLowerInvariant() }, $"the gate said {verdict.ToString().ToLowerInvariant()} at wave {wave + 1}: {reason}", cancellation)
                        .ConfigureAwait(false);
                }
            }

            state = Save(state with { WavesDone = wave + 1 });
        }

        return promote ? await PromoteAsync(state, cancellation).ConfigureAwait(false) : state;
    }

    /// <summary>
    /// Deploys the first wave and self-tests it, with no judging yet (put an approval after it); <see cref="RunAsync"/>
    /// then carries on from there without deploying those hosts again.
    /// </summary>
    public async Task<RolloutState> DeployFirstWaveAsync(RolloutState state, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Phase is not (RolloutPhase.Started or RolloutPhase.Ramping) || state.Waves.Count == 0)
        {
            return state;
        }

        var (deployed, failure) = await DeployAsync(Save(state with { Phase = RolloutPhase.Ramping }), state.Waves[0], $"wave 1 of {state.Waves.Count}", cancellation).ConfigureAwait(false);
        return failure is null ? deployed : await RollbackAsync(deployed, failure, cancellation).ConfigureAwait(false);
    }

    /// <summary>Deploys the hosts left after the waves; a host that fails here rolls everything back.</summary>
    public async Task<RolloutState> PromoteAsync(RolloutState state, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        state = Save(state with { Phase = RolloutPhase.Promoting });
        var (deployed, failure) = await DeployAsync(state, state.Rest, "promote", cancellation).ConfigureAwait(false);
        if (failure is not null)
        {
            return await RollbackAsync(deployed, failure, cancellation).ConfigureAwait(false);
        }

        return Save(deployed.Log(time.GetUtcNow(), $"promoted: {deployed.Version} on all {deployed.Hosts.Count} hosts") with { Phase = RolloutPhase.Promoted, Verdict = deployed.Verdict ?? "pass" });
    }

    /// <summary>Puts every host that may run the new version back on the previous one; safe to run again after a crash.</summary>
    public async Task<RolloutState> RollbackAsync(RolloutState state, string why, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        state = Save(state.Log(time.GetUtcNow(), "rolling back: " + why) with { Phase = RolloutPhase.RollingBack });
        Report("rolling back: " + why);
        var failed = new List<string>();
        foreach (var host in state.Touched)
        {
            state = Save(state.With(host, HostStatus.RollingBack));
            var (ok, detail) = await fleet.RollbackAsync(host, state.Version, state.Previous, cancellation).ConfigureAwait(false);
            if (!ok)
            {
                failed.Add(host);
                state = Save(state.Log(time.GetUtcNow(), $"{host}: rollback failed: {detail}"));
                continue;
            }

            state = Save(state.With(host, HostStatus.RolledBack).Log(time.GetUtcNow(), $"{host}: back on {state.Previous}"));
        }

        // A host whose rollback failed stays "rolling back", so the next run tries it again.
        return failed.Count > 0 ? state : Save(state with { Phase = RolloutPhase.RolledBack });
    }

    private async Task<(RolloutState State, string? Failure)> DeployAsync(RolloutState state, IReadOnlyList<string> hosts, string what, CancellationToken cancellation)
    {
        foreach (var host in hosts)
        {
            if (state.Hosts[host] == HostStatus.Deployed)
            {
                continue;
            }

            state = Save(state.With(host, HostStatus.Deploying));
            var (ok, detail) = await fleet.DeployAsync(host, state.Version, state.Previous, cancellation).ConfigureAwait(false);
            if (!ok)
            {
                return (Save(state.Log(time.GetUtcNow(), $"{host}: deploy failed: {detail}")), $"deploying {state.Version} to {host} failed: {detail}");
            }

            state = Save(state.With(host, HostStatus.Deployed).Log(time.GetUtcNow(), $"{what}: {host} on {state.Version}"));
            Report($"{what}: {host} on {state.Version}");
        }

        if (hosts.Count > 0)
        {
            var (healthy, report) = await selfTest.CheckAsync(hosts, cancellation).ConfigureAwait(false);
            state = Save(state.Log(time.GetUtcNow(), $"{what}: self-test {(healthy ? "passed" : "failed")}: {report}"));
            Report($"{what}: self-test {(healthy ? "passed" : "failed")}: {report}");
            if (!healthy)
            {
                return (state, $"the self-test failed on {what}: {report}");
            }
        }

        return (state, null);
    }

    private RolloutState Save(RolloutState state)
    {
        store.Save(state);
        return state;
    }

    private void Report(string line) => progress?.Invoke(line);
}

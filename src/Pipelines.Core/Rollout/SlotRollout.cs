using System.Globalization;
using Pipelines.Core.Errors;

namespace Pipelines.Core.Rollout;

/// <summary>
/// A deployment slot beside production: the new version is deployed to the slot, a growing share of production's
/// traffic is routed to it, and promote swaps it into production. Every call is safe to repeat: routing what is
/// already routed writes nothing, and a swap is made only when production does not run the new version yet.
/// </summary>
public interface ISlotTarget
{
    Task<(bool Ok, string Detail)> DeployAsync(string version, CancellationToken cancellation);

    Task SetTrafficAsync(double percent, CancellationToken cancellation);

    /// <summary>The version production serves now (read from the app itself, not from our notes).</summary>
    Task<string?> ProductionVersionAsync(CancellationToken cancellation);

    Task SwapAsync(CancellationToken cancellation);

    /// <summary>
    /// A second slot running the previous version at the canary's share, so canary and baseline are judged on equal
    /// footing (both fresh, both small); tell them apart in the gate by a slot-sticky custom dimension.
    /// </summary>
    bool HasBaseline { get; }

    Task<(bool Ok, string Detail)> DeployBaselineAsync(string version, CancellationToken cancellation);

    Task SetBaselineTrafficAsync(double percent, CancellationToken cancellation);
}

/// <summary>Where a slot rollout stands; <see cref="TrafficIntent"/> is written before traffic moves, <see cref="Traffic"/> after.</summary>
public sealed record SlotRolloutState(
    string Version,
    string Previous,
    IReadOnlyList<double> Steps,
    int StepsDone,
    double Traffic,
    double? TrafficIntent,
    bool Deployed,
    bool SwapIntent,
    RolloutPhase Phase,
    IReadOnlyList<RolloutEvent> Timeline,
    string? Verdict = null)
{
    public static SlotRolloutState Start(IReadOnlyList<double> steps, string version, string previous, DateTimeOffset now) =>
        new(version, previous, steps, 0, 0, null, false, false, RolloutPhase.Started,
            [new RolloutEvent(now, $"rollout of {version} (from {previous}) through a slot at {string.Join(", ", steps.Select(s => s.ToString("0.##", CultureInfo.InvariantCulture) + "%"))} planned")]);

    public SlotRolloutState Log(DateTimeOffset now, string what) => this with { Timeline = [.. Timeline, new RolloutEvent(now, what)] };

    /// <summary>"1,5,25,50": shares of production's traffic, rising, each below 100.</summary>
    public static IReadOnlyList<double> ParseSteps(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var shares = new List<double>();
        foreach (var step in steps)
        {
            var text = step.TrimEnd('%');
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || share is <= 0 or >= 100 || (shares.Count > 0 && share <= shares[^1]))
            {
                throw new InputException($"--steps: '{step}' is not a rising share of traffic between 0 and 100 (e.g. 1,5,25,50)");
            }

            shares.Add(share);
        }

        return shares;
    }
}

/// <summary>
/// After the swap, looks at the release against the holdout every interval with sequential tests, safe to look at
/// after every interval; an alarm means the release is worse.
/// </summary>
public interface IRolloutWatch
{
    TimeSpan Interval { get; }

    Task<(bool Alarm, string Summary)> LookAsync(CancellationToken cancellation);
}

/// <summary>How long to watch after the swap, and the share of traffic the holdout (the previous version, now in the slot) keeps meanwhile.</summary>
public sealed record WatchOptions(TimeSpan Duration, double HoldoutPercent);

/// <summary>Keeps a slot rollout's state where a crash cannot lose it.</summary>
public interface ISlotRolloutStore
{
    void Save(SlotRolloutState state);
}

/// <summary>
/// Drives a slot rollout: deploy to the slot, self-test it, route each step's share of traffic and judge the slot
/// against production, then swap; at the first failure route the slot's traffic back to 0, and after a swap swap
/// back. Intentions are saved before each change and results after; a re-run redoes the last intention, which the
/// target's look-before-write makes harmless, so a crash between "traffic moved" and "state saved" moves nothing twice.
/// </summary>
public sealed class SlotRolloutRunner(
    ISlotTarget slot, ISelfTest selfTest, IRolloutGate gate, ISlotRolloutStore store, RolloutOptions options, TimeProvider time, Action<string>? progress = null,
    IRolloutWatch? watch = null, WatchOptions? watchOptions = null)
{
    /// <summary>The canary side's name for the gate and the self-test.</summary>
    public const string CanarySide = "canary";

    /// <summary>The baseline side's name for the gate.</summary>
    public const string ProductionSide = "production";

    /// <summary>The baseline slot's name for the self-test.</summary>
    public const string BaselineSide = "baseline";

    public async Task<SlotRolloutState> RunAsync(SlotRolloutState state, CancellationToken cancellation, bool promote = true)
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

        state = await DeployAsync(state, cancellation).ConfigureAwait(false);
        if (state.Phase == RolloutPhase.RolledBack)
        {
            return state;
        }

        for (var step = state.StepsDone; step < state.Steps.Count; step++)
        {
            state = await RouteAsync(state, state.Steps[step], cancellation, withBaseline: true).ConfigureAwait(false);
            for (var holds = 0; ; holds++)
            {
                Report($"step {step + 1}: {state.Traffic:0.##}% of traffic on the slot; judging it against production");
                await Task.Delay(options.Bake, time, cancellation).ConfigureAwait(false);
                var (verdict, reason) = await gate.JudgeAsync([CanarySide], [ProductionSide], cancellation).ConfigureAwait(false);
                var name = verdict.ToString().ToLowerInvariant();
                state = Save(state.Log(time.GetUtcNow(), $"step {step + 1} ({state.Traffic:0.##}%) judged {name}: {reason}"));
                Report($"step {step + 1}: gate {name} — {reason}");
                if (verdict is Judging.GateVerdict.Pass or Judging.GateVerdict.Marginal)
                {
                    break;
                }

                if (verdict == Judging.GateVerdict.Fail || options.Inconclusive == InconclusivePolicy.Rollback || holds >= options.MaxHolds)
                {
                    return await RollbackAsync(state with { Verdict = name }, $"the gate said {name} at {state.Traffic:0.##}%: {reason}", cancellation).ConfigureAwait(false);
                }
            }

            state = Save(state with { StepsDone = step + 1 });
        }

        return promote ? await PromoteAsync(state, cancellation).ConfigureAwait(false) : state;
    }

    /// <summary>Deploys the new version to the slot and self-tests it, with no traffic yet (put an approval after it).</summary>
    public async Task<SlotRolloutState> DeployAsync(SlotRolloutState state, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        state = Save(state with { Phase = RolloutPhase.Ramping });
        if (state.Deployed)
        {
            return state;
        }

        var (ok, detail) = await slot.DeployAsync(state.Version, cancellation).ConfigureAwait(false);
        state = Save(state.Log(time.GetUtcNow(), ok ? $"{state.Version} deployed to the slot" : $"deploying {state.Version} to the slot failed: {detail}"));
        if (!ok)
        {
            return await RollbackAsync(state, $"the deploy failed: {detail}", cancellation).ConfigureAwait(false);
        }

        if (slot.HasBaseline)
        {
            var (baselineOk, baselineDetail) = await slot.DeployBaselineAsync(state.Previous, cancellation).ConfigureAwait(false);
            state = Save(state.Log(time.GetUtcNow(), baselineOk ? $"{state.Previous} deployed to the baseline slot" : $"deploying {state.Previous} to the baseline slot failed: {baselineDetail}"));
            if (!baselineOk)
            {
                return await RollbackAsync(state, $"the baseline deploy failed: {baselineDetail}", cancellation).ConfigureAwait(false);
            }
        }

        // Deployed counts only once the self-test passed: a run resumed in between deploys and tests again.
        var (healthy, report) = await selfTest.CheckAsync(slot.HasBaseline ? [CanarySide, BaselineSide] : [CanarySide], cancellation).ConfigureAwait(false);
        state = Save(state.Log(time.GetUtcNow(), $"self-test {(healthy ? "passed" : "failed")}: {report}") with { Deployed = healthy });
        Report($"self-test {(healthy ? "passed" : "failed")}: {report}");
        return healthy ? state : await RollbackAsync(state, $"the self-test failed: {report}", cancellation).ConfigureAwait(false);
    }

    /// <summary>Swaps the slot into production, once: production is asked which version it runs before any swap.</summary>
    public async Task<SlotRolloutState> PromoteAsync(SlotRolloutState state, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        state = Save(state with { Phase = RolloutPhase.Promoting, SwapIntent = true });
        if (await slot.ProductionVersionAsync(cancellation).ConfigureAwait(false) != state.Version)
        {
            await slot.SwapAsync(cancellation).ConfigureAwait(false);
            state = Save(state.Log(time.GetUtcNow(), $"swapped: production runs {state.Version}"));
        }

        // After the swap the slot holds the previous version: a holdout while watching, then no more traffic.
        state = await WatchAsync(state, cancellation).ConfigureAwait(false);
        if (state.Phase == RolloutPhase.RolledBack)
        {
            return state;
        }

        state = await RouteAsync(state, 0, cancellation).ConfigureAwait(false);
        return Save(state.Log(time.GetUtcNow(), $"promoted: {state.Version} in production") with { Phase = RolloutPhase.Promoted, Verdict = state.Verdict ?? "pass" });
    }

    /// <summary>
    /// Watches the release in production against the previous version kept in the slot with a holdout share; an alarm
    /// swaps back. Also on its own after a promote (<c>canary watch</c>): the holdout's traffic is taken away after.
    /// </summary>
    public async Task<SlotRolloutState> WatchAsync(SlotRolloutState state, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (watchOptions is not { Duration: var duration, HoldoutPercent: var holdout } || duration <= TimeSpan.Zero || watch is null)
        {
            return state;
        }

        var promoted = state.Phase == RolloutPhase.Promoted;
        state = await RouteAsync(state, holdout, cancellation).ConfigureAwait(false);
        var until = time.GetUtcNow() + duration;
        for (var look = 1; time.GetUtcNow() < until; look++)
        {
            var (alarm, summary) = await watch.LookAsync(cancellation).ConfigureAwait(false);
            Report($"watch look {look} ({(until - time.GetUtcNow()).TotalSeconds:0} s left): {summary}");
            if (alarm)
            {
                state = Save(state.Log(time.GetUtcNow(), $"watch alarm after {look} look(s): {summary}") with { Verdict = "fail" });
                return await RollbackAsync(state, $"the watch after the swap raised the alarm: {summary}", cancellation).ConfigureAwait(false);
            }
        }

        state = Save(state.Log(time.GetUtcNow(), $"watched {duration.TotalMinutes:0.#} min against a {holdout:0.##}% holdout: no alarm"));
        return promoted ? await RouteAsync(state, 0, cancellation).ConfigureAwait(false) : state;
    }

    /// <summary>Takes the slot's traffic back to 0, and if a swap happened, swaps back; safe to run again after a crash.</summary>
    public async Task<SlotRolloutState> RollbackAsync(SlotRolloutState state, string why, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(state);
        state = Save(state.Log(time.GetUtcNow(), "rolling back: " + why) with { Phase = RolloutPhase.RollingBack });
        Report("rolling back: " + why);
        if (state.SwapIntent && await slot.ProductionVersionAsync(cancellation).ConfigureAwait(false) == state.Version)
        {
            await slot.SwapAsync(cancellation).ConfigureAwait(false);
            state = Save(state.Log(time.GetUtcNow(), $"swapped back: production runs {state.Previous}"));
        }

        state = await RouteAsync(state, 0, cancellation).ConfigureAwait(false);
        return Save(state.Log(time.GetUtcNow(), $"rolled back: production on {state.Previous}, no traffic on the slot") with { Phase = RolloutPhase.RolledBack });
    }

    /// <param name="withBaseline">During the ramp the baseline slot gets the canary's share; otherwise none.</param>
    private async Task<SlotRolloutState> RouteAsync(SlotRolloutState state, double percent, CancellationToken cancellation, bool withBaseline = false)
    {
        state = Save(state with { TrafficIntent = percent });
        await slot.SetTrafficAsync(percent, cancellation).ConfigureAwait(false);
        if (slot.HasBaseline)
        {
            await slot.SetBaselineTrafficAsync(withBaseline ? percent : 0, cancellation).ConfigureAwait(false);
        }

        var baseline = slot.HasBaseline && withBaseline ? $" and {percent:0.##}% on the baseline slot" : string.Empty;
        return Save(state.Log(time.GetUtcNow(), $"{percent:0.##}% of production's traffic on the slot{baseline}") with { Traffic = percent, TrafficIntent = null });
    }

    private SlotRolloutState Save(SlotRolloutState state)
    {
        store.Save(state);
        return state;
    }

    private void Report(string line) => progress?.Invoke(line);
}

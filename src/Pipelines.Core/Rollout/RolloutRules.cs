using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Core.Rollout;

/// <summary>What a rollout is asked to do: one per <c>canary</c> subcommand.</summary>
public enum RolloutAction
{
    /// <summary>Every step, then promote; resumes an unfinished rollout of the same version.</summary>
    Run,

    /// <summary>The first step put out and self-tested, nothing judged yet.</summary>
    Deploy,

    /// <summary>Every step judged; stops before promote.</summary>
    Ramp,

    /// <summary>Promote a ramped rollout.</summary>
    Promote,

    /// <summary>Watch a promoted rollout against a holdout.</summary>
    Watch,

    /// <summary>Put back everything the rollout touched.</summary>
    Rollback,
}

/// <summary>How a rollout stands after an action.</summary>
public enum RolloutOutcome
{
    /// <summary>The new version runs everywhere.</summary>
    Promoted,

    /// <summary>Every step passed; promote is next.</summary>
    Ramped,

    /// <summary>The first step is out and self-tested; ramp is next.</summary>
    Deployed,

    /// <summary>Everything is back on the previous version.</summary>
    RolledBack,

    /// <summary>Something may still run the new version: a rollback is to be run (again).</summary>
    Failed,
}

/// <summary>What an outcome means to the workflow: PRODUCT.md's exit codes 0, 1 and 3.</summary>
public enum RolloutExit
{
    /// <summary>The rollout stands where it was asked to go.</summary>
    Success,

    /// <summary>The expected negative verdict: rolled back.</summary>
    NegativeVerdict,

    /// <summary>A rollback could not finish (a host or the slot is left to put back): worth running rollback again.</summary>
    OutsideFailure,
}

/// <summary>What the engine does after a gate's verdict.</summary>
public enum JudgementStep
{
    /// <summary>The step passed: on to the next.</summary>
    Advance,

    /// <summary>Inconclusive: bake again and judge again.</summary>
    Hold,

    /// <summary>Roll everything back.</summary>
    RollBack,
}

/// <summary>What an action asks for, as given (the CLI has parsed and checked the text).</summary>
/// <param name="Hosts">The fleet, for a new fleet rollout.</param>
/// <param name="Steps">Wave sizes or shares; null for the kind's default.</param>
/// <param name="Watch">Whether a watch after promote was asked for.</param>
/// <param name="FlagStore">A flag rollout's store, as <see cref="IFlagStore.Describe"/> names it; its flag is <paramref name="Version"/>.</param>
public sealed record RolloutRequest(
    RolloutAction Action, RolloutKind Kind, string? Version, string? Previous, IReadOnlyList<string>? Hosts, IReadOnlyList<string>? Steps, bool Watch,
    string? FlagStore = null);

/// <summary>
/// A rollout's rules that are not the engine's loop: which state an action may start from (resume, refuse, start new),
/// the defaults, what the engine does after a verdict, and how an outcome is named and what it means.
/// </summary>
public static class RolloutRules
{
    /// <summary>
    /// The state <paramref name="request"/> acts on: the one in the state file (resumed, promoted, watched, rolled back)
    /// or a new one; bad input when the state file does not allow the action.
    /// </summary>
    public static RolloutState StateFor(RolloutRequest request, RolloutState? existing, string statePath, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckWatch(request);
        if (existing is not null && existing.Target.Kind != request.Kind && (existing.Unfinished || request.Action is RolloutAction.Promote or RolloutAction.Watch or RolloutAction.Rollback))
        {
            throw new InputException($"--state: {statePath} holds a {KindName(existing.Target.Kind)} rollout of {existing.Version}, and this {(request.Kind == RolloutKind.Flag ? "release" : "canary")}'s target is a {KindName(request.Kind)}; give the state file of this target");
        }

        switch (request.Action)
        {
            case RolloutAction.Rollback:
                return existing ?? throw new InputException($"--state: {statePath} does not exist, so there is nothing to roll back");
            case RolloutAction.Promote:
                var ramped = existing ?? throw new InputException($"--state: {statePath} does not exist; run '{(request.Kind == RolloutKind.Flag ? "release" : "canary")} ramp' first");
                return ramped.Phase is (RolloutPhase.Ramping or RolloutPhase.Promoting) && ramped.StepsDone >= ramped.Steps
                    ? ramped
                    : throw new InputException($"--state: the rollout of {ramped.Version} is {PhaseName(ramped.Phase)} with {ramped.StepsDone} of {ramped.Steps} {ramped.Target.StepNoun}s done, so it cannot be promoted");
            case RolloutAction.Watch:
                return existing is { Phase: RolloutPhase.Promoted } ? existing : throw new InputException($"--state: {statePath} holds no promoted rollout to watch");
        }

        // A finished rollout in the state file is history: a new one starts over it.
        var flag = request.Kind == RolloutKind.Flag;
        var version = flag ? Required(request.Version, "--flag", "the feature flag to release") : Required(request.Version, "--version", "the version to roll out");
        if (existing is { Unfinished: true })
        {
            if (flag && existing.Flag.Store != request.FlagStore)
            {
                throw new InputException($"--state: {statePath} holds a release of flag {existing.Version} in {existing.Flag.Store}, not in {request.FlagStore}; give the state file of this store");
            }

            return existing.Version == version
                ? existing
                : throw new InputException($"--state: a {(flag ? "release of flag" : "rollout of")} {existing.Version} is {PhaseName(existing.Phase)} in {statePath}; roll it back or finish it first");
        }

        if (flag)
        {
            return FlagTarget.Start(version, Required(request.FlagStore, "--store", "where the flag lives"), FlagTarget.ParseSteps(request.Steps ?? FlagTarget.DefaultSteps), now);
        }

        var previous = Required(request.Previous, "--previous", request.Kind == RolloutKind.Fleet ? "the version the fleet runs now" : "the version production runs now");
        return request.Kind switch
        {
            RolloutKind.Fleet => FleetTarget.Start(
                RolloutPlan.For(request.Hosts ?? throw new InputException("--hosts: required (or canary.hosts): the fleet to deploy to"), request.Steps ?? RolloutPlan.DefaultSteps),
                version, previous, now),
            _ => SlotTarget.Start(SlotTarget.ParseSteps(request.Steps ?? SlotTarget.DefaultSteps), version, previous, now),
        };
    }

    /// <summary>A watch needs the previous version kept on a share of the traffic after promote, which a fleet does not keep; and a duration.</summary>
    public static void CheckWatch(RolloutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind == RolloutKind.Fleet && (request.Watch || request.Action == RolloutAction.Watch))
        {
            throw new InputException("--watch: a fleet keeps no host on the previous version after promote to watch against; run 'pipelines metrics-gate --watch' against a holdout or the previous version's history");
        }

        if (request.Action == RolloutAction.Watch && !request.Watch)
        {
            throw new InputException("--watch: how long to watch, e.g. 30m");
        }
    }

    /// <summary>After a verdict: a pass (or a marginal pass) advances; a fail, or an inconclusive one the options do not hold, rolls back.</summary>
    public static JudgementStep AfterJudgement(GateVerdict verdict, int holds, RolloutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (verdict is GateVerdict.Pass or GateVerdict.Marginal)
        {
            return JudgementStep.Advance;
        }

        return verdict == GateVerdict.Fail || options.Inconclusive == InconclusivePolicy.Rollback || holds >= options.MaxHolds
            ? JudgementStep.RollBack
            : JudgementStep.Hold;
    }

    /// <summary>How the rollout stands.</summary>
    public static RolloutOutcome Outcome(RolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Phase switch
        {
            RolloutPhase.Promoted => RolloutOutcome.Promoted,
            RolloutPhase.RolledBack => RolloutOutcome.RolledBack,
            RolloutPhase.Ramping when state.StepsDone == state.Steps => RolloutOutcome.Ramped,
            RolloutPhase.Ramping when state.Target.IsDeployed => RolloutOutcome.Deployed,
            _ => RolloutOutcome.Failed,
        };
    }

    /// <summary>0 when the rollout stands where it was asked to go, 1 when it was rolled back, 3 when a rollback is left to finish.</summary>
    public static RolloutExit Exit(RolloutOutcome outcome) => outcome switch
    {
        RolloutOutcome.Promoted or RolloutOutcome.Ramped or RolloutOutcome.Deployed => RolloutExit.Success,
        RolloutOutcome.RolledBack => RolloutExit.NegativeVerdict,
        _ => RolloutExit.OutsideFailure,
    };

    /// <summary>The outcome as workflows see it in the <c>result</c> output: promoted, ramped, deployed, rolled-back, failed.</summary>
    public static string Name(RolloutOutcome outcome) => outcome switch
    {
        RolloutOutcome.Promoted => "promoted",
        RolloutOutcome.Ramped => "ramped",
        RolloutOutcome.Deployed => "deployed",
        RolloutOutcome.RolledBack => "rolled-back",
        _ => "failed",
    };

    /// <summary>pass, marginal, fail, inconclusive.</summary>
    public static string VerdictName(GateVerdict verdict) => verdict.ToString().ToLowerInvariant();

    /// <summary>started, ramping, promoting, promoted, rollingback, rolledback (as the messages have always said).</summary>
    public static string PhaseName(RolloutPhase phase) => phase.ToString().ToLowerInvariant();

    private static string KindName(RolloutKind kind) => kind switch { RolloutKind.Fleet => "fleet", RolloutKind.Slot => "slot", _ => "feature flag" };

    private static string Required(string? value, string option, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new InputException($"{option}: required: {what}") : value;
}

using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Core.Tests.Rollout;

/// <summary>The rules around the engine: which state an action may start from, the defaults, verdicts, outcomes and what they mean.</summary>
[TestClass]
public sealed class RolloutRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private static readonly string[] Hosts = ["h1", "h2", "h3", "h4"];

    private static RolloutRequest Fleet(RolloutAction action, string? version = "v2", string? previous = "v1", IReadOnlyList<string>? steps = null, bool watch = false) =>
        new(action, RolloutKind.Fleet, version, previous, Hosts, steps, watch);

    private static RolloutRequest Slot(RolloutAction action, string? version = "v2", string? previous = "v1", bool watch = false) =>
        new(action, RolloutKind.Slot, version, previous, null, null, watch);

    private static RolloutState Ramping(RolloutState state, int done) => state with { Phase = RolloutPhase.Ramping, StepsDone = done };

    private static InputException Refused(RolloutRequest request, RolloutState? existing) =>
        Assert.ThrowsExactly<InputException>(() => RolloutRules.StateFor(request, existing, "canary-state.json", Now));

    [TestMethod]
    public void A_new_rollout_uses_each_kinds_default_steps_written_once()
    {
        var fleet = RolloutRules.StateFor(Fleet(RolloutAction.Run), null, "canary-state.json", Now);
        var slot = RolloutRules.StateFor(Slot(RolloutAction.Run), null, "canary-state.json", Now);

        CollectionAssert.AreEqual(new[] { 1, 2 }, fleet.Fleet.Waves.Select(w => w.Count).ToArray(), "1,2,4 over four hosts: the last waits for promote");
        CollectionAssert.AreEqual(new[] { 1.0, 5, 25, 50 }, slot.Slot.Steps.ToArray());
        Assert.AreEqual(RolloutPhase.Started, fleet.Phase);
    }

    [TestMethod]
    public void An_unfinished_rollout_of_the_same_version_is_resumed_and_of_another_version_refused()
    {
        var started = Ramping(FleetTarget.Start(RolloutPlan.For(Hosts, ["1"]), "v2", "v1", Now), 0);

        var resumed = RolloutRules.StateFor(Fleet(RolloutAction.Ramp), started, "canary-state.json", Now);
        var other = Refused(Fleet(RolloutAction.Run, version: "v3"), started);

        Assert.AreSame(started, resumed);
        Assert.AreEqual("--state: a rollout of v2 is ramping in canary-state.json; roll it back or finish it first", other.Message);
    }

    [TestMethod]
    public void A_finished_rollout_in_the_state_file_is_history_and_a_new_one_starts_over_it()
    {
        var promoted = FleetTarget.Start(RolloutPlan.For(Hosts, ["1"]), "v2", "v1", Now) with { Phase = RolloutPhase.Promoted };

        var next = RolloutRules.StateFor(Fleet(RolloutAction.Run, version: "v3", previous: "v2"), promoted, "canary-state.json", Now);

        Assert.AreEqual("v3", next.Version);
        Assert.AreEqual(RolloutPhase.Started, next.Phase);
    }

    [TestMethod]
    public void A_new_rollout_needs_a_version_a_previous_version_and_a_fleet_its_hosts()
    {
        StringAssert.StartsWith(Refused(Fleet(RolloutAction.Run, version: null), null).Message, "--version: required");
        StringAssert.StartsWith(Refused(Slot(RolloutAction.Deploy, previous: " "), null).Message, "--previous: required");
        StringAssert.StartsWith(Refused(Fleet(RolloutAction.Run) with { Hosts = null }, null).Message, "--hosts: required");
    }

    [TestMethod]
    public void Promote_needs_every_step_done_and_a_rollout_still_ramping()
    {
        var fleet = FleetTarget.Start(RolloutPlan.For(Hosts, ["1", "1"]), "v2", "v1", Now);
        var slot = SlotTarget.Start([1, 5], "v2", "v1", Now);

        Assert.AreEqual("--state: canary-state.json does not exist; run 'canary ramp' first", Refused(Fleet(RolloutAction.Promote), null).Message);
        Assert.AreEqual("--state: the rollout of v2 is ramping with 1 of 2 waves done, so it cannot be promoted", Refused(Fleet(RolloutAction.Promote), Ramping(fleet, 1)).Message);
        Assert.AreEqual("--state: the rollout of v2 is rolledback with 2 of 2 steps done, so it cannot be promoted",
            Refused(Slot(RolloutAction.Promote), slot with { Phase = RolloutPhase.RolledBack, StepsDone = 2 }).Message);
        Assert.AreSame(Ramping(slot, 2) is var ramped ? ramped : null, RolloutRules.StateFor(Slot(RolloutAction.Promote), ramped, "canary-state.json", Now));
    }

    [TestMethod]
    public void Rollback_needs_a_state_file_and_takes_it_in_any_phase()
    {
        var rollingBack = FleetTarget.Start(RolloutPlan.For(Hosts, ["1"]), "v2", "v1", Now) with { Phase = RolloutPhase.RollingBack };

        Assert.AreEqual("--state: canary-state.json does not exist, so there is nothing to roll back", Refused(Fleet(RolloutAction.Rollback), null).Message);
        Assert.AreSame(rollingBack, RolloutRules.StateFor(Fleet(RolloutAction.Rollback, version: null), rollingBack, "canary-state.json", Now));
    }

    [TestMethod]
    public void A_watch_needs_a_slot_a_duration_and_a_promoted_rollout()
    {
        var promoted = SlotTarget.Start([1], "v2", "v1", Now) with { Phase = RolloutPhase.Promoted, StepsDone = 1 };

        StringAssert.Contains(Refused(Fleet(RolloutAction.Run, watch: true), null).Message, "metrics-gate --watch");
        StringAssert.Contains(Refused(Fleet(RolloutAction.Watch, watch: true), null).Message, "metrics-gate --watch");
        Assert.AreEqual("--watch: how long to watch, e.g. 30m", Refused(Slot(RolloutAction.Watch), promoted).Message);
        Assert.AreEqual("--state: canary-state.json holds no promoted rollout to watch", Refused(Slot(RolloutAction.Watch, watch: true), Ramping(promoted, 1)).Message);
        Assert.AreSame(promoted, RolloutRules.StateFor(Slot(RolloutAction.Watch, watch: true), promoted, "canary-state.json", Now));
    }

    [TestMethod]
    public void A_state_file_of_another_target_is_refused_unless_it_is_finished_history()
    {
        var slot = Ramping(SlotTarget.Start([1], "v2", "v1", Now), 0);

        StringAssert.Contains(Refused(Fleet(RolloutAction.Run), slot).Message, "holds a slot rollout of v2, and this canary's target is a fleet");
        StringAssert.Contains(Refused(Fleet(RolloutAction.Rollback), slot with { Phase = RolloutPhase.RolledBack }).Message, "holds a slot rollout");
        Assert.AreEqual(RolloutKind.Fleet, RolloutRules.StateFor(Fleet(RolloutAction.Run), slot with { Phase = RolloutPhase.Promoted }, "canary-state.json", Now).Target.Kind);
    }

    [TestMethod]
    public void A_pass_advances_a_fail_rolls_back_and_an_inconclusive_verdict_is_held_as_the_options_say()
    {
        var hold = new RolloutOptions(TimeSpan.Zero, InconclusivePolicy.Hold, MaxHolds: 2);

        Assert.AreEqual(JudgementStep.Advance, RolloutRules.AfterJudgement(GateVerdict.Pass, 0, hold));
        Assert.AreEqual(JudgementStep.Advance, RolloutRules.AfterJudgement(GateVerdict.Marginal, 0, hold));
        Assert.AreEqual(JudgementStep.RollBack, RolloutRules.AfterJudgement(GateVerdict.Fail, 0, hold));
        Assert.AreEqual(JudgementStep.Hold, RolloutRules.AfterJudgement(GateVerdict.Inconclusive, 1, hold));
        Assert.AreEqual(JudgementStep.RollBack, RolloutRules.AfterJudgement(GateVerdict.Inconclusive, 2, hold), "held twice already");
        Assert.AreEqual(JudgementStep.RollBack, RolloutRules.AfterJudgement(GateVerdict.Inconclusive, 0, RolloutOptions.GateBakes), "the gate already baked until max-bake");
    }

    [TestMethod]
    public void Outcomes_are_named_as_workflows_see_them_and_mean_exit_0_1_or_3()
    {
        var fleet = FleetTarget.Start(RolloutPlan.For(Hosts, ["1", "1"]), "v2", "v1", Now);
        var firstOut = Ramping(fleet, 0) with { Target = fleet.Fleet.With("h1", HostStatus.Deployed) };
        var caught = firstOut with { Target = firstOut.Fleet.With("h2", HostStatus.Deploying) };
        var slotOut = Ramping(SlotTarget.Start([1], "v2", "v1", Now), 0) is var s ? s with { Target = s.Slot with { Deployed = true } } : null!;

        var cases = new (RolloutState State, RolloutOutcome Outcome, string Name, RolloutExit Exit)[]
        {
            (fleet with { Phase = RolloutPhase.Promoted }, RolloutOutcome.Promoted, "promoted", RolloutExit.Success),
            (Ramping(fleet, 2), RolloutOutcome.Ramped, "ramped", RolloutExit.Success),
            (firstOut, RolloutOutcome.Deployed, "deployed", RolloutExit.Success),
            (slotOut, RolloutOutcome.Deployed, "deployed", RolloutExit.Success),
            (fleet with { Phase = RolloutPhase.RolledBack }, RolloutOutcome.RolledBack, "rolled-back", RolloutExit.NegativeVerdict),
            (caught, RolloutOutcome.Failed, "failed", RolloutExit.OutsideFailure),
            (fleet with { Phase = RolloutPhase.RollingBack }, RolloutOutcome.Failed, "failed", RolloutExit.OutsideFailure),
        };

        foreach (var (state, outcome, name, exit) in cases)
        {
            Assert.AreEqual(outcome, RolloutRules.Outcome(state), name);
            Assert.AreEqual(name, RolloutRules.Name(outcome));
            Assert.AreEqual(exit, RolloutRules.Exit(outcome), name);
        }
    }
}

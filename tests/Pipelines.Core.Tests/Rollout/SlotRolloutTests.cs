using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Core.Tests.Rollout;

/// <summary>The rollout engine over a slot target: its decisions over a fake slot that, like App Service through our client, writes only changes.</summary>
[TestClass]
public sealed class SlotRolloutTests
{
    private sealed class Slot : ISlotTarget
    {
        public string Production { get; set; } = "v1";

        public string SlotVersion { get; set; } = "v1";

        public double Traffic { get; private set; }

        public List<string> Writes { get; } = [];

        /// <summary>Throws after the write, as a crash right after the change and before the state is saved would.</summary>
        public string? CrashAfter { get; set; }

        public Task<(bool Ok, string Detail)> DeployAsync(string version, CancellationToken cancellation)
        {
            SlotVersion = version;
            Writes.Add("deploy " + version);
            return Task.FromResult((true, "ok"));
        }

        public Task SetTrafficAsync(double percent, CancellationToken cancellation)
        {
            if (Traffic != percent)
            {
                Traffic = percent;
                Writes.Add($"traffic {percent}");
                Crash($"traffic {percent}");
            }

            return Task.CompletedTask;
        }

        public Task<string?> ProductionVersionAsync(CancellationToken cancellation) => Task.FromResult<string?>(Production);

        public Task SwapAsync(CancellationToken cancellation)
        {
            (Production, SlotVersion) = (SlotVersion, Production);
            Writes.Add("swap");
            Crash("swap");
            return Task.CompletedTask;
        }

        public bool HasBaseline { get; init; }

        public string BaselineVersion { get; private set; } = "none";

        public double BaselineTraffic { get; private set; }

        public Task<(bool Ok, string Detail)> DeployBaselineAsync(string version, CancellationToken cancellation)
        {
            BaselineVersion = version;
            Writes.Add("deploy baseline " + version);
            return Task.FromResult((true, "ok"));
        }

        public Task SetBaselineTrafficAsync(double percent, CancellationToken cancellation)
        {
            if (BaselineTraffic != percent)
            {
                BaselineTraffic = percent;
                Writes.Add($"baseline {percent}");
            }

            return Task.CompletedTask;
        }

        private void Crash(string write)
        {
            if (CrashAfter == write)
            {
                CrashAfter = null;
                throw new OperationCanceledException("killed right after " + write);
            }
        }
    }

    private sealed class Gate(params GateVerdict[] verdicts) : IRolloutGate
    {
        private int _calls;

        public Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation) =>
            Task.FromResult((verdicts.Length == 0 ? GateVerdict.Pass : verdicts[Math.Min(_calls++, verdicts.Length - 1)], "fake"));
    }

    private sealed class Healthy : ISelfTest
    {
        public Task<(bool Ok, string Detail)> CheckAsync(IReadOnlyList<string> hosts, CancellationToken cancellation) => Task.FromResult((true, "ok"));
    }

    private sealed class Store : IRolloutStore
    {
        public RolloutState? Last { get; private set; }

        public void Save(RolloutState state) => Last = state;
    }

    private static RolloutState Start() => SlotTarget.Start(SlotTarget.ParseSteps(["1", "5", "25%", "50"]), "v2", "v1", DateTimeOffset.UnixEpoch);

    private static RolloutEngine Runner(Slot slot, IRolloutGate gate, Store store) =>
        new(new SlotTarget(slot, new Healthy()), gate, store, new RolloutOptions(TimeSpan.Zero), TimeProvider.System);

    [TestMethod]
    public async Task A_good_build_ramps_through_the_traffic_steps_and_is_swapped_in_once()
    {
        var slot = new Slot();

        var state = await Runner(slot, new Gate(), new Store()).RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual("v2", slot.Production);
        CollectionAssert.AreEqual(new[] { "deploy v2", "traffic 1", "traffic 5", "traffic 25", "traffic 50", "swap", "traffic 0" }, slot.Writes);
    }

    [TestMethod]
    public async Task A_failing_step_takes_the_slots_traffic_back_to_zero_and_never_swaps()
    {
        var slot = new Slot();

        var state = await Runner(slot, new Gate(GateVerdict.Pass, GateVerdict.Fail), new Store()).RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual("v1", slot.Production);
        Assert.AreEqual(0, slot.Traffic);
        CollectionAssert.DoesNotContain(slot.Writes, "swap");
    }

    [TestMethod]
    public async Task A_crash_between_traffic_moved_and_state_saved_moves_nothing_twice_on_the_rerun()
    {
        var slot = new Slot { CrashAfter = "traffic 5" };
        var store = new Store();
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => Runner(slot, new Gate(), store).RunAsync(Start(), CancellationToken.None));
        Assert.AreEqual(5, store.Last!.Slot.TrafficIntent, "the intention was saved before the move");
        Assert.AreEqual(1, store.Last.Slot.Traffic, "the move itself was not");

        var state = await Runner(slot, new Gate(), store).RunAsync(store.Last, CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual(1, slot.Writes.Count(w => w == "traffic 5"), "looked before writing: 5% was already routed");
        Assert.AreEqual(1, slot.Writes.Count(w => w == "deploy v2"));
    }

    [TestMethod]
    public async Task A_crash_right_after_the_swap_does_not_swap_back_on_the_rerun()
    {
        var slot = new Slot { CrashAfter = "swap" };
        var store = new Store();
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => Runner(slot, new Gate(), store).RunAsync(Start(), CancellationToken.None));
        Assert.AreEqual(RolloutPhase.Promoting, store.Last!.Phase);

        var state = await Runner(slot, new Gate(), store).RunAsync(store.Last, CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual("v2", slot.Production, "production was asked: it already ran v2");
        Assert.AreEqual(1, slot.Writes.Count(w => w == "swap"));
    }

    [TestMethod]
    public async Task A_rollback_after_the_swap_swaps_back_and_a_second_rollback_changes_nothing()
    {
        var slot = new Slot();
        var store = new Store();
        var promoted = await Runner(slot, new Gate(), store).RunAsync(Start(), CancellationToken.None);

        var rolledBack = await Runner(slot, new Gate(), store).RollbackAsync(promoted, "trouble while watching", CancellationToken.None);
        var again = await Runner(slot, new Gate(), store).RollbackAsync(rolledBack, "asked twice", CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, again.Phase);
        Assert.AreEqual("v1", slot.Production);
        Assert.AreEqual(2, slot.Writes.Count(w => w == "swap"), "swapped in, swapped back, and no more");
    }

    [TestMethod]
    public void Traffic_steps_must_rise_and_stay_below_all_of_production()
    {
        Assert.ThrowsExactly<Core.Errors.InputException>(() => SlotTarget.ParseSteps(["5", "1"]));
        Assert.ThrowsExactly<Core.Errors.InputException>(() => SlotTarget.ParseSteps(["100"]));
        CollectionAssert.AreEqual(new[] { 1.0, 5, 25 }, SlotTarget.ParseSteps(["1%", "5", "25%"]).ToArray());
    }

    private sealed class Watcher(int alarmAt) : IRolloutWatch
    {
        public int Looks { get; private set; }

        public TimeSpan Interval => TimeSpan.FromMilliseconds(5);

        public async Task<(bool Alarm, string Summary)> LookAsync(CancellationToken cancellation)
        {
            await Task.Delay(Interval, cancellation);
            Looks++;
            return (Looks == alarmAt, $"look {Looks}");
        }
    }

    [TestMethod]
    public async Task An_alarm_while_watching_after_the_swap_swaps_back_and_takes_the_holdouts_traffic_away()
    {
        var slot = new Slot();
        var watcher = new Watcher(alarmAt: 3);
        var runner = new RolloutEngine(new SlotTarget(slot, new Healthy()), new Gate(), new Store(), new RolloutOptions(TimeSpan.Zero), TimeProvider.System,
            watch: watcher, watchOptions: new WatchOptions(TimeSpan.FromSeconds(30), 5));

        var state = await runner.RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual("v1", slot.Production, "swapped back");
        Assert.AreEqual(0, slot.Traffic);
        Assert.AreEqual(3, watcher.Looks, "stopped at the alarm, long before the 30 s watch ended");
        CollectionAssert.AreEqual(new[] { "swap", "traffic 5", "swap", "traffic 0" }, slot.Writes.SkipWhile(w => w != "swap").ToArray());
    }

    [TestMethod]
    public async Task A_quiet_watch_ends_promoted_with_the_holdout_gone()
    {
        var slot = new Slot();
        var runner = new RolloutEngine(new SlotTarget(slot, new Healthy()), new Gate(), new Store(), new RolloutOptions(TimeSpan.Zero), TimeProvider.System,
            watch: new Watcher(alarmAt: -1), watchOptions: new WatchOptions(TimeSpan.FromMilliseconds(60), 5));

        var state = await runner.RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual("v2", slot.Production);
        Assert.AreEqual(0, slot.Traffic);
        StringAssert.Contains(string.Join("\n", state.Timeline.Select(e => e.What)), "against a 5% holdout: no alarm");
    }

    [TestMethod]
    public async Task Deploy_alone_moves_no_traffic_and_the_ramp_after_it_does_not_deploy_again()
    {
        var slot = new Slot();
        var store = new Store();
        var runner = Runner(slot, new Gate(), store);

        var deployed = await runner.DeployAsync(Start(), CancellationToken.None);
        var writesAfterDeploy = slot.Writes.ToList();
        var ramped = await runner.RunAsync(deployed, CancellationToken.None, promote: false);

        Assert.IsTrue(deployed.Slot.Deployed);
        CollectionAssert.AreEqual(new[] { "deploy v2" }, writesAfterDeploy);
        Assert.AreEqual(4, ramped.StepsDone);
        Assert.AreEqual(1, slot.Writes.Count(w => w.StartsWith("deploy", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task Watching_on_its_own_after_a_promote_swaps_back_on_an_alarm()
    {
        var slot = new Slot();
        var store = new Store();
        var promoted = await Runner(slot, new Gate(), store).RunAsync(Start(), CancellationToken.None);
        var runner = new RolloutEngine(new SlotTarget(slot, new Healthy()), new Gate(), store, new RolloutOptions(TimeSpan.Zero), TimeProvider.System,
            watch: new Watcher(alarmAt: 2), watchOptions: new WatchOptions(TimeSpan.FromSeconds(30), 10));

        var state = await runner.WatchAsync(promoted, CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual("v1", slot.Production);
        Assert.AreEqual(0, slot.Traffic);
        CollectionAssert.Contains(slot.Writes, "traffic 10", "the holdout got its share while watching");
    }

    [TestMethod]
    public async Task A_baseline_slot_runs_the_previous_version_at_the_canarys_share_through_the_ramp_and_none_after()
    {
        var slot = new Slot { HasBaseline = true };

        var state = await Runner(slot, new Gate(), new Store()).RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual("v1", slot.BaselineVersion);
        CollectionAssert.AreEqual(new[] { "deploy v2", "deploy baseline v1", "traffic 1", "baseline 1", "traffic 5", "baseline 5", "traffic 25", "baseline 25", "traffic 50", "baseline 50", "swap", "traffic 0", "baseline 0" },
            slot.Writes);
    }
}

using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Core.Tests.Rollout;

/// <summary>The rollout engine over a feature flag: its decisions over a fake flag store that, like the real ones, writes only on the version read.</summary>
[TestClass]
public sealed class FlagRolloutTests
{
    /// <summary>A flag store in memory: versions count up on every change; a write on a stale version is refused.</summary>
    private sealed class Flags : IFlagStore
    {
        private int _version;

        public double Percent { get; private set; }

        public List<string> Writes { get; } = [];

        /// <summary>Throws right after this write, as a crash after the change and before the state is saved would.</summary>
        public double? CrashAfter { get; set; }

        /// <summary>Someone else sets the flag to this share between our read and our next write, this many times.</summary>
        public (double Percent, int Times)? Meddle { get; set; }

        public string Describe => "flags.json";

        public Task<FlagSnapshot> ReadAsync(string flag, CancellationToken cancellation) =>
            Task.FromResult(new FlagSnapshot(flag, Percent, _version.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        public Task<FlagSnapshot> SetPercentAsync(FlagSnapshot seen, double percent, CancellationToken cancellation)
        {
            if (Meddle is { Times: > 0 } meddle)
            {
                SetBySomeoneElse(meddle.Percent);
                Meddle = meddle with { Times = meddle.Times - 1 };
            }

            if (seen.Version != _version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new FlagChangedException(seen.Flag, "its version is no longer " + seen.Version);
            }

            Percent = percent;
            _version++;
            Writes.Add($"{percent}");
            if (CrashAfter == percent)
            {
                CrashAfter = null;
                throw new OperationCanceledException($"killed right after {percent}%");
            }

            return Task.FromResult(seen with { Percent = percent, Version = _version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        public void SetBySomeoneElse(double percent)
        {
            Percent = percent;
            _version++;
        }
    }

    private sealed class Gate(params GateVerdict[] verdicts) : IRolloutGate
    {
        private int _calls;

        public List<(string Canary, string Baseline)> Sides { get; } = [];

        public Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation)
        {
            Sides.Add((string.Join(",", canary), string.Join(",", baseline)));
            return Task.FromResult((verdicts.Length == 0 ? GateVerdict.Pass : verdicts[Math.Min(_calls++, verdicts.Length - 1)], "fake"));
        }
    }

    private sealed class Store : IRolloutStore
    {
        public RolloutState? Last { get; private set; }

        public void Save(RolloutState state) => Last = state;
    }

    private sealed class Watcher(int alarmAt) : IRolloutWatch
    {
        public int Looks { get; private set; }

        public TimeSpan Interval => TimeSpan.FromMilliseconds(1);

        public Task<(bool Alarm, string Summary)> LookAsync(CancellationToken cancellation)
        {
            Looks++;
            return Task.FromResult((Looks == alarmAt, $"look {Looks}"));
        }
    }

    private static RolloutState Start(params string[] steps) =>
        FlagTarget.Start("new-checkout", "flags.json", FlagTarget.ParseSteps(steps.Length > 0 ? steps : ["1", "5", "25", "100"]), DateTimeOffset.UnixEpoch);

    private static RolloutEngine Runner(Flags flags, IRolloutGate gate, Store store, IRolloutWatch? watch = null, WatchOptions? watchOptions = null) =>
        new(new FlagTarget(flags), gate, store, RolloutOptions.GateBakes, TimeProvider.System, watch: watch, watchOptions: watchOptions);

    [TestMethod]
    public async Task A_good_flag_is_ramped_through_its_steps_judged_on_against_off_and_reaches_everyone()
    {
        var flags = new Flags();
        var gate = new Gate();

        var state = await Runner(flags, gate, new Store()).RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual(100, flags.Percent);
        CollectionAssert.AreEqual(new[] { "1", "5", "25", "100" }, flags.Writes);
        Assert.HasCount(3, gate.Sides, "a last step of 100 is the promote, not a step judged against nobody");
        Assert.IsTrue(gate.Sides.All(s => s == ("on", "off")));
        Assert.IsTrue(state.Timeline.Any(e => e.What.StartsWith("step 2 (flag new-checkout at 5% of users) judged pass", StringComparison.Ordinal)));
        Assert.AreEqual(RolloutExit.Success, RolloutRules.Exit(RolloutRules.Outcome(state)));
        Assert.AreEqual(1, state.Timeline.Count(e => e.What == "flag new-checkout at 100% of users"), "promote's 100% said once, not again when the holdout ends");
    }

    [TestMethod]
    public async Task A_failed_step_throws_the_kill_switch_the_flag_at_zero_at_once_and_exit_1()
    {
        var flags = new Flags();

        var state = await Runner(flags, new Gate(GateVerdict.Pass, GateVerdict.Fail), new Store()).RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual(0, flags.Percent);
        CollectionAssert.AreEqual(new[] { "1", "5", "0" }, flags.Writes);
        Assert.IsTrue(state.Timeline.Any(e => e.What.Contains("the gate said fail at 5% of users", StringComparison.Ordinal)));
        Assert.AreEqual(RolloutExit.NegativeVerdict, RolloutRules.Exit(RolloutRules.Outcome(state)));
    }

    [TestMethod]
    public async Task A_crash_right_after_the_flag_moved_resumes_without_moving_it_twice()
    {
        var flags = new Flags { CrashAfter = 5 };
        var store = new Store();
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => Runner(flags, new Gate(), store).RunAsync(Start(), CancellationToken.None));
        Assert.AreEqual(5, store.Last!.Flag.PercentIntent, "the intention was saved before the write");
        Assert.AreEqual(1, store.Last.Flag.Percent, "the write itself was not");

        var state = await Runner(flags, new Gate(), store).RunAsync(store.Last, CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        CollectionAssert.AreEqual(new[] { "1", "5", "25", "100" }, flags.Writes, "the store already held 5%: not written again");
    }

    [TestMethod]
    public async Task A_rollback_after_a_crash_sets_the_flag_to_zero()
    {
        var flags = new Flags { CrashAfter = 25 };
        var store = new Store();
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => Runner(flags, new Gate(), store).RunAsync(Start(), CancellationToken.None));

        var state = await Runner(flags, new Gate(), store).RunAsync(RolloutAction.Rollback, store.Last!, CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual(0, flags.Percent);
        Assert.AreEqual(0, state.Flag.Percent);
    }

    [TestMethod]
    public async Task A_ramp_that_meets_someone_elses_change_stops_naming_it_and_writes_nothing()
    {
        var flags = new Flags { Meddle = (40, 1) };
        var store = new Store();

        var ex = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => Runner(flags, new Gate(), store).RunAsync(Start(), CancellationToken.None));

        StringAssert.Contains(ex.Message, "new-checkout");
        StringAssert.Contains(ex.Message, "changed by someone else");
        Assert.AreEqual(40, flags.Percent, "someone else's share is never overwritten");
        Assert.IsEmpty(flags.Writes);
        Assert.IsNull(store.Last!.Flag.PercentIntent);
    }

    [TestMethod]
    public async Task A_change_made_between_runs_is_not_overwritten_by_the_resumed_ramp()
    {
        var flags = new Flags { CrashAfter = 5 };
        var store = new Store();
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => Runner(flags, new Gate(), store).RunAsync(Start(), CancellationToken.None));
        flags.SetBySomeoneElse(0);

        await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => Runner(flags, new Gate(), store).RunAsync(store.Last!, CancellationToken.None));

        Assert.AreEqual(0, flags.Percent, "0% is neither the intended 5% nor the last written 1%: someone else's, left alone");
        Assert.AreEqual(2, flags.Writes.Count);
    }

    [TestMethod]
    public async Task The_kill_switch_reads_again_after_a_concurrent_change_and_still_sets_zero()
    {
        var flags = new Flags();
        var store = new Store();
        var ramped = await Runner(flags, new Gate(), store).RunAsync(RolloutAction.Ramp, Start(), CancellationToken.None);
        flags.Meddle = (60, 2);

        var state = await Runner(flags, new Gate(), store).RunAsync(RolloutAction.Rollback, ramped, CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual(0, flags.Percent);
    }

    [TestMethod]
    public async Task A_kill_switch_that_keeps_meeting_changes_is_left_rolling_back_for_the_next_run()
    {
        var flags = new Flags();
        var store = new Store();
        var ramped = await Runner(flags, new Gate(), store).RunAsync(RolloutAction.Ramp, Start(), CancellationToken.None);
        flags.Meddle = (60, FlagTarget.KillSwitchTries);

        var state = await Runner(flags, new Gate(), store).RunAsync(RolloutAction.Rollback, ramped, CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RollingBack, state.Phase);
        Assert.AreEqual(RolloutExit.OutsideFailure, RolloutRules.Exit(RolloutRules.Outcome(state)));
        var again = await Runner(flags, new Gate(), store).RunAsync(RolloutAction.Run, state, CancellationToken.None);
        Assert.AreEqual(RolloutPhase.RolledBack, again.Phase);
        Assert.AreEqual(0, flags.Percent);
    }

    [TestMethod]
    public async Task A_watch_alarm_after_100_percent_sets_the_flag_to_zero_in_flag_words()
    {
        var flags = new Flags();

        var state = await Runner(flags, new Gate(), new Store(), new Watcher(alarmAt: 2), new WatchOptions(TimeSpan.FromMinutes(5), 10))
            .RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual(0, flags.Percent);
        CollectionAssert.Contains(flags.Writes, "90", "the holdout keeps 10% of users off while watching");
        var reason = state.Timeline.Single(e => e.What.StartsWith("rolling back", StringComparison.Ordinal)).What;
        StringAssert.Contains(reason, "flag new-checkout");
        Assert.DoesNotContain("swap", reason);
    }

    [TestMethod]
    public async Task A_quiet_watch_ends_the_holdout_with_the_flag_at_100_percent()
    {
        var flags = new Flags();

        var state = await Runner(flags, new Gate(), new Store(), new Watcher(alarmAt: 0), new WatchOptions(TimeSpan.FromMilliseconds(30), 5))
            .RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual(100, flags.Percent);
        CollectionAssert.Contains(flags.Writes, "95");
    }

    [TestMethod]
    public void Flag_steps_rise_above_zero_up_to_everyone()
    {
        Assert.ThrowsExactly<InputException>(() => FlagTarget.ParseSteps(["5", "1"]));
        Assert.ThrowsExactly<InputException>(() => FlagTarget.ParseSteps(["0"]));
        Assert.ThrowsExactly<InputException>(() => FlagTarget.ParseSteps(["101"]));
        Assert.ThrowsExactly<InputException>(() => FlagTarget.ParseSteps([]));
        CollectionAssert.AreEqual(new[] { 1.0, 5, 100 }, FlagTarget.ParseSteps(["1%", "5", "100"]).ToArray());
    }

    [TestMethod]
    public void A_release_starts_for_a_flag_and_store_and_resumes_only_the_same_ones()
    {
        var request = new RolloutRequest(RolloutAction.Run, RolloutKind.Flag, "new-checkout", null, null, ["1", "50", "100"], false, "flags.json");
        var started = RolloutRules.StateFor(request, null, "release-state.json", DateTimeOffset.UnixEpoch);
        Assert.AreEqual("new-checkout", started.Flag.Flag);
        Assert.AreEqual(2, started.Steps);
        StringAssert.Contains(started.Timeline[0].What, "1%, 50%, 100% of users");

        var inProgress = started with { Phase = RolloutPhase.Ramping };
        Assert.AreSame(inProgress, RolloutRules.StateFor(request, inProgress, "release-state.json", DateTimeOffset.UnixEpoch));
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => RolloutRules.StateFor(request with { Version = "other" }, inProgress, "release-state.json", DateTimeOffset.UnixEpoch)).Message,
            "a release of flag new-checkout is ramping");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => RolloutRules.StateFor(request with { FlagStore = "other.json" }, inProgress, "release-state.json", DateTimeOffset.UnixEpoch)).Message,
            "not in other.json");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => RolloutRules.StateFor(request with { Version = null }, null, "release-state.json", DateTimeOffset.UnixEpoch)).Message,
            "--flag: required");
    }
}

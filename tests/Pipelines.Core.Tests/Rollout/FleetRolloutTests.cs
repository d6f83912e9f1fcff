using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Core.Tests.Rollout;

/// <summary>The rollout engine over a fleet target: its decisions over fakes of the fleet, the self-test, the gate and the state file.</summary>
[TestClass]
public sealed class FleetRolloutTests
{
    private static readonly string[] Hosts = ["h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8"];

    private sealed class Fleet : IFleet
    {
        public Dictionary<string, string> Running { get; } = Hosts.ToDictionary(h => h, _ => "v1");

        public List<string> Calls { get; } = [];

        public int? CrashAfterDeploys { get; init; }

        public Task<(bool Ok, string Detail)> DeployAsync(string host, string version, string previous, CancellationToken cancellation)
        {
            if (CrashAfterDeploys is { } crash && Calls.Count(c => c.StartsWith("deploy", StringComparison.Ordinal)) == crash)
            {
                throw new OperationCanceledException("the runner was cancelled mid-rollout");
            }

            Calls.Add($"deploy {host}");
            Running[host] = version;
            return Task.FromResult((true, "ok"));
        }

        public Task<(bool Ok, string Detail)> RollbackAsync(string host, string version, string previous, CancellationToken cancellation)
        {
            Calls.Add($"rollback {host}");
            Running[host] = previous;
            return Task.FromResult((true, "ok"));
        }
    }

    private sealed class SelfTest(Func<IReadOnlyList<string>, bool>? healthy = null) : ISelfTest
    {
        public Task<(bool Ok, string Detail)> CheckAsync(IReadOnlyList<string> hosts, CancellationToken cancellation) =>
            Task.FromResult((healthy?.Invoke(hosts) ?? true, string.Join(",", hosts)));
    }

    private sealed class Gate(params GateVerdict[] verdicts) : IRolloutGate
    {
        private int _calls;

        public List<(int Canary, int Baseline)> Judged { get; } = [];

        public Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation)
        {
            Judged.Add((canary.Count, baseline.Count));
            var verdict = verdicts.Length == 0 ? GateVerdict.Pass : verdicts[Math.Min(_calls++, verdicts.Length - 1)];
            return Task.FromResult((verdict, "fake"));
        }
    }

    private sealed class Store : IRolloutStore
    {
        public List<RolloutState> Saved { get; } = [];

        public void Save(RolloutState state) => Saved.Add(state);
    }

    private static RolloutState Start(params string[] steps) =>
        FleetTarget.Start(RolloutPlan.For(Hosts, steps.Length == 0 ? RolloutPlan.DefaultSteps : steps), "v2", "v1", DateTimeOffset.UnixEpoch);

    private static RolloutEngine Runner(Fleet fleet, IRolloutGate gate, Store store, ISelfTest? selfTest = null, InconclusivePolicy inconclusive = InconclusivePolicy.Hold) =>
        new(new FleetTarget(fleet, selfTest ?? new SelfTest()), gate, store, new RolloutOptions(TimeSpan.Zero, inconclusive), TimeProvider.System);

    [TestMethod]
    public void Waves_follow_the_steps_and_the_rest_waits_for_promote()
    {
        var doubling = RolloutPlan.For(Hosts, RolloutPlan.DefaultSteps);
        var shares = RolloutPlan.For(Hosts, ["25%", "50%"]);
        var imvu = RolloutPlan.For([.. Enumerable.Range(0, 800).Select(i => $"web{i}")], ["35"]);

        CollectionAssert.AreEqual(new[] { 1, 2, 4 }, doubling.Waves.Select(w => w.Count).ToArray());
        Assert.AreEqual(1, doubling.Rest.Count);
        CollectionAssert.AreEqual(new[] { 2, 2 }, shares.Waves.Select(w => w.Count).ToArray(), "shares are cumulative");
        Assert.AreEqual(35, imvu.Waves.Single().Count);
        Assert.AreEqual(765, imvu.Rest.Count);
    }

    [TestMethod]
    public void A_wave_never_takes_the_last_host_so_a_baseline_remains_to_judge_against()
    {
        var plan = RolloutPlan.For(["a", "b", "c"], ["2", "4"]);

        CollectionAssert.AreEqual(new[] { 2 }, plan.Waves.Select(w => w.Count).ToArray());
        CollectionAssert.AreEqual(new[] { "c" }, plan.Rest.ToArray());
    }

    [TestMethod]
    public void Bad_steps_and_duplicate_hosts_are_bad_input()
    {
        Assert.ThrowsExactly<InputException>(() => RolloutPlan.For(Hosts, ["two"]));
        Assert.ThrowsExactly<InputException>(() => RolloutPlan.For(Hosts, ["150%"]));
        Assert.ThrowsExactly<InputException>(() => RolloutPlan.For(["a", "a"], ["1"]));
    }

    [TestMethod]
    public async Task A_good_build_passes_every_wave_and_is_promoted_on_every_host()
    {
        var (fleet, gate, store) = (new Fleet(), new Gate(), new Store());

        var state = await Runner(fleet, gate, store).RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.IsTrue(fleet.Running.Values.All(v => v == "v2"));
        CollectionAssert.AreEqual(new[] { (1, 7), (3, 5), (7, 1) }, gate.Judged.ToArray(), "each wave judged against the hosts still on v1");
    }

    [TestMethod]
    public async Task A_bad_build_fails_the_first_wave_and_every_host_is_back_on_the_previous_version()
    {
        var (fleet, gate, store) = (new Fleet(), new Gate(GateVerdict.Fail), new Store());

        var state = await Runner(fleet, gate, store).RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.IsTrue(fleet.Running.Values.All(v => v == "v1"));
        CollectionAssert.AreEqual(new[] { "deploy h1", "rollback h1" }, fleet.Calls);
        Assert.AreEqual("fail", state.Verdict);
    }

    [TestMethod]
    public async Task A_failing_self_test_rolls_back_before_any_traffic_is_judged()
    {
        var (fleet, gate, store) = (new Fleet(), new Gate(), new Store());

        var state = await Runner(fleet, gate, store, new SelfTest(hosts => !hosts.Contains("h2"))).RunAsync(Start(), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.IsTrue(fleet.Running.Values.All(v => v == "v1"));
        Assert.AreEqual(1, gate.Judged.Count, "only the first wave reached the gate");
    }

    [TestMethod]
    public async Task An_inconclusive_wave_is_held_and_judged_again_and_rolled_back_when_it_stays_so()
    {
        var held = new Gate(GateVerdict.Inconclusive, GateVerdict.Pass);
        var stuck = new Gate(GateVerdict.Inconclusive);

        var passed = await Runner(new Fleet(), held, new Store()).RunAsync(Start("1"), CancellationToken.None);
        var rolledBack = await Runner(new Fleet(), stuck, new Store()).RunAsync(Start("1"), CancellationToken.None);
        var impatient = await Runner(new Fleet(), new Gate(GateVerdict.Inconclusive), new Store(), inconclusive: InconclusivePolicy.Rollback).RunAsync(Start("1"), CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, passed.Phase);
        Assert.AreEqual(2, held.Judged.Count);
        Assert.AreEqual(RolloutPhase.RolledBack, rolledBack.Phase);
        Assert.AreEqual(3, stuck.Judged.Count, "judged, then held twice");
        Assert.AreEqual(RolloutPhase.RolledBack, impatient.Phase);
    }

    [TestMethod]
    public async Task After_a_crash_mid_rollout_rollback_from_the_saved_state_restores_every_host_including_the_one_caught_mid_change()
    {
        var fleet = new Fleet { CrashAfterDeploys = 2 };
        var store = new Store();
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => Runner(fleet, new Gate(), store).RunAsync(Start(), CancellationToken.None));
        var saved = store.Saved[^1];
        Assert.AreEqual(HostStatus.Deploying, saved.Fleet.Hosts["h3"], "the change was recorded before it was made");
        fleet.Running["h3"] = "v2"; // it may have landed before the crash

        var restored = await Runner(new Fleet(), new Gate(), store).RollbackAsync(saved, "cancelled", CancellationToken.None);

        Assert.AreEqual(RolloutPhase.RolledBack, restored.Phase);
        CollectionAssert.AreEquivalent(new[] { "h1", "h2", "h3" }, restored.Fleet.Hosts.Where(h => h.Value == HostStatus.RolledBack).Select(h => h.Key).ToArray());
    }

    [TestMethod]
    public async Task A_rerun_resumes_after_the_waves_already_done_without_deploying_them_again()
    {
        var store = new Store();
        var first = new Fleet { CrashAfterDeploys = 3 };
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => Runner(first, new Gate(), store).RunAsync(Start(), CancellationToken.None));
        var saved = store.Saved[^1];
        Assert.AreEqual(2, saved.StepsDone);

        var fleet = new Fleet();
        var state = await Runner(fleet, new Gate(), store).RunAsync(saved, CancellationToken.None);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        CollectionAssert.AreEqual(new[] { "deploy h4", "deploy h5", "deploy h6", "deploy h7", "deploy h8" }, fleet.Calls, "h1–h3 were done");
    }
}

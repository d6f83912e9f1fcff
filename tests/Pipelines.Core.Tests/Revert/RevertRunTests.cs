using Pipelines.Core.Revert;

namespace Pipelines.Core.Tests.Revert;

/// <summary>revert-on-red's decisions over a fake target and fake probes: find, check the rules, revert — or say why not.</summary>
[TestClass]
public sealed class RevertRunTests
{
    private static readonly CommitInfo[] Commits = [.. Enumerable.Range(1, 4).Select(i => new CommitInfo($"c{i}", $"change {i}", $"change {i}", "Ann", "ann@example.com", [], [$"src/F{i}.cs"]))];

    private sealed class Target(string? existingRevert = null) : IRevertTarget
    {
        public List<string> Reverted { get; } = [];

        public string Name => "fake";

        public Task<string> BranchHeadAsync(CancellationToken cancellation) => Task.FromResult("c4");

        public Task<IReadOnlyList<CommitInfo>> CommitsBetweenAsync(string green, string red, CancellationToken cancellation) => Task.FromResult<IReadOnlyList<CommitInfo>>(Commits);

        public Task<string?> FindExistingRevertAsync(string culprit, CancellationToken cancellation) => Task.FromResult(existingRevert);

        public Task<int> AutomaticRevertsSinceAsync(DateTimeOffset since, CancellationToken cancellation) => Task.FromResult(0);

        public Task<RevertAttempt> RevertAsync(CommitInfo culprit, string message, RevertMode mode, CancellationToken cancellation)
        {
            Reverted.Add(culprit.Sha);
            return Task.FromResult(new RevertAttempt("r1", null, null));
        }

        public Task NotifyAsync(RevertNotice notice, CancellationToken cancellation) => Task.CompletedTask;
    }

    private static RevertRequest Request(string head = "c4", bool dryRun = false) =>
        new("main", "c0", "c4", head, Commits, ["N.C.Test"], RevertPolicy.Default, RevertMode.Push, dryRun, null);

    /// <summary>The tests fail from <paramref name="broken"/> on; a commit before it passes.</summary>
    private static Func<ProbeRequest, IReadOnlyList<bool>> BrokenFrom(string broken, List<string>? probed = null) => probe =>
    {
        probed?.Add(probe.Sha);
        return [string.CompareOrdinal(probe.Sha, broken) < 0 || probe.Sha == "c0"];
    };

    [TestMethod]
    public async Task The_commit_that_broke_the_tests_is_found_and_reverted()
    {
        var target = new Target();

        var decision = await RevertRun.DecideAsync(target, Request(), BrokenFrom("c3"), DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.AreEqual(RevertVerdict.Reverted, decision.Verdict);
        Assert.AreEqual("c3", decision.Culprit!.Sha);
        CollectionAssert.AreEqual(new[] { "c3" }, target.Reverted);
        Assert.AreEqual("r1", decision.Attempt!.RevertSha);
    }

    [TestMethod]
    public async Task A_dry_run_decides_the_same_and_reverts_nothing()
    {
        var target = new Target();

        var decision = await RevertRun.DecideAsync(target, Request(dryRun: true), BrokenFrom("c3"), DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.AreEqual(RevertVerdict.Reverted, decision.Verdict);
        StringAssert.EndsWith(decision.Reason, "(dry run: nothing was changed)");
        Assert.IsEmpty(target.Reverted);
    }

    [TestMethod]
    public async Task A_culprit_reverted_already_is_not_reverted_again()
    {
        var target = new Target(existingRevert: "r0 (main)");

        var decision = await RevertRun.DecideAsync(target, Request(), BrokenFrom("c3"), DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.AreEqual(RevertVerdict.AlreadyReverted, decision.Verdict);
        Assert.IsEmpty(target.Reverted);
    }

    [TestMethod]
    public async Task A_branch_green_again_at_its_head_is_asked_only_when_the_head_moved_on_and_then_nothing_is_reverted()
    {
        var target = new Target();
        var probed = new List<string>();

        var decision = await RevertRun.DecideAsync(target, Request(head: "c5"), probe =>
        {
            probed.Add(probe.Sha);
            return [probe.Sha == "c5" || string.CompareOrdinal(probe.Sha, "c3") < 0];
        }, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.AreEqual(RevertVerdict.Declined, decision.Verdict);
        Assert.AreEqual("c5", probed[^1], "the head last, once the culprit was confirmed");
        Assert.AreEqual("c5", decision.Probes[^1].Sha);
        Assert.IsEmpty(target.Reverted);
    }

    [TestMethod]
    public void A_probe_stops_at_its_first_pass_and_runs_at_most_one_plus_the_retries()
    {
        var runs = 0;

        CollectionAssert.AreEqual(new[] { false, true }, RevertRun.Attempts(2, attempt => ++runs == 2).ToArray());
        CollectionAssert.AreEqual(new[] { false, false, false }, RevertRun.Attempts(2, _ => false).ToArray());
    }
}

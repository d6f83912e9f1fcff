using Pipelines.Core.Revert;

namespace Pipelines.Core.Tests.Revert;

[TestClass]
public sealed class CulpritSearchTests
{
    private static readonly string[] Eight = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"];

    /// <summary>Runs the search against a world where <paramref name="fails"/> says what each commit's tests do.</summary>
    private static CulpritSearch Search(string[] commits, Func<string, int, bool> fails)
    {
        var search = new CulpritSearch("c0", commits);
        while (search.Next is { } next)
        {
            var attempts = new List<bool>();
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var passed = !fails(next.Sha, attempt);
                attempts.Add(passed);
                if (passed)
                {
                    break;
                }
            }

            search.Record(new ProbeResult(next.Sha, next.Purpose, attempts));
        }

        return search;
    }

    private static Func<string, int, bool> BrokenFrom(string culprit, string[] commits) =>
        (sha, _) => sha != "c0" && Array.IndexOf(commits, sha) >= Array.IndexOf(commits, culprit);

    [TestMethod]
    [DataRow("c1")]
    [DataRow("c2")]
    [DataRow("c5")]
    [DataRow("c8")]
    public void The_culprit_among_eight_commits_is_found_in_log2_rounds_and_confirmed(string culprit)
    {
        var search = Search(Eight, BrokenFrom(culprit, Eight));

        Assert.AreEqual(new SearchOutcome(RevertVerdict.Reverted, culprit, "it fails and its parent passes"), search.Outcome);
        var bisection = search.Probes.Count(p => p.Purpose.StartsWith("bisect", StringComparison.Ordinal));
        Assert.IsLessThanOrEqualTo(CulpritSearch.BisectionRounds(8), bisection);
        Assert.AreEqual(3, CulpritSearch.BisectionRounds(8));
        var parent = culprit == "c1" ? "c0" : Eight[Array.IndexOf(Eight, culprit) - 1];
        Assert.IsTrue(search.Probes.Any(p => p.Sha == parent && p.Passed), "the culprit's parent was seen to pass");
        Assert.IsTrue(search.Probes.Any(p => p.Sha == culprit && !p.Passed), "the culprit was seen to fail");
    }

    [TestMethod]
    public void A_single_commit_is_confirmed_against_the_green_commit()
    {
        var search = Search(["c1"], (sha, _) => sha == "c1");

        Assert.AreEqual("c1", search.Outcome!.Culprit);
        CollectionAssert.AreEqual(new[] { "c1", "c0" }, search.Probes.Select(p => p.Sha).ToArray());
    }

    [TestMethod]
    public void Tests_that_pass_again_at_the_red_commit_make_the_red_a_flake()
    {
        var search = Search(Eight, (_, attempt) => attempt == 0); // every commit fails once, then passes

        Assert.AreEqual(RevertVerdict.Flaky, search.Outcome!.Verdict);
        Assert.HasCount(1, search.Probes);
        StringAssert.Contains(search.Outcome.Reason, "attempt 2");
    }

    [TestMethod]
    public void When_the_green_commit_fails_now_too_no_commit_is_blamed()
    {
        var search = Search(["c1", "c2"], (_, _) => true); // everything fails: the cause is outside the range

        Assert.AreEqual(RevertVerdict.NoCulprit, search.Outcome!.Verdict);
        Assert.IsNull(search.Outcome.Culprit);
    }

    [TestMethod]
    public void A_probe_that_fails_then_passes_counts_as_a_pass_so_a_flaky_commit_is_not_blamed()
    {
        // c4 breaks the tests for good; c2 only makes them flaky. The culprit is c4.
        var search = Search(Eight, (sha, attempt) => Array.IndexOf(Eight, sha) >= 3 || (sha == "c2" && attempt == 0));

        Assert.AreEqual("c4", search.Outcome!.Culprit);
    }

    [TestMethod]
    public void Recording_a_probe_that_was_not_asked_for_is_a_bug()
    {
        var search = new CulpritSearch("c0", Eight);

        Assert.ThrowsExactly<InvalidOperationException>(() => search.Record(new ProbeResult("c3", "x", [false])));
    }
}

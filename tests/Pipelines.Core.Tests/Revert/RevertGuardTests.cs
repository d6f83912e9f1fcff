using Pipelines.Core.Globbing;
using Pipelines.Core.Revert;

namespace Pipelines.Core.Tests.Revert;

[TestClass]
public sealed class RevertGuardTests
{
    private static readonly RevertPolicy Policy = RevertPolicy.Default with { Never = GlobSet.Compile(["db/migrations/**"]) };

    private static CulpritFacts Facts(string subject = "Add discounts", string? body = null, string[]? files = null, string? existing = null, int today = 0, bool green = false) =>
        new("0123456789abcdef", subject, subject + "\n\n" + (body ?? ""), files ?? ["src/Billing/Discount.cs"], existing, today, green);

    [TestMethod]
    public void An_ordinary_culprit_is_reverted()
    {
        Assert.IsNull(RevertGuard.Check(Facts(), Policy));
    }

    [TestMethod]
    public void A_culprit_with_a_revert_already_is_already_reverted()
    {
        Assert.AreEqual(RevertVerdict.AlreadyReverted, RevertGuard.Check(Facts(existing: "abc123 (main)"), Policy)!.Value.Verdict);
    }

    [TestMethod]
    [DataRow("Revert \"Add discounts\"", "")]
    [DataRow("Undo discounts", "This reverts commit 0123456789abcdef0123456789abcdef01234567.")]
    [DataRow("Undo discounts", "Reverts: 0123456789abcdef0123456789abcdef01234567")]
    public void A_revert_is_never_reverted_automatically(string subject, string body)
    {
        var decision = RevertGuard.Check(Facts(subject, body), Policy);

        Assert.AreEqual(RevertVerdict.Declined, decision!.Value.Verdict);
        StringAssert.Contains(decision.Value.Reason, "is itself a revert");
    }

    [TestMethod]
    public void The_opt_out_trailer_protects_a_commit()
    {
        var decision = RevertGuard.Check(Facts(body: "Risky but needed.\n\nrevert-on-red: No"), Policy);

        StringAssert.Contains(decision!.Value.Reason, "opts out");
    }

    [TestMethod]
    public void Protected_paths_the_daily_cap_and_a_green_branch_decline_with_their_reasons()
    {
        StringAssert.Contains(RevertGuard.Check(Facts(files: ["db/migrations/0042_add.sql"]), Policy)!.Value.Reason, "revert.never");
        StringAssert.Contains(RevertGuard.Check(Facts(today: 4), Policy)!.Value.Reason, "daily cap");
        StringAssert.Contains(RevertGuard.Check(Facts(green: true), Policy)!.Value.Reason, "gone green");
        Assert.IsNull(RevertGuard.Check(Facts(today: 3), Policy));
    }

    [TestMethod]
    public void The_revert_message_names_the_commit_the_evidence_and_ends_with_the_trailer()
    {
        var message = RevertMessage.Build("Add discounts", "0123abc", ["Shop.Tests.A", "Shop.Tests.B"], "https://ci/run/7", "it fails and its parent passes");

        StringAssert.StartsWith(message, "Revert \"Add discounts\"\n\nThis reverts commit 0123abc.\n");
        StringAssert.Contains(message, "- Shop.Tests.A\n- Shop.Tests.B\n");
        StringAssert.Contains(message, "Build: https://ci/run/7");
        StringAssert.EndsWith(message, "\nReverts: 0123abc\n");
        CollectionAssert.AreEqual(new[] { "0123abc" }, RevertGuard.TrailerValues(message, "Reverts").ToArray());
    }
}

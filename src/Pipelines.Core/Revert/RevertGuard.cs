using Pipelines.Core.Globbing;

namespace Pipelines.Core.Revert;

/// <summary>The repository's rules for automatic reverts (config section <c>revert</c>).</summary>
/// <param name="OptOutTrailer">A trailer that keeps a commit from being reverted automatically, e.g. <c>Revert-On-Red: no</c>.</param>
/// <param name="Never">Paths a commit may touch only with a person deciding on its revert (migrations, say).</param>
public sealed record RevertPolicy(string OptOutTrailer, GlobSet Never, int MaxPerDay)
{
    public const string ReferenceTrailer = "Reverts";

    public static RevertPolicy Default { get; } = new("Revert-On-Red: no", GlobSet.Empty, 4);
}

/// <summary>What is known about the culprit and the branch when the decision is made.</summary>
/// <param name="ExistingRevert">A commit or branch that already reverts the culprit (merged, open or abandoned).</param>
/// <param name="RevertsInLastDay">Automatic reverts on this branch in the last 24 hours.</param>
/// <param name="BranchGreenAgain">The branch moved on and its head passes the failing tests.</param>
public sealed record CulpritFacts(
    string Sha,
    string Subject,
    string Message,
    IReadOnlyList<string> ChangedFiles,
    string? ExistingRevert,
    int RevertsInLastDay,
    bool BranchGreenAgain);

/// <summary>The refusals that keep automatic reverts trusted; each says why.</summary>
public static class RevertGuard
{
    /// <returns>Null to go ahead, or the verdict and the reason to give the author.</returns>
    public static (RevertVerdict Verdict, string Reason)? Check(CulpritFacts facts, RevertPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        if (facts.ExistingRevert is { } existing)
        {
            return (RevertVerdict.AlreadyReverted, $"{Short(facts.Sha)} is already reverted by {existing}");
        }

        if (IsRevert(facts.Subject, facts.Message))
        {
            return (RevertVerdict.Declined, $"{Short(facts.Sha)} is itself a revert; reverting a revert automatically would re-land the change without review");
        }

        if (HasTrailer(facts.Message, policy.OptOutTrailer))
        {
            return (RevertVerdict.Declined, $"{Short(facts.Sha)} opts out with '{policy.OptOutTrailer}'");
        }

        var protectedFile = facts.ChangedFiles.FirstOrDefault(policy.Never.IsMatch);
        if (protectedFile is not null)
        {
            return (RevertVerdict.Declined, $"{Short(facts.Sha)} changes {protectedFile}, which revert.never keeps from automatic reverts");
        }

        if (facts.BranchGreenAgain)
        {
            return (RevertVerdict.Declined, "the branch has gone green since: a later commit fixed it");
        }

        if (facts.RevertsInLastDay >= policy.MaxPerDay)
        {
            return (RevertVerdict.Declined, $"the daily cap is reached: {facts.RevertsInLastDay} automatic reverts in the last 24 hours (revert.max-per-day {policy.MaxPerDay})");
        }

        return null;
    }

    /// <summary>A revert by its subject (<c>Revert "…"</c>), git's body line, or our trailer.</summary>
    public static bool IsRevert(string subject, string message)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(message);
        return subject.StartsWith("Revert \"", StringComparison.Ordinal)
            || message.Contains("This reverts commit ", StringComparison.Ordinal)
            || TrailerValues(message, RevertPolicy.ReferenceTrailer).Any();
    }

    /// <summary>The values of <paramref name="name"/> trailers in a commit message (<c>Name: value</c> lines).</summary>
    public static IEnumerable<string> TrailerValues(string message, string name)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var line in message.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                yield return line[(colon + 1)..].Trim();
            }
        }
    }

    private static bool HasTrailer(string message, string trailer)
    {
        var colon = trailer.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var value = trailer[(colon + 1)..].Trim();
        return TrailerValues(message, trailer[..colon].Trim()).Any(v => v.Equals(value, StringComparison.OrdinalIgnoreCase));
    }

    private static string Short(string sha) => sha.Length > 10 ? sha[..10] : sha;
}

/// <summary>The revert commit's message: what, why, the evidence, and the trailer that makes a second run find it.</summary>
public static class RevertMessage
{
    public const int MaxTestsListed = 20;

    /// <summary>The line that marks a revert as automatic: the daily cap counts commits that carry it.</summary>
    public const string AutomaticMarker = "Reverted automatically by pipelines revert-on-red";

    public static string Build(string subject, string sha, IReadOnlyList<string> failingTests, string? buildLink, string reason)
    {
        ArgumentNullException.ThrowIfNull(failingTests);
        var lines = new List<string>
        {
            $"Revert \"{subject}\"",
            string.Empty,
            $"This reverts commit {sha}.",
            string.Empty,
            $"{AutomaticMarker}: {reason}.",
        };
        if (failingTests.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add("Failing tests:");
            lines.AddRange(failingTests.Take(MaxTestsListed).Select(t => "- " + t));
            if (failingTests.Count > MaxTestsListed)
            {
                lines.Add($"- …and {failingTests.Count - MaxTestsListed} more");
            }
        }

        if (buildLink is not null)
        {
            lines.Add(string.Empty);
            lines.Add("Build: " + buildLink);
        }

        lines.Add(string.Empty);
        lines.Add("To re-land: revert this revert, fix the failing tests, and push again.");
        lines.Add(string.Empty);
        lines.Add($"{RevertPolicy.ReferenceTrailer}: {sha}");
        return string.Join('\n', lines) + "\n";
    }
}

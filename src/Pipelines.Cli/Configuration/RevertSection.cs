using Pipelines.Core.Globbing;
using Pipelines.Core.Revert;

namespace Pipelines.Cli.Configuration;

/// <summary>The repository's revert policy (<c>revert</c>) and the defaults of its options.</summary>
/// <param name="AutoMerge">For pull-request mode on GitHub: MERGE, SQUASH or REBASE to turn on auto-merge; null leaves it off.</param>
/// <param name="PostMortem">Open a blameless post-mortem (an issue on GitHub) for every confirmed culprit.</param>
public sealed record RevertSettings(RevertPolicy Policy, int? FlakeRetries, RevertMode? Mode, string? DecisionLog, string? AutoMerge = null, bool PostMortem = false);

/// <summary>Reads the <c>revert</c> section.</summary>
public static class RevertSection
{
    public static readonly IReadOnlyList<string> Keys = ["opt-out-trailer", "never", "max-per-day", "flake-retries", "mode", "decision-log", "auto-merge", "post-mortem"];

    public static readonly IReadOnlyDictionary<string, RevertMode> ModeValues = new Dictionary<string, RevertMode>(StringComparer.Ordinal)
    {
        ["push"] = RevertMode.Push,
        ["pull-request"] = RevertMode.PullRequest,
        ["comment-only"] = RevertMode.CommentOnly,
    };

    private static readonly IReadOnlyDictionary<string, bool> OnOff = new Dictionary<string, bool>(StringComparer.Ordinal) { ["true"] = true, ["false"] = false };

    /// <summary>revert.auto-merge: GitHub's merge methods by their GraphQL names; "off" for none.</summary>
    public static readonly IReadOnlyDictionary<string, (string? Method, bool Set)> AutoMergeValues = new Dictionary<string, (string?, bool)>(StringComparer.Ordinal)
    {
        ["off"] = (null, true),
        ["merge"] = ("MERGE", true),
        ["squash"] = ("SQUASH", true),
        ["rebase"] = ("REBASE", true),
    };

    public static RevertSettings Read(ConfigFile config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.Section("revert");
        var defaults = RevertPolicy.Default;
        if (section is null)
        {
            return new RevertSettings(defaults, null, null, null);
        }

        section.ExpectOnly(Keys);
        var trailer = section.Scalar("opt-out-trailer") ?? defaults.OptOutTrailer;
        if (!trailer.Contains(':', StringComparison.Ordinal))
        {
            throw section.ErrorAt(section.Node("opt-out-trailer")!, "revert.opt-out-trailer", $"expected 'Name: value', e.g. '{defaults.OptOutTrailer}'");
        }

        return new RevertSettings(
            new RevertPolicy(
                trailer,
                TestsSection.Globs(section, section.StringList("never") ?? [], "revert.never"),
                (int?)section.Number("max-per-day", 0, 1000) ?? defaults.MaxPerDay),
            (int?)section.Number("flake-retries", 0, 10),
            section.Choice("mode", ModeValues),
            section.Scalar("decision-log"),
            section.Choice("auto-merge", AutoMergeValues)?.Method,
            section.Choice("post-mortem", OnOff) ?? false);
    }
}

namespace Pipelines.Core.Revert;

/// <summary>What revert-on-red concluded; the <c>verdict</c> output is its kebab-case name.</summary>
public enum RevertVerdict
{
    /// <summary>A confirmed culprit was reverted (or, with --dry-run, would be).</summary>
    Reverted,

    /// <summary>The failing tests pass at the red commit: nothing to revert.</summary>
    Flaky,

    /// <summary>No commit in the range was confirmed as the cause.</summary>
    NoCulprit,

    /// <summary>A revert of the culprit already exists.</summary>
    AlreadyReverted,

    /// <summary>A rule said no: a revert of a revert, the opt-out, a protected path, the daily cap, the branch is green.</summary>
    Declined,

    /// <summary>The revert does not apply cleanly: a person must do it.</summary>
    Conflict,
}

/// <summary>The verdicts' names, as the <c>verdict</c> output, the decision log and the notes say them.</summary>
public static class RevertVerdicts
{
    public static string Name(this RevertVerdict verdict) => verdict switch
    {
        RevertVerdict.Reverted => "reverted",
        RevertVerdict.Flaky => "flaky",
        RevertVerdict.NoCulprit => "no-culprit",
        RevertVerdict.AlreadyReverted => "already-reverted",
        RevertVerdict.Declined => "declined",
        _ => "conflict",
    };
}

namespace Pipelines.Core.Rollout;

/// <summary>
/// A feature flag as a flag store holds it: the share of users (0–100, sticky per user) who see the feature, and the
/// store's version of the record (an ETag, or a hash of the file's flag), which a write is conditional on.
/// </summary>
public sealed record FlagSnapshot(string Flag, double Percent, string Version);

/// <summary>
/// Where a feature flag's rollout share lives (a Feature Management JSON file, Azure App Configuration). Reading
/// refuses a flag that is missing or whose share is not sticky per user (bad input). Writing is conditional on the
/// version read: a write that already took (a retry after a lost answer) is not made again, and a change made by
/// someone else since is never overwritten — it fails as <see cref="FlagChangedException"/>.
/// </summary>
public interface IFlagStore
{
    /// <summary>Where the store is, for messages: a file path, an App Configuration endpoint (never a secret).</summary>
    string Describe { get; }

    Task<FlagSnapshot> ReadAsync(string flag, CancellationToken cancellation);

    /// <summary>Sets the share to <paramref name="percent"/> if the flag is still as <paramref name="seen"/>; returns the flag as written.</summary>
    Task<FlagSnapshot> SetPercentAsync(FlagSnapshot seen, double percent, CancellationToken cancellation);
}

/// <summary>The flag was changed by someone else since it was read; nothing was written.</summary>
public sealed class FlagChangedException(string flag, string detail) : Exception($"feature flag '{flag}' was changed by someone else since it was read ({detail}); nothing was written")
{
    public string Flag { get; } = flag;
}

using System.Globalization;

namespace Pipelines.Core.Planning;

/// <summary>
/// A shuffle that depends only on the seed and the ids: the same seed gives the same order on any machine and any
/// .NET version (unlike <see cref="Random"/> or string hash codes), and adding a test does not reorder the others.
/// </summary>
public static class SeededShuffle
{
    /// <summary>A seed derived from a commit sha (its first 16 hex digits), so a rerun of a commit replays its order.</summary>
    public static ulong SeedFromCommit(string sha)
    {
        ArgumentNullException.ThrowIfNull(sha);
        var hex = sha.Length >= 16 ? sha[..16] : sha;
        return ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var seed) ? seed : Fnv1a(sha);
    }

    /// <summary>The sort key of <paramref name="id"/> under <paramref name="seed"/>.</summary>
    public static ulong Key(ulong seed, string id) => SplitMix64(seed ^ Fnv1a(id));

    // FNV-1a over UTF-16 code units: stable, unlike string.GetHashCode, which is randomized per process.
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

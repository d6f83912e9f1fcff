namespace Pipelines.Core.Globbing;

/// <summary>A pattern that cannot be compiled; says which character and why.</summary>
public sealed class GlobException : Exception
{
    public GlobException(string pattern, int position, string reason)
        : base($"invalid glob '{pattern}' at character {position + 1}: {reason}")
    {
        Pattern = pattern;
        Position = position;
        Reason = reason;
    }

    public string Pattern { get; }

    /// <summary>Zero-based index into <see cref="Pattern"/>.</summary>
    public int Position { get; }

    public string Reason { get; }
}

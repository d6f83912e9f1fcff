namespace Pipelines.Core.Selection;

/// <summary>How git saw a path change between two commits.</summary>
public enum ChangeKind
{
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
    TypeChanged,
}

/// <summary>
/// One changed path between base and head, repository-relative with '/' separators.
/// A rename or copy carries its old path too: both sides count for selection.
/// </summary>
public sealed record FileChange(ChangeKind Kind, string Path, string? OldPath = null)
{
    /// <summary>Every path this change touches: the new one, and the old one for renames and copies.</summary>
    public IEnumerable<string> Paths
    {
        get
        {
            yield return Path;
            if (OldPath is not null && OldPath != Path)
            {
                yield return OldPath;
            }
        }
    }
}

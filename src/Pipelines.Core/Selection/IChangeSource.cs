namespace Pipelines.Core.Selection;

/// <summary>Where the changed files between two commits come from: local git today, a hosting API later.</summary>
public interface IChangeSource
{
    /// <summary>The files that differ between two commits (full shas), renames carrying both paths.</summary>
    IReadOnlyList<FileChange> GetChanges(string baseCommit, string headCommit);
}

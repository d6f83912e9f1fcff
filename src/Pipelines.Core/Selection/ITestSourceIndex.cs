namespace Pipelines.Core.Selection;

/// <summary>
/// Which test projects read a file at run time, as far as their sources name it: a workflow a test lints, a
/// sample a test builds. Asked only about files that reach no test project through the project graph.
/// </summary>
public interface ITestSourceIndex
{
    /// <summary>
    /// The projects whose sources name <paramref name="path"/> or its folder; empty when none do. With
    /// <paramref name="exactly"/>, a top folder counts only as a whole literal (<c>".github"</c>), not as the start of
    /// a longer one (<c>".github/workflows"</c> names the workflows, not <c>.github/dependabot.yml</c>): for
    /// housekeeping files, which need no tests unless a test reads them.
    /// </summary>
    IReadOnlyList<string> ProjectsNaming(string path, bool exactly = false);
}

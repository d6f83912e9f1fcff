namespace Pipelines.Core.Selection;

/// <summary>
/// Which test projects read a file at run time, as far as their sources name it: a workflow a test lints, a
/// sample a test builds. Asked only about files that reach no test project through the project graph.
/// </summary>
public interface ITestSourceIndex
{
    /// <summary>
    /// The source files that name <paramref name="path"/> or its folder, in path order; empty when none do. With
    /// <paramref name="exactly"/>, a top folder counts only as a whole literal (<c>".github"</c>), not as the start of
    /// a longer one (<c>".github/workflows"</c> names the workflows, not <c>.github/dependabot.yml</c>): for
    /// housekeeping files, which need no tests unless a test reads them.
    /// </summary>
    IReadOnlyList<NamingSource> SourcesNaming(string path, bool exactly = false);

    /// <summary>
    /// The repository's scripts (shell, PowerShell, batch, make) that name <paramref name="path"/> or one of its folders
    /// of two or more segments, in path order: how a test that runs a script builds a project at run time.
    /// </summary>
    IReadOnlyList<string> ScriptsNaming(string path);

    /// <summary>
    /// The sources that build <paramref name="project"/> at run time: they name its file or folder, or a script that
    /// names it (<c>build/release.sh</c> naming <c>src/App/App.csproj</c>).
    /// </summary>
    IReadOnlyList<NamingSource> SourcesBuilding(string project) =>
        [.. SourcesNaming(project, exactly: true).Concat(ScriptsNaming(project).SelectMany(script => SourcesNaming(script)))];
}

/// <summary>A source file of <paramref name="Project"/> that names a file tests read at run time.</summary>
/// <param name="InConstant">
/// The name stands in a constant's declaration: the compiler copies it into the code that uses it, so running that
/// code does not run this file.
/// </param>
public sealed record NamingSource(string Project, string Path, bool InConstant);

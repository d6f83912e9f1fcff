using System.Text;

namespace Pipelines.Core.Selection.Impact;

/// <summary>
/// The <c>dotnet test --filter</c> expressions that run a narrowed project: its tests by fully qualified name and its
/// whole classes by name prefix, split into batches short enough for any command line.
/// </summary>
public static class ImpactFilter
{
    /// <summary>
    /// The longest filter a batch holds: Windows' cmd.exe takes 8,191 characters in all, and the project path and
    /// options need room beside it.
    /// </summary>
    public const int DefaultMaxChars = 6000;

    /// <summary>The filters that run <paramref name="selection"/>; empty when it runs whole or runs nothing.</summary>
    public static IReadOnlyList<string> Batches(ImpactProjectSelection selection, int maxChars = DefaultMaxChars)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.Whole)
        {
            return [];
        }

        // A class's term matches "Namespace.Class." (or "Class." when only its bare name is known, which may match more).
        var terms = selection.Classes.Select(ClassTerm)
            .Concat(selection.Tests.Where(t => !selection.Classes.Any(c => ImpactProjectSelection.ClassCovers(c, t))).Select(t => "FullyQualifiedName=" + TestFilter.Escape(t)));
        var batches = new List<string>();
        var batch = new StringBuilder();
        foreach (var term in terms)
        {
            // A term longer than a batch (a test with huge arguments in its name) gets a batch of its own.
            if (batch.Length > 0 && batch.Length + 1 + term.Length > maxChars)
            {
                batches.Add(batch.ToString());
                batch.Clear();
            }

            if (batch.Length > 0)
            {
                batch.Append('|');
            }

            batch.Append(term);
        }

        if (batch.Length > 0)
        {
            batches.Add(batch.ToString());
        }

        return batches;
    }

    /// <summary>
    /// The term that runs a class's tests: their names contain the class's name and a dot (a nested class is
    /// <c>Outer+Inner</c>, so <c>Outer.</c> leaves it out).
    /// </summary>
    public static string ClassTerm(string className) => "FullyQualifiedName~" + TestFilter.Escape(className + ".");
}

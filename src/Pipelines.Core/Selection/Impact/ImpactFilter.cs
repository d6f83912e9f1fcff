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

        // A class's terms match "Namespace.Class." (or "Class." when only its bare name is known, which may match more).
        var terms = selection.Classes.Select(c => "FullyQualifiedName~" + TestFilter.Escape(c + "."))
            .Concat(selection.Tests.Where(t => !selection.Classes.Any(c => InClass(t, c))).Select(t => "FullyQualifiedName=" + TestFilter.Escape(t)));
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

    // A test already run by a class term needs no term of its own.
    private static bool InClass(string test, string className) =>
        test.Contains(className + ".", StringComparison.Ordinal);
}

using System.Text;

namespace Pipelines.Core.Text;

/// <summary>
/// The one table from the CLI's kebab-case names to the other spellings hosts need: <c>INPUT_DRY_RUN</c> for
/// environment inputs, <c>dryRun</c> for JSON keys and Azure DevOps task inputs and output variables (which cannot
/// contain '-').
/// </summary>
public static class NameMapping
{
    /// <summary><c>run-all</c> → <c>runAll</c>.</summary>
    public static string ToCamelCase(string kebab)
    {
        ArgumentNullException.ThrowIfNull(kebab);
        var builder = new StringBuilder(kebab.Length);
        var upper = false;
        foreach (var c in kebab)
        {
            if (c == '-')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }

    /// <summary>The Azure DevOps name (task input, output variable) of a CLI option or output.</summary>
    public static string ToAzure(string kebab) => ToCamelCase(kebab);

    /// <summary>
    /// The environment variables that can carry an input: <c>INPUT_DRY_RUN</c> (PRODUCT.md's form, and what Azure
    /// DevOps makes of a task input) and <c>INPUT_DRY-RUN</c> (what GitHub's runner sets for a JavaScript action).
    /// </summary>
    public static IReadOnlyList<string> ToEnvironment(string kebab)
    {
        ArgumentNullException.ThrowIfNull(kebab);
        var upper = kebab.ToUpperInvariant();
        var underscored = "INPUT_" + upper.Replace('-', '_');
        return upper.Contains('-', StringComparison.Ordinal) ? [underscored, "INPUT_" + upper] : [underscored];
    }
}

using System.Text;

namespace Pipelines.Core.Selection;

/// <summary>Builds <c>dotnet test --filter</c> expressions in the syntax of each test framework's adapter.</summary>
public static class TestFilter
{
    /// <summary>The filter property that holds a test's categories for <paramref name="syntax"/>.</summary>
    public static string CategoryProperty(FilterSyntax syntax) => syntax switch
    {
        FilterSyntax.MSTest => "TestCategory",
        FilterSyntax.XUnit => "Category",
        FilterSyntax.NUnit => "Category",
        _ => throw new ArgumentOutOfRangeException(nameof(syntax), syntax, null),
    };

    /// <summary>Tests in any of <paramref name="categories"/>: <c>TestCategory=a|TestCategory=b</c>; empty for none.</summary>
    public static string ForCategories(IEnumerable<string> categories, FilterSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var property = CategoryProperty(syntax);
        return string.Join('|', categories.Select(c => property + "=" + Escape(c)));
    }

    /// <summary>Escapes the characters the vstest filter grammar gives a meaning: <c>\ ( ) &amp; | = ! ~</c>.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '\\' or '(' or ')' or '&' or '|' or '=' or '!' or '~')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}

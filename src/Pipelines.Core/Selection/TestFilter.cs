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

    /// <summary>
    /// The categories of a filter made by <see cref="ForCategories"/> (<c>TestCategory=a|Category=b</c>), or null
    /// when the filter has any other shape and only the test framework can evaluate it.
    /// </summary>
    public static IReadOnlySet<string>? CategoriesIn(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var categories = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var term = new StringBuilder();
        for (var i = 0; i <= filter.Length; i++)
        {
            if (i < filter.Length && filter[i] == '\\' && i + 1 < filter.Length)
            {
                term.Append(filter[i]).Append(filter[++i]);
                continue;
            }

            if (i < filter.Length && filter[i] != '|')
            {
                term.Append(filter[i]);
                continue;
            }

            var text = term.ToString();
            term.Clear();
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            var property = eq < 0 ? string.Empty : text[..eq];
            if (property is not ("TestCategory" or "Category") || Unescape(text[(eq + 1)..]) is not { Length: > 0 } category)
            {
                return null;
            }

            categories.Add(category);
        }

        return categories;
    }

    // Null when an operator is left unescaped: then the term is more than one category.
    private static string? Unescape(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }
            else if (value[i] is '(' or ')' or '&' or '=' or '!' or '~')
            {
                return null;
            }

            builder.Append(value[i]);
        }

        return builder.ToString();
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

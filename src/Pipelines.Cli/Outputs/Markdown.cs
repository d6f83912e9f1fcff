using System.Text;

namespace Pipelines.Cli.Outputs;

/// <summary>Small helpers for the markdown of step summaries; user text is escaped so it cannot break a table.</summary>
public static class Markdown
{
    /// <summary>Text safe inside a table cell: pipes, backticks and markup characters escaped, newlines made visible.</summary>
    public static string Cell(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '|' or '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '~':
                    builder.Append('\\').Append(c);
                    break;
                case '\n' or '\r':
                    builder.Append(' ');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// A path or id shown as code; backticks inside are doubled around so they cannot close it. In a table cell a
    /// '|' must be escaped even inside code; outside a table the escape would show.
    /// </summary>
    public static string Code(string text, bool inTable = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = text.Replace('\n', ' ').Replace('\r', ' ');
        if (inTable)
        {
            clean = clean.Replace("|", "\\|", StringComparison.Ordinal);
        }

        return clean.Contains('`', StringComparison.Ordinal) ? $"`` {clean} ``" : $"`{clean}`";
    }

    public static void Table(StringBuilder builder, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append("| ").AppendJoin(" | ", headers).AppendLine(" |");
        builder.Append('|').AppendJoin("", headers.Select(_ => " --- |")).AppendLine();
        foreach (var row in rows)
        {
            builder.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }
    }
}

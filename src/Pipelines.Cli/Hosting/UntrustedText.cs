using System.Globalization;
using System.Text;

namespace Pipelines.Cli.Hosting;

/// <summary>
/// Makes text that comes from users (file names, commit messages, test names) safe to print on one log line:
/// no line breaks or control characters (git allows them in file names), and nothing a runner would take for a
/// command — Azure's agent acts on <c>##vso[</c> anywhere in a line, GitHub's runner on a line starting with <c>::</c>.
/// </summary>
public static class UntrustedText
{
    // A zero-width space keeps the text readable while breaking the command marker.
    private const string Breaker = "\u200B";

    public static string ForLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                builder.Append(c switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                });
            }
            else
            {
                builder.Append(c);
            }
        }

        return BreakCommands(builder.ToString());
    }

    /// <summary>Breaks host command markers but keeps line breaks, for multi-line blocks.</summary>
    public static string BreakCommands(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = text
            .Replace("##vso[", "#" + Breaker + "#vso[", StringComparison.OrdinalIgnoreCase)
            .Replace("##[", "#" + Breaker + "#[", StringComparison.Ordinal);
        if (!result.Contains("::", StringComparison.Ordinal))
        {
            return result;
        }

        var lines = result.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (trimmed.StartsWith("::", StringComparison.Ordinal))
            {
                var indent = lines[i].Length - trimmed.Length;
                lines[i] = lines[i][..indent] + ":" + Breaker + trimmed[1..];
            }
        }

        return string.Join('\n', lines);
    }
}

using System.Text;
using Pipelines.Core.Errors;

namespace Pipelines.Core.Text;

/// <summary>
/// Splits one input string of arguments (<c>--dotnet-test-args "Shop.slnx -c Release"</c>) the way a POSIX shell
/// would split words and quotes (a backslash escapes only a space or a quote), without a shell: no variables, globs or commands are ever expanded.
/// </summary>
public static class ArgumentSplitter
{
    public static IReadOnlyList<string> Split(string text, string optionName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new InputException($"{optionName}: unclosed ' at character {i + 1}");
                    }

                    current.Append(text, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i++;
                    while (i < text.Length && text[i] != '"')
                    {
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '"')
                        {
                            i++;
                        }

                        current.Append(text[i++]);
                    }

                    if (i >= text.Length)
                    {
                        throw new InputException($"{optionName}: unclosed \" in '{text}'");
                    }

                    inWord = true;
                    break;
                // A backslash escapes only a space or a quote, so Windows paths (C:\src\Shop.sln) pass unchanged.
                case '\\' when i + 1 < text.Length && (char.IsWhiteSpace(text[i + 1]) || text[i + 1] is '"' or '\''):
                    current.Append(text[++i]);
                    inWord = true;
                    break;
                case var _ when char.IsWhiteSpace(c):
                    if (inWord)
                    {
                        arguments.Add(current.ToString());
                        current.Clear();
                        inWord = false;
                    }

                    break;
                default:
                    current.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            arguments.Add(current.ToString());
        }

        return arguments;
    }
}

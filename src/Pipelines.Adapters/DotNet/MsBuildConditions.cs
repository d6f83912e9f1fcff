using System.Globalization;
using Pipelines.Adapters.Files;

namespace Pipelines.Adapters.DotNet;

/// <summary>
/// MSBuild conditions in three-valued logic: true, false, or unknown when they depend on what only MSBuild
/// knows. <see cref="Holds"/> treats unknown as true, so an import or item we cannot rule out is kept.
/// </summary>
internal static class MsBuildConditions
{
    public static bool Holds(string? condition, MsBuildExpander expander, string file) =>
        string.IsNullOrWhiteSpace(condition) || Evaluate(condition, expander, file) != false;

    /// <returns>True, false, or null when it cannot be known statically (also for conditions we cannot parse).</returns>
    public static bool? Evaluate(string condition, MsBuildExpander expander, string file)
    {
        try
        {
            var parser = new Parser(Tokenize(condition), expander, file);
            var value = parser.Or();
            return parser.AtEnd ? value : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new FormatException("unclosed quote");
                }

                tokens.Add(text[i..(end + 1)]);
                i = end + 1;
            }
            else if (c is '$' or '@' or '%' && i + 1 < text.Length && text[i + 1] == '(')
            {
                var close = MsBuildExpander.MatchingParen(text, i + 1);
                if (close < 0)
                {
                    throw new FormatException("unclosed $(");
                }

                tokens.Add(text[i..(close + 1)]);
                i = close + 1;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < text.Length && text[i + 1] == '=';
                tokens.Add(text.Substring(i, two ? 2 : 1));
                i += two ? 2 : 1;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '\'' or '=' or '!' or '<' or '>' or ','))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
        }

        return tokens;
    }

    private sealed class Parser(List<string> tokens, MsBuildExpander expander, string file)
    {
        private int _position;
        private int _nesting;

        public bool AtEnd => _position == tokens.Count;

        private string? Peek => _position < tokens.Count ? tokens[_position] : null;

        public bool? Or()
        {
            var left = And();
            while (string.Equals(Peek, "or", StringComparison.OrdinalIgnoreCase))
            {
                _position++;
                var right = And();
                left = left == true || right == true ? true : left == false && right == false ? false : null;
            }

            return left;
        }

        private bool? And()
        {
            var left = Not();
            while (string.Equals(Peek, "and", StringComparison.OrdinalIgnoreCase))
            {
                _position++;
                var right = Not();
                left = left == false || right == false ? false : left == true && right == true ? true : null;
            }

            return left;
        }

        private bool? Not()
        {
            if (Peek == "!")
            {
                _position++;
                Nest();
                var negated = !Not();
                _nesting--;
                return negated;
            }

            return Primary();
        }

        private bool? Primary()
        {
            if (Peek == "(")
            {
                _position++;
                Nest();
                var inner = Or();
                Expect(")");
                _nesting--;
                return inner;
            }

            var token = Next();
            if (Peek == "(" && IsFunctionName(token))
            {
                _position++;
                var args = new List<string>();
                while (Peek != ")")
                {
                    args.Add(Value(Next()));
                    if (Peek == ",")
                    {
                        _position++;
                    }
                }

                Expect(")");
                return Function(token, args);
            }

            var left = Value(token);
            if (Peek is "==" or "!=" or "<" or ">" or "<=" or ">=")
            {
                var op = Next();
                return Compare(left, op, Value(Next()));
            }

            // A lone operand: 'true', 'false', or a property that holds one.
            return MsBuildExpander.IsUnknown(left) ? null
                : string.Equals(left, "true", StringComparison.OrdinalIgnoreCase) ? true
                : string.Equals(left, "false", StringComparison.OrdinalIgnoreCase) ? false
                : throw new FormatException("not a boolean: " + left);
        }

        private bool? Function(string name, List<string> args)
        {
            if (args.Any(MsBuildExpander.IsUnknown))
            {
                return null;
            }

            var directory = MsBuildPaths.DirectoryOf(file);
            return name.ToUpperInvariant() switch
            {
                "EXISTS" when args.Count == 1 => args[0].Trim().Length > 0
                    && MsBuildPaths.ToRelative(args[0], directory) is { } path
                    && (expander.Tree.FileExists(path) || expander.Tree.DirectoryExists(path)),
                "HASTRAILINGSLASH" when args.Count == 1 => args[0].EndsWith('/') || args[0].EndsWith('\\'),
                _ => null,
            };
        }

        private static bool? Compare(string left, string op, string right)
        {
            if (MsBuildExpander.IsUnknown(left) || MsBuildExpander.IsUnknown(right))
            {
                return null;
            }

            if (op is "==" or "!=")
            {
                return string.Equals(left, right, StringComparison.OrdinalIgnoreCase) == (op == "==");
            }

            if (!double.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                || !double.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
            {
                return null; // version comparisons and the like: leave them to MSBuild
            }

            return op switch
            {
                "<" => a < b,
                ">" => a > b,
                "<=" => a <= b,
                _ => a >= b,
            };
        }

        private string Value(string token) =>
            expander.Expand(token.Length >= 2 && token[0] == '\'' && token[^1] == '\'' ? token[1..^1] : token, file);

        private static bool IsFunctionName(string token) => token.Length > 0 && char.IsLetter(token[0]) && token.All(char.IsLetterOrDigit);

        private void Nest()
        {
            if (++_nesting > InputLimits.MaxExpressionNesting)
            {
                throw new MsBuildLimitException($"this condition nests parentheses or '!' more than {InputLimits.MaxExpressionNesting} deep (the limit, README \"Limits\")");
            }
        }

        private string Next() => _position < tokens.Count ? tokens[_position++] : throw new FormatException("unexpected end");

        private void Expect(string token)
        {
            if (Next() != token)
            {
                throw new FormatException("expected " + token);
            }
        }
    }
}

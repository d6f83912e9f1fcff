using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pipelines.Core.Text;

namespace Pipelines.Adapters.Metrics;

/// <summary>One sample of the Prometheus text exposition format.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A selector such as <c>http_requests_total{code=~"5..",route!="/health"}</c>.</summary>
public sealed record PrometheusSelector(string Name, IReadOnlyList<(string Label, string Operator, string Value)> Matchers)
{
    public bool Matches(PrometheusSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.Name == Name && Matchers.All(m =>
        {
            var value = sample.Labels.GetValueOrDefault(m.Label) ?? string.Empty;
            return m.Operator switch
            {
                "=" => value == m.Value,
                "!=" => value != m.Value,
                "=~" => Regex(m.Value).IsMatch(value),
                _ => !Regex(m.Value).IsMatch(value),
            };
        });
    }

    // One compiled expression per matcher, bounded in time ("(a+)+$" on a long label crashed with a match timeout).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BoundedRegex> _regexes = new(StringComparer.Ordinal);

    private BoundedRegex Regex(string pattern) =>
        _regexes.GetOrAdd(pattern, p => new BoundedRegex("^(?:" + p + ")$", RegexOptions.CultureInvariant));
}

/// <summary>
/// The Prometheus text format (what every instance's <c>/metrics</c> serves), read without a Prometheus server:
/// comments and HELP/TYPE lines skipped, label values unescaped, NaN and ±Inf understood, timestamps ignored.
/// </summary>
public static class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var (name, labels, rest) = SplitSeries(line);
            var value = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (name.Length > 0 && value is not null && ParseValue(value) is { } parsed)
            {
                samples.Add(new PrometheusSample(name, labels, parsed));
            }
        }

        return samples;
    }

    /// <summary>Parses <c>name{label="value", …}</c> with =, !=, =~ and !~ matchers.</summary>
    public static PrometheusSelector ParseSelector(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (name, _, rest) = SplitSeries(text.Trim(), matchers: out var matchers);
        if (name.Length == 0 || rest.Trim().Length > 0)
        {
            throw new FormatException($"'{text}' is not a metric selector such as requests_total{{code=\"500\"}}");
        }

        foreach (var (label, op, value) in matchers.Where(m => m.Item2 is "=~" or "!~"))
        {
            try
            {
                _ = new BoundedRegex("^(?:" + value + ")$", RegexOptions.CultureInvariant);
            }
            catch (RegexParseException ex)
            {
                throw new FormatException($"{label}{op}\"{value}\" is not a regular expression: {Words(ex.Error.ToString())} near character {Math.Clamp(ex.Offset - 4, 1, Math.Max(1, value.Length))}");
            }
        }

        return new PrometheusSelector(name, matchers);
    }

    /// <summary>"InsufficientClosingParentheses" as "insufficient closing parentheses".</summary>
    private static string Words(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static (string Name, Dictionary<string, string> Labels, string Remainder) SplitSeries(string line) =>
        SplitSeries(line, out _);

    private static (string Name, Dictionary<string, string> Labels, string Remainder) SplitSeries(string line, out List<(string, string, string)> matchers)
    {
        matchers = [];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        var name = line[..i];
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (i < line.Length && line[i] != '}')
            {
                while (i < line.Length && (line[i] == ',' || char.IsWhiteSpace(line[i])))
                {
                    i++;
                }

                if (i < line.Length && line[i] == '}')
                {
                    break;
                }

                var start = i;
                while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '_'))
                {
                    i++;
                }

                var label = line[start..i];
                var opStart = i;
                while (i < line.Length && line[i] is '=' or '!' or '~')
                {
                    i++;
                }

                var op = line[opStart..i];
                if (i >= line.Length || line[i] != '"' || op is not ("=" or "!=" or "=~" or "!~"))
                {
                    throw new FormatException($"cannot read the labels of '{line}'");
                }

                i++;
                var value = new StringBuilder();
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                i++;
                labels[label] = value.ToString();
                matchers.Add((label, op, value.ToString()));
            }

            i++;
        }

        return (name, labels, i < line.Length ? line[i..] : string.Empty);
    }

    private static double? ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null,
    };
}

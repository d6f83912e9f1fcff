using System.Text.RegularExpressions;

namespace Pipelines.Core.Text;

/// <summary>
/// A regular expression from user input (a glob, an MSBuild wildcard, a Prometheus matcher) matched in bounded time.
/// The backtracking engine is fast to build and to run on ordinary patterns, but some patterns take it exponential
/// time ("**/*a*a*a*a*a*a*a*a*b" took minutes on one 60-character path); when a match runs past a short timeout, this
/// expression switches for good to the non-backtracking engine, which is slower to build but linear in the input.
/// </summary>
public sealed class BoundedRegex
{
    private static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(50);

    private readonly Regex _fast;
    private readonly RegexOptions _options;
    private Regex? _linear;

    /// <exception cref="ArgumentException">The pattern is not a regular expression (a <see cref="RegexParseException"/>).</exception>
    public BoundedRegex(string pattern, RegexOptions options)
    {
        _options = options;
        _fast = new Regex(pattern, options, Patience);
    }

    public string Pattern => _fast.ToString();

    public bool IsMatch(string input)
    {
        if (_linear is { } linear)
        {
            return linear.IsMatch(input);
        }

        try
        {
            return _fast.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            // Constructs the non-backtracking engine lacks (backreferences, lookarounds) cannot be the slow part
            // here: our translations never make them, and a Prometheus matcher is RE2, which has none either.
            _linear = new Regex(Pattern, (_options & ~RegexOptions.Compiled) | RegexOptions.NonBacktracking);
            return _linear.IsMatch(input);
        }
    }

    public override string ToString() => Pattern;
}

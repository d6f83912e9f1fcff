using System.Collections;
using System.Reflection;
using System.Resources;
using System.Text.RegularExpressions;

namespace Pipelines.Fuzz.Tests;

/// <summary>The CI host an input runs under: errors are printed in its form.</summary>
public enum HostKind
{
    Local,
    GitHub,
    Azure,
}

/// <summary>What one input did: the exit code and everything printed.</summary>
public sealed record TargetRun(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + "\n" + StandardError;
}

/// <summary>
/// What every answer to bad input must be (README, "Conventions every command keeps"): no crash (exit 4 or an exception
/// that escapes), an allowed exit code, no .NET resource key instead of words, and on exit 2 exactly one error that
/// names the file and, when it gives a place, a real one (line and column from 1).
/// </summary>
public static partial class Oracle
{
    private static readonly Lazy<HashSet<string>> ResourceKeys = new(LoadResourceKeys);

    /// <summary>The problems with <paramref name="run"/>; empty when it is a proper answer.</summary>
    /// <param name="fileName">The input's file name, which an exit-2 message must name; null when the input is not a file.</param>
    public static List<string> Check(TargetRun run, IReadOnlySet<int> allowedExits, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(run);
        var problems = new List<string>();
        if (run.ExitCode == 4 || run.Output.Contains("internal error (a bug in Pipelines", StringComparison.Ordinal))
        {
            problems.Add("crash: " + CrashCause(run.Output));
            return problems;
        }

        if (run.ExitCode == -2)
        {
            problems.Add("hang");
            return problems;
        }

        if (run.ExitCode is < 0 or > 4)
        {
            problems.Add($"crash: the process aborted (exit {run.ExitCode})");
            return problems;
        }

        if (!allowedExits.Contains(run.ExitCode))
        {
            problems.Add($"exit {run.ExitCode} (expected one of {string.Join(", ", allowedExits)})");
        }

        foreach (var key in KeysIn(run.Output))
        {
            problems.Add("resource key: " + key);
        }

        if (run.ExitCode == 2)
        {
            var errors = ErrorLines(run.Output);
            if (errors.Count != 1)
            {
                problems.Add($"error printed {errors.Count} times");
            }

            foreach (var error in errors)
            {
                if (fileName is not null && !error.Contains(fileName, StringComparison.Ordinal))
                {
                    problems.Add("error does not name the file");
                }

                foreach (Match position in Position().Matches(error))
                {
                    if (position.Groups.Cast<Group>().Skip(1).Any(g => g.Success && long.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture) < 1))
                    {
                        problems.Add("position below line 1 or column 1");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>The lines that report an error: <c>error: …</c>, <c>::error …</c>, <c>##vso[task.logissue type=error…</c>.</summary>
    public static List<string> ErrorLines(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return [.. output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l =>
            l.StartsWith("error:", StringComparison.Ordinal) || l.StartsWith("::error", StringComparison.Ordinal)
            || l.StartsWith("##vso[task.logissue type=error", StringComparison.Ordinal))];
    }

    /// <summary>.NET resource keys (what a build with <c>UseSystemResourceKeys</c> prints instead of a message) found in <paramref name="text"/>.</summary>
    public static IEnumerable<string> KeysIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match word in Word().Matches(text))
        {
            if (ResourceKeys.Value.Contains(word.Value) || KeyShape().IsMatch(word.Value))
            {
                found.Add(word.Value);
            }
        }

        if (text.Contains("System.Private.CoreLib", StringComparison.Ordinal))
        {
            found.Add("System.Private.CoreLib");
        }

        return found;
    }

    /// <summary>"InvalidCastException at Pipelines.Cli.Configuration.YamlMap.get_Entries": one name per cause.</summary>
    public static string CrashCause(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var type = ExceptionType().Match(output);
        var frame = OurFrame().Match(output);
        return (type.Success ? type.Groups[1].Value : "no exception named")
            + (frame.Success ? " at " + frame.Groups[1].Value : string.Empty);
    }

    private static HashSet<string> LoadResourceKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        Assembly[] assemblies =
        [
            typeof(object).Assembly, typeof(System.Xml.XmlReader).Assembly, typeof(System.Xml.Linq.XDocument).Assembly,
            typeof(System.Text.Json.JsonDocument).Assembly, typeof(HttpClient).Assembly, typeof(Regex).Assembly,
            typeof(Enumerable).Assembly, typeof(Uri).Assembly, typeof(System.Collections.Generic.LinkedList<>).Assembly,
        ];
        foreach (var assembly in assemblies)
        {
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".resources", StringComparison.Ordinal)))
            {
                using var stream = assembly.GetManifestResourceStream(name);
                if (stream is null)
                {
                    continue;
                }

                using var reader = new ResourceReader(stream);
                foreach (DictionaryEntry entry in reader)
                {
                    var key = (string)entry.Key;

                    // Keys that could be ordinary words are left out: a resource key has an underscore or several humps.
                    if (key.Contains('_', StringComparison.Ordinal) || key.Count(char.IsUpper) >= 3)
                    {
                        keys.Add(key);
                    }
                }
            }
        }

        return keys;
    }

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Word();

    // Xml_UnexpectedEOF, Arg_ParamName_Name, net_http_content_stream_copy_error, InvalidOperation_…
    [GeneratedRegex(@"^(?:Xml|Xp|Xslt|Sch|Arg|Argument|InvalidOperation|NotSupported|IO|Json|Format|Overflow|ObjectDisposed|Collection|Regex|Http|Serialization)_[A-Z]\w*$|^net_[a-z_]+$")]
    private static partial Regex KeyShape();

    // file(3,5) / file(3) / line=3 / linenumber=3 / columnnumber=5 / col=5 / "line 3, column 5"
    [GeneratedRegex(@"\((-?\d+)(?:,(-?\d+))?\):|\bline=(-?\d+)|linenumber=(-?\d+)|columnnumber=(-?\d+)|\bcol=(-?\d+)|\bline (-?\d+)(?:, column (-?\d+))?")]
    private static partial Regex Position();

    [GeneratedRegex(@"((?:System|YamlDotNet|Pipelines)[\w.]*Exception)\b")]
    private static partial Regex ExceptionType();

    [GeneratedRegex(@"\bat (Pipelines\.[\w.`<>|]+)")]
    private static partial Regex OurFrame();
}

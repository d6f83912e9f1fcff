using System.Security.Cryptography;
using System.Text;
using Pipelines.Core.Errors;

namespace Pipelines.Cli.Hosting;

/// <summary>
/// GitHub Actions: outputs appended to <c>$GITHUB_OUTPUT</c> as heredocs with a random delimiter, markdown to
/// <c>$GITHUB_STEP_SUMMARY</c>, and workflow commands (<c>::warning …::</c>) on the log.
/// </summary>
public sealed class GitHubActionsHost : ICiHost
{
    /// <summary>GitHub refuses a step summary over 1 MiB; we stop a little short and say so.</summary>
    public const int SummaryLimitBytes = 1024 * 1024;

    private readonly GitHubActions _environment;
    private readonly TextWriter _log;
    private int _summaryBytes;

    public GitHubActionsHost(GitHubActions environment, TextWriter log)
    {
        _environment = environment;
        _log = log;
    }

    public string Name => "GitHub Actions";

    public void SetOutputs(IReadOnlyList<KeyValuePair<string, string>> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var path = _environment.OutputFile;
        if (path is null)
        {
            return; // an old runner or a local run with GITHUB_ACTIONS set: the readable output still has them
        }

        var text = new StringBuilder();
        foreach (var (name, value) in outputs)
        {
            text.Append(FormatOutput(name, value));
        }

        File.AppendAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    /// <summary>One <c>name&lt;&lt;delimiter</c> heredoc; a value holding the delimiter is refused rather than cut.</summary>
    public static string FormatOutput(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var delimiter = "ghadelimiter_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        if (name.Contains(delimiter, StringComparison.Ordinal) || value.Contains(delimiter, StringComparison.Ordinal))
        {
            throw new InputException($"output '{name}' contains the output delimiter; refusing to write it");
        }

        return $"{name}<<{delimiter}\n{value}\n{delimiter}\n";
    }

    public void AppendSummary(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var path = _environment.SummaryFile;
        if (path is null)
        {
            return;
        }

        var text = markdown.EndsWith('\n') ? markdown : markdown + "\n";
        var bytes = Encoding.UTF8.GetByteCount(text);
        const string note = "\n> The summary was cut here: GitHub allows 1 MiB per step. Run with `--json` for the full report.\n";
        var room = SummaryLimitBytes - _summaryBytes - Encoding.UTF8.GetByteCount(note);
        if (bytes > room)
        {
            text = CutAtLine(text, Math.Max(0, room)) + note;
            bytes = Encoding.UTF8.GetByteCount(text);
        }

        File.AppendAllText(path, text, new UTF8Encoding(false));
        _summaryBytes += bytes;
    }

    public void Annotate(Annotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        var command = annotation.Level switch
        {
            AnnotationLevel.Error => "error",
            AnnotationLevel.Warning => "warning",
            _ => "notice",
        };
        var properties = new List<string>();
        if (annotation.File is not null)
        {
            properties.Add("file=" + EscapeProperty(annotation.File));
        }

        if (annotation.Line is { } line)
        {
            properties.Add("line=" + line);
            if (annotation.Column is { } column)
            {
                properties.Add("col=" + column);
            }
        }

        if (annotation.Title is not null)
        {
            properties.Add("title=" + EscapeProperty(annotation.Title));
        }

        var props = properties.Count == 0 ? string.Empty : " " + string.Join(',', properties);
        _log.WriteLine($"::{command}{props}::{EscapeData(annotation.Message)}");
    }

    public void Mask(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        foreach (var line in secret.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length > 0)
            {
                _log.WriteLine("::add-mask::" + EscapeData(trimmed));
            }
        }
    }

    public void BeginGroup(string title) => _log.WriteLine("::group::" + EscapeData(UntrustedText.ForLine(title)));

    public void EndGroup() => _log.WriteLine("::endgroup::");

    public void SetProgress(int percent, string text) => _log.WriteLine($"{percent,3}% {UntrustedText.ForLine(text)}");

    public void WriteReport(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // The runner ignores every command between these two lines; the token is unguessable.
        var token = "pipelines-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        _log.WriteLine("::stop-commands::" + token);
        _log.Write(UntrustedText.BreakCommands(text));
        if (!text.EndsWith('\n'))
        {
            _log.WriteLine();
        }

        _log.WriteLine("::" + token + "::");
    }

    /// <summary>Escapes a workflow command's message, as the runner's toolkit does.</summary>
    public static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Escapes a workflow command's property value (<c>file=</c>, <c>title=</c>).</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value)
            .Replace(":", "%3A", StringComparison.Ordinal)
            .Replace(",", "%2C", StringComparison.Ordinal);

    private static string CutAtLine(string text, int maxBytes)
    {
        var cut = text;
        while (Encoding.UTF8.GetByteCount(cut) > maxBytes)
        {
            var newline = cut.LastIndexOf('\n', Math.Max(0, Math.Min(cut.Length - 2, maxBytes)));
            cut = newline <= 0 ? string.Empty : cut[..(newline + 1)];
        }

        return cut;
    }
}

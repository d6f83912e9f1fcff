namespace Pipelines.Cli.Hosting;

/// <summary>A developer's terminal: outputs, annotations and groups as plain readable lines; no summary file.</summary>
public sealed class LocalHost : ICiHost
{
    private readonly TextWriter _log;

    public LocalHost(TextWriter log) => _log = log;

    public string Name => "local";

    public void SetOutputs(IReadOnlyList<KeyValuePair<string, string>> outputs)
    {
        // The readable report already shows every output; nothing else receives them locally.
    }

    public void AppendSummary(string markdown)
    {
        // The readable report is the local summary.
    }

    public void Annotate(Annotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        var level = annotation.Level.ToString().ToLowerInvariant();
        var place = annotation.File is null ? string.Empty
            : annotation.Line is { } line && annotation.Column is { } column ? $"{UntrustedText.ForLine(annotation.File)}({line},{column}): "
            : annotation.Line is { } line1 ? $"{UntrustedText.ForLine(annotation.File)}({line1}): "
            : UntrustedText.ForLine(annotation.File) + ": ";
        _log.WriteLine($"{level}: {place}{UntrustedText.ForLine(annotation.Message)}");
    }

    public void Mask(string secret)
    {
        // Nothing to tell a terminal; the redactor keeps secrets out of what we print.
    }

    public void BeginGroup(string title) => _log.WriteLine("── " + UntrustedText.ForLine(title));

    public void EndGroup()
    {
    }

    public void SetProgress(int percent, string text) => _log.WriteLine($"{percent,3}% {UntrustedText.ForLine(text)}");

    public void WriteReport(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _log.Write(UntrustedText.BreakCommands(text));
        if (!text.EndsWith('\n'))
        {
            _log.WriteLine();
        }
    }
}

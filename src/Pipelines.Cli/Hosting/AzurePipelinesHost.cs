using System.Globalization;
using System.Text;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Hosting;

/// <summary>
/// Azure Pipelines: <c>##vso[…]</c> logging commands on the log. Output variables cannot contain '-', so a
/// kebab-case output (<c>run-all</c>) is published under its camelCase name (<c>runAll</c>): see <see cref="NameMapping"/>.
/// </summary>
public sealed class AzurePipelinesHost : ICiHost
{
    private readonly AzurePipelines _environment;
    private readonly TextWriter _log;
    private readonly string _summaryName;

    public AzurePipelinesHost(AzurePipelines environment, TextWriter log, string commandName)
    {
        _environment = environment;
        _log = log;
        _summaryName = commandName;
    }

    public string Name => "Azure Pipelines";

    public void SetOutputs(IReadOnlyList<KeyValuePair<string, string>> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var (name, value) in outputs)
        {
            _log.WriteLine($"##vso[task.setvariable variable={EscapeProperty(NameMapping.ToAzure(name))};isOutput=true]{EscapeData(value)}");
        }
    }

    public void AppendSummary(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var folder = _environment.TempDirectory ?? Path.GetTempPath();
        var path = Path.Combine(folder, $"pipelines-{_summaryName}-{Guid.NewGuid():N}.md");
        File.WriteAllText(path, markdown, new UTF8Encoding(false));
        _log.WriteLine("##vso[task.uploadsummary]" + EscapeData(path));
    }

    public void Annotate(Annotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        var type = annotation.Level == AnnotationLevel.Error ? "error" : "warning";
        var properties = new StringBuilder("type=").Append(type).Append(';');
        if (annotation.File is not null)
        {
            properties.Append("sourcepath=").Append(EscapeProperty(annotation.File)).Append(';');
        }

        if (annotation.Line is { } line)
        {
            properties.Append("linenumber=").Append(line.ToString(CultureInfo.InvariantCulture)).Append(';');
            if (annotation.Column is { } column)
            {
                properties.Append("columnnumber=").Append(column.ToString(CultureInfo.InvariantCulture)).Append(';');
            }
        }

        var message = annotation.Title is null ? annotation.Message : annotation.Title + ": " + annotation.Message;
        _log.WriteLine($"##vso[task.logissue {properties}]{EscapeData(message)}");
    }

    public void Mask(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _log.WriteLine("##vso[task.setsecret]" + EscapeData(secret));
    }

    public void BeginGroup(string title) => _log.WriteLine("##[group]" + UntrustedText.ForLine(title));

    public void EndGroup() => _log.WriteLine("##[endgroup]");

    public void SetProgress(int percent, string text) =>
        _log.WriteLine($"##vso[task.setprogress value={Math.Clamp(percent, 0, 100)};]{EscapeData(UntrustedText.ForLine(text))}");

    public void WriteReport(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _log.Write(UntrustedText.BreakCommands(text));
        if (!text.EndsWith('\n'))
        {
            _log.WriteLine();
        }
    }

    /// <summary>Escapes a logging command's message, as azure-pipelines-task-lib does.</summary>
    public static string EscapeData(string value) =>
        value.Replace("%", "%AZP25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Escapes a logging command's property value.</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value)
            .Replace("]", "%5D", StringComparison.Ordinal)
            .Replace(";", "%3B", StringComparison.Ordinal);
}

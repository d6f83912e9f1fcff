namespace Pipelines.Cli.Hosting;

/// <summary>
/// The CI system the command runs under — GitHub Actions, Azure Pipelines, or a local terminal — and the way it
/// takes outputs, summaries, annotations, masks and groups. Commands talk only to this, never to a host's syntax.
/// </summary>
public interface ICiHost
{
    /// <summary>A short name for messages: "GitHub Actions", "Azure Pipelines", "local".</summary>
    string Name { get; }

    /// <summary>Publishes the command's named outputs to the host in one write, after the command succeeded.</summary>
    void SetOutputs(IReadOnlyList<KeyValuePair<string, string>> outputs);

    /// <summary>Adds markdown to the run's summary page.</summary>
    void AppendSummary(string markdown);

    void Annotate(Annotation annotation);

    /// <summary>Asks the host to hide <paramref name="secret"/> in every log line from now on.</summary>
    void Mask(string secret);

    void BeginGroup(string title);

    void EndGroup();

    /// <summary>Reports progress of long work (0–100), where the host shows it.</summary>
    void SetProgress(int percent, string text);

    /// <summary>
    /// Writes a block of human-readable text that may contain text from users (commit messages, file and test
    /// names), so that none of it can be taken as a host command.
    /// </summary>
    void WriteReport(string text);
}

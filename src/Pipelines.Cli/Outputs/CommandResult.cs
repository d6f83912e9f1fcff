using System.Text.Json.Serialization.Metadata;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Outputs;

/// <summary>
/// What a command produced, before anything is written: named outputs, the readable report, the markdown summary,
/// annotations and the JSON document. <see cref="CommandSession.Publish"/> writes it all in one place, only after
/// the command finished, so a failing command writes no outputs.
/// </summary>
public sealed class CommandResult
{
    private readonly List<KeyValuePair<string, string>> _outputs = [];

    public CommandResult(int exitCode) => ExitCode = exitCode;

    public int ExitCode { get; }

    /// <summary>Named outputs in kebab case, in the order they are shown.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Outputs => _outputs;

    public string Report { get; set; } = string.Empty;

    public string Summary { get; set; } = string.Empty;

    public List<Annotation> Annotations { get; } = [];

    /// <summary>
    /// Writes the <c>--json</c> document; run only under <c>--json</c>, because creating serializer metadata costs
    /// start-up time that every matrix job would pay.
    /// </summary>
    public Func<string>? Json { get; private set; }

    /// <summary>Sets the <c>--json</c> document and its source-generated metadata.</summary>
    public CommandResult WithJson<T>(T value, Func<PipelinesJsonContext, JsonTypeInfo<T>> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        Json = () => System.Text.Json.JsonSerializer.Serialize(value, typeInfo(PipelinesJsonContext.Relaxed));
        return this;
    }

    public CommandResult Output(string name, string value)
    {
        _outputs.Add(new(name, value));
        return this;
    }

    public CommandResult Output(string name, bool value) => Output(name, value ? "true" : "false");

    public CommandResult Output(string name, IEnumerable<string> values) => Output(name, string.Join(',', values));
}

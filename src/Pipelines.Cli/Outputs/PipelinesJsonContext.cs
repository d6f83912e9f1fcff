using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipelines.Adapters.Formats;
using Pipelines.Cli.Commands.MetricsGate;
using Pipelines.Cli.Commands.PlanTests;
using Pipelines.Cli.Commands.RevertOnRed;
using Pipelines.Cli.Commands.RunTests;
using Pipelines.Cli.Commands.SelectTests;

namespace Pipelines.Cli.Outputs;

/// <summary>Source-generated JSON for every command's <c>--json</c> document: no reflection at start-up.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SelectTestsJson))]
[JsonSerializable(typeof(PlanJson))]
[JsonSerializable(typeof(SelectTestsAuditJson))]
[JsonSerializable(typeof(RunTestsJson))]
[JsonSerializable(typeof(RevertOnRedJson))]
[JsonSerializable(typeof(MetricsGateJson))]
[JsonSerializable(typeof(WatchJson))]
[JsonSerializable(typeof(PlanBakeJson))]
[JsonSerializable(typeof(Commands.Canary.CanaryJson))]
[JsonSerializable(typeof(Commands.Release.ReleaseJson))]
[JsonSerializable(typeof(Commands.RecordImpact.RecordImpactJson))]
public sealed partial class PipelinesJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context for our documents: written to a terminal or a file, never into HTML, so quotes and non-ASCII
    /// names stay readable instead of becoming \u escapes.
    /// </summary>
    public static PipelinesJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Azure;

/// <summary>A Log Analytics result table: column names and rows of JSON values.</summary>
/// <param name="PartialError">The service answered 200 with an error: the rows are incomplete.</param>
public sealed record LogsTable(IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows, string? PartialError);

/// <summary>One metric of an Azure Monitor metrics answer: its data points per time series, or why there are none.</summary>
public sealed record MetricSeries(string Name, IReadOnlyList<IReadOnlyList<(DateTimeOffset Time, double? Value)>> TimeSeries, string? Error);

/// <summary>
/// The two Azure Monitor reads the gate makes, over Azure.Core's pipeline: a KQL query of a Log Analytics workspace
/// (Application Insights' requests, dependencies, exceptions, customEvents, customMetrics) and a platform metrics
/// read of a resource (an App Service slot's Http5xx, Requests, AverageResponseTime).
/// </summary>
public sealed class AzureMonitorClient(HttpPipeline logs, HttpPipeline management, Uri? logsEndpoint = null, Uri? managementEndpoint = null)
{
    public const string SystemName = "Azure Monitor";
    public const string LogsScope = "https://api.loganalytics.io/.default";
    public const string ManagementScope = "https://management.azure.com/.default";
    public const string MetricsApiVersion = "2023-10-01";

    private readonly Uri _logs = logsEndpoint ?? new Uri("https://api.loganalytics.io/");
    private readonly Uri _management = managementEndpoint ?? new Uri("https://management.azure.com/");

    /// <summary>Runs a KQL query over <paramref name="timespan"/> (ISO 8601 start/end) and answers its primary table.</summary>
    public async Task<LogsTable> QueryLogsAsync(string workspaceId, string query, string timespan, CancellationToken cancellation)
    {
        using var message = logs.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(new Uri(_logs, $"v1/workspaces/{Uri.EscapeDataString(workspaceId)}/query"));
        message.Request.Headers.SetValue("Content-Type", "application/json");
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("query", query);
            writer.WriteString("timespan", timespan);
            writer.WriteEndObject();
        }

        message.Request.Content = RequestContent.Create(body.ToArray());
        using var document = await SendAsync(logs, message, "run the Log Analytics query", cancellation).ConfigureAwait(false);
        var root = document.RootElement;
        string? partial = null;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var code = error.TryGetProperty("code", out var c) ? c.GetString() : "error";
            partial = $"{code}: {(error.TryGetProperty("message", out var m) ? m.GetString() : "no message")}";
        }

        var tables = root.GetProperty("tables");
        if (tables.GetArrayLength() == 0)
        {
            return new LogsTable([], [], partial ?? "no table in the answer");
        }

        var table = tables[0];
        var columns = table.GetProperty("columns").EnumerateArray().Select(col => col.GetProperty("name").GetString()!).ToList();
        var rows = table.GetProperty("rows").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.Clone()).ToArray()).ToList();
        return new LogsTable(columns, rows, partial);
    }

    /// <summary>Reads platform metrics of a resource over <paramref name="timespan"/> at <paramref name="interval"/> with one aggregation.</summary>
    public async Task<IReadOnlyList<MetricSeries>> QueryMetricsAsync(
        string resourceUri, IReadOnlyList<string> metricNames, string timespan, TimeSpan interval, string aggregation, string? filter, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(resourceUri);
        ArgumentNullException.ThrowIfNull(metricNames);
        var query = new StringBuilder()
            .Append("api-version=").Append(MetricsApiVersion)
            .Append("&metricnames=").Append(Uri.EscapeDataString(string.Join(',', metricNames)))
            .Append("&timespan=").Append(Uri.EscapeDataString(timespan))
            .Append("&interval=").Append(System.Xml.XmlConvert.ToString(interval))
            .Append("&aggregation=").Append(aggregation);
        if (filter is not null)
        {
            query.Append("&$filter=").Append(Uri.EscapeDataString(filter));
        }

        using var message = management.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(_management, resourceUri.TrimStart('/') + "/providers/Microsoft.Insights/metrics?" + query));
        using var document = await SendAsync(management, message, "read the metrics", cancellation).ConfigureAwait(false);
        var result = new List<MetricSeries>();
        foreach (var metric in document.RootElement.GetProperty("value").EnumerateArray())
        {
            var name = metric.GetProperty("name").GetProperty("value").GetString()!;
            var errorCode = metric.TryGetProperty("errorCode", out var code) ? code.GetString() : null;
            var errorText = errorCode is null or "Success"
                ? null
                : $"{errorCode}: {(metric.TryGetProperty("errorMessage", out var m) ? m.GetString() : "no message")}";
            var series = metric.GetProperty("timeseries").EnumerateArray().Select(ts => (IReadOnlyList<(DateTimeOffset, double?)>)
            [
                .. ts.GetProperty("data").EnumerateArray().Select(point => (
                    point.GetProperty("timeStamp").GetDateTimeOffset(),
                    point.TryGetProperty(aggregation, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : (double?)null)),
            ]).ToList();
            result.Add(new MetricSeries(name, series, errorText));
        }

        return result;
    }

    private static async Task<JsonDocument> SendAsync(HttpPipeline pipeline, HttpMessage message, string what, CancellationToken cancellation)
    {
        try
        {
            await pipeline.SendWithinBudgetAsync(message, SystemName, what, cancellation).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: {ex.Message}", ex);
        }
        catch (global::Azure.Identity.AuthenticationFailedException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: no Azure credential ({ex.Message.Split('\n')[0]}); sign in with azure/login or AzureCLI@2, or set AZURE_CLIENT_ID/AZURE_TENANT_ID with a federated token", ex);
        }

        var response = message.Response;
        if (response.Status is < 200 or >= 300)
        {
            var text = response.Content.ToString();
            var detail = text.Length > 300 ? text[..300] : text;
            throw new OutsideSystemException(SystemName, $"could not {what}: {response.Status} {response.ReasonPhrase} {detail}".TrimEnd());
        }

        try
        {
            return JsonDocument.Parse(response.Content.ToMemory());
        }
        catch (JsonException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: the answer is not JSON ({ex.Message})", ex);
        }
    }

    /// <summary>An ISO 8601 interval, as both APIs take it.</summary>
    public static string Timespan(DateTimeOffset start, DateTimeOffset end) =>
        start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "/" + end.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text.Json;
using Pipelines.Adapters.Azure;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Adapters.Metrics;

/// <summary>
/// Measures canary and baseline with Azure Monitor. A query is either KQL for the Log Analytics workspace behind
/// Application Insights, or <c>metrics:Name</c> / <c>metrics:Events / Trials</c> for a resource's platform metrics.
/// <list type="bullet">
/// <item>KQL: <c>{selector}</c> becomes a predicate from the side's keys (<c>application_Version == "2.4.1"</c>;
/// <c>customDimensions.slot</c> reads a custom dimension), <c>{interval}</c>/<c>{window}</c> the gate's durations.
/// Continuous metrics read the <c>value</c> column (one row per interval); ratio and count metrics the <c>events</c> and
/// <c>trials</c> columns, summed (a count without trials is per second of window).</item>
/// <item>metrics: the side's <c>resource</c> (an App Service slot's resource id) and optional <c>filter</c>;
/// continuous metrics take the average per interval, ratio and count the totals over the window.</item>
/// </list>
/// Split canary from baseline by application version or a custom dimension, not by slot role name: that goes stale
/// after a swap. A partial answer (200 with a PartialError), an error on the metric, a service that keeps failing or
/// throttling, or an empty table makes the metric incomplete: inconclusive, never a pass.
/// </summary>
public sealed class AzureMonitorMetricsSource(
    AzureMonitorClient client, string? workspace, IReadOnlyDictionary<string, string> canary, IReadOnlyDictionary<string, string> baseline,
    TimeSpan interval, TimeSpan window, TimeProvider? time = null) : IMetricsSource
{
    public const string MetricsPrefix = "metrics:";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Name => "azure-monitor";

    public async Task<IReadOnlyList<MetricObservation>> FetchAsync(IReadOnlyList<MetricQuery> metrics, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var end = _time.GetUtcNow();
        var timespan = AzureMonitorClient.Timespan(end - window, end);
        return await ProviderQueries.MeasureEachAsync(metrics, "azure-monitor", "KQL, or metrics:Name", async (metric, query) =>
        {
            var c = await SideAsync(metric, query, canary, "canary", timespan, cancellation).ConfigureAwait(false);
            var b = await SideAsync(metric, query, baseline, "baseline", timespan, cancellation).ConfigureAwait(false);
            return metric.Kind == MetricKind.Continuous
                ? new MetricObservation(metric.Name, c.Samples, b.Samples, Complete: c.Complete && b.Complete)
                : MetricObservation.Events(metric.Name, (long)Math.Round(c.Events), c.Trials, (long)Math.Round(b.Events), b.Trials) with { Complete = c.Complete && b.Complete };
        }).ConfigureAwait(false);
    }

    /// <summary>The KQL with one side's predicate and the gate's durations put in.</summary>
    public string Expand(string template, IReadOnlyDictionary<string, string> side)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(side);
        var predicate = string.Join(" and ", side.Where(p => p.Key is not ("resource" or "filter")).Select(p => $"{Column(p.Key)} == {Literal(p.Value)}"));
        return ProviderQueries.Fill(template, predicate.Length == 0 ? "true" : predicate, interval, window, side);
    }

    private sealed record Side(List<double> Samples, double Events, double Trials, bool Complete);

    private async Task<Side> SideAsync(MetricQuery metric, string query, IReadOnlyDictionary<string, string> side, string sideName, string timespan, CancellationToken cancellation)
    {
        if (query.StartsWith(MetricsPrefix, StringComparison.Ordinal))
        {
            return await PlatformAsync(metric, query[MetricsPrefix.Length..], side, sideName, timespan, cancellation).ConfigureAwait(false);
        }

        var id = workspace ?? throw new InputException("gate.endpoint: the azure-monitor provider needs the Log Analytics workspace id for KQL queries");
        var table = await client.QueryLogsAsync(id, Expand(query, side), timespan, cancellation).ConfigureAwait(false);
        var complete = table.PartialError is null && table.Rows.Count > 0;
        if (metric.Kind == MetricKind.Continuous)
        {
            var column = IndexOf(table, "value") ?? LastNumeric(table)
                ?? throw new InputException($"gate.metrics: '{metric.Name}': the query must return a 'value' column (one row per interval)");
            var samples = table.Rows.Select(r => Number(r[column])).Where(v => v is not null).Select(v => v!.Value).ToList();
            return new Side(samples, 0, 0, complete && samples.Count > 0);
        }

        var events = IndexOf(table, "events")
            ?? (table.Rows.Count == 0 ? null : throw new InputException($"gate.metrics: '{metric.Name}': the query must return an 'events' column (and 'trials' for a ratio)"));
        var trials = IndexOf(table, "trials") ?? IndexOf(table, "exposure");
        if (metric.Kind == MetricKind.Ratio && trials is null && table.Rows.Count > 0)
        {
            throw new InputException($"gate.metrics: '{metric.Name}': a ratio query must return 'events' and 'trials' columns");
        }

        var eventSum = events is { } e ? table.Rows.Sum(r => Number(r[e]) ?? 0) : 0;
        var trialSum = trials is { } t ? table.Rows.Sum(r => Number(r[t]) ?? 0) : window.TotalSeconds;
        return new Side([], eventSum, trialSum, complete);
    }

    private async Task<Side> PlatformAsync(MetricQuery metric, string names, IReadOnlyDictionary<string, string> side, string sideName, string timespan, CancellationToken cancellation)
    {
        var resource = side.GetValueOrDefault("resource")
            ?? throw new InputException($"gate.{sideName}.resource: '{metric.Name}' reads platform metrics, so each side needs its resource id (an App Service slot)");
        var parts = names.Split('/', 2, StringSplitOptions.TrimEntries);
        var aggregation = metric.Kind == MetricKind.Continuous ? "average" : "total";
        var series = await client.QueryMetricsAsync(resource, parts, timespan, interval, aggregation, side.GetValueOrDefault("filter"), cancellation).ConfigureAwait(false);
        var byName = series.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        var complete = parts.All(p => byName.TryGetValue(p, out var s) && s.Error is null && s.TimeSeries.Count > 0);
        List<double> Values(string name) => byName.TryGetValue(name, out var s)
            ? [.. s.TimeSeries.SelectMany(ts => ts).Where(p => p.Value is not null).Select(p => p.Value!.Value)]
            : [];

        if (metric.Kind == MetricKind.Continuous)
        {
            var samples = Values(parts[0]);
            return new Side(samples, 0, 0, complete && samples.Count > 0);
        }

        return new Side([], Values(parts[0]).Sum(), parts.Length > 1 ? Values(parts[1]).Sum() : window.TotalSeconds, complete);
    }

    private static int? IndexOf(LogsTable table, string name)
    {
        var index = table.Columns.ToList().FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : index;
    }

    private static int? LastNumeric(LogsTable table)
    {
        if (table.Rows.Count == 0)
        {
            return null;
        }

        for (var i = table.Columns.Count - 1; i >= 0; i--)
        {
            if (table.Rows[0][i].ValueKind == JsonValueKind.Number)
            {
                return i;
            }
        }

        return null;
    }

    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static string Column(string key) =>
        key.StartsWith("customDimensions.", StringComparison.Ordinal)
            ? $"tostring(customDimensions[{Literal(key["customDimensions.".Length..])}])"
            : key;

    private static string Literal(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

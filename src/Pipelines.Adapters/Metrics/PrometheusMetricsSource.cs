using System.Globalization;
using System.Net;
using System.Text.Json;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Adapters.Metrics;

/// <summary>
/// Measures canary and baseline with a Prometheus server's HTTP API. The query is a PromQL template: <c>{selector}</c>
/// becomes the side's label matchers (<c>version="v2"</c>), <c>{name}</c> one of them by name, and <c>{interval}</c>
/// and <c>{window}</c> the gate's durations.
/// <list type="bullet">
/// <item>continuous: a range query over the window at the interval's step; every value of every series is a sample;</item>
/// <item>ratio and count: "events / trials" (count: "events", or "events / exposure"), each a counter whose increase
/// over the window is read with one instant query — a count with no exposure is per second of window.</item>
/// </list>
/// A warning in the answer (Prometheus' partial responses), a failed query after retries, or no series at all makes
/// the metric incomplete: inconclusive, never a pass.
/// </summary>
public sealed class PrometheusMetricsSource(
    HttpClient http, Uri server, IReadOnlyDictionary<string, string> canary, IReadOnlyDictionary<string, string> baseline,
    TimeSpan interval, TimeSpan window, TimeProvider? time = null, HttpRetryOptions? retry = null) : IMetricsSource
{
    public const string SystemName = "Prometheus";

    private readonly RetryingHttpClient _http = new(http, SystemName, retry);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Name => "prometheus";

    public async Task<IReadOnlyList<MetricObservation>> FetchAsync(IReadOnlyList<MetricQuery> metrics, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var end = _time.GetUtcNow();
        return await ProviderQueries.MeasureEachAsync(metrics, "prometheus", "PromQL", (metric, template) => metric.Kind == MetricKind.Continuous
            ? ContinuousAsync(metric.Name, template, end, cancellation)
            : EventsAsync(metric, template, end, cancellation)).ConfigureAwait(false);
    }

    /// <summary>The query with one side's selectors and the gate's durations put in.</summary>
    public string Expand(string template, IReadOnlyDictionary<string, string> side)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(side);
        var matchers = string.Join(", ", side.Where(p => p.Key != "targets").Select(p => $"{p.Key}=\"{p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\""));
        return ProviderQueries.Fill(template, matchers, interval, window, side);
    }

    private async Task<MetricObservation> ContinuousAsync(string name, string template, DateTimeOffset end, CancellationToken cancellation)
    {
        var (canarySamples, canaryComplete) = await RangeAsync(name, Expand(template, canary), end, cancellation).ConfigureAwait(false);
        var (baselineSamples, baselineComplete) = await RangeAsync(name, Expand(template, baseline), end, cancellation).ConfigureAwait(false);
        return new MetricObservation(name, canarySamples, baselineSamples, Complete: canaryComplete && baselineComplete && canarySamples.Count > 0 && baselineSamples.Count > 0);
    }

    private async Task<MetricObservation> EventsAsync(MetricQuery metric, string template, DateTimeOffset end, CancellationToken cancellation)
    {
        var parts = template.Split(" / ", 2, StringSplitOptions.TrimEntries);
        async Task<(double Events, double Trials, bool Complete)> Side(IReadOnlyDictionary<string, string> side)
        {
            var (events, eventsComplete) = await IncreaseAsync(metric.Name, Expand(parts[0], side), end, cancellation).ConfigureAwait(false);
            if (parts.Length == 1)
            {
                return (events, window.TotalSeconds, eventsComplete);
            }

            var (trials, trialsComplete) = await IncreaseAsync(metric.Name, Expand(parts[1], side), end, cancellation).ConfigureAwait(false);
            return (events, trials, eventsComplete && trialsComplete);
        }

        var c = await Side(canary).ConfigureAwait(false);
        var b = await Side(baseline).ConfigureAwait(false);
        return MetricObservation.Events(metric.Name, (long)Math.Round(c.Events), c.Trials, (long)Math.Round(b.Events), b.Trials) with
        {
            Complete = c.Complete && b.Complete,
        };
    }

    /// <summary>A counter's increase over the window, summed over every series the selector matches.</summary>
    private async Task<(double Value, bool Complete)> IncreaseAsync(string name, string counter, DateTimeOffset end, CancellationToken cancellation)
    {
        var query = $"sum(increase(({counter})[{ProviderQueries.Seconds(window)}:{ProviderQueries.Seconds(interval)}]))";
        using var document = await QueryAsync(name, "query", [("query", query), ("time", Seconds(end))], cancellation).ConfigureAwait(false);
        return Shaped(name, "query", () =>
        {
            var (result, complete) = Result(document);
            var series = result.EnumerateArray().ToList();
            return series.Count == 0 ? (0, false) : (Number(series[0].GetProperty("value")[1]), complete);
        });
    }

    private async Task<(List<double> Samples, bool Complete)> RangeAsync(string name, string query, DateTimeOffset end, CancellationToken cancellation)
    {
        using var document = await QueryAsync(name, "query_range",
            [("query", query), ("start", Seconds(end - window)), ("end", Seconds(end)), ("step", ProviderQueries.Seconds(interval))], cancellation).ConfigureAwait(false);
        return Shaped(name, "query_range", () =>
        {
            var (result, complete) = Result(document);
            var samples = new List<double>();
            foreach (var series in result.EnumerateArray())
            {
                samples.AddRange(series.GetProperty("values").EnumerateArray().Select(v => Number(v[1])).Where(double.IsFinite));
            }

            return (samples, complete);
        });
    }

    /// <summary>
    /// Reads an answer of the documented shape; any other shape (a missing <c>data.result</c>, a value that is not a
    /// number) is Prometheus' failure — the metric is incomplete — never a crash.
    /// </summary>
    private static T Shaped<T>(string name, string endpoint, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            throw new OutsideSystemException(SystemName, $"{endpoint} for '{name}' answered 200 with JSON that is not the shape Prometheus documents", ex);
        }
    }

    private async Task<JsonDocument> QueryAsync(string name, string endpoint, (string Name, string Value)[] parameters, CancellationToken cancellation)
    {
        var uri = new Uri(server, "api/v1/" + endpoint);
        using var response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent(parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))),
        }, cancellation).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new OutsideSystemException(SystemName, $"{endpoint} for '{name}' answered {(int)response.StatusCode} with something that is not Prometheus' JSON", ex);
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || Files.JsonInput.BrokenString(root) is not null)
        {
            document.Dispose();
            throw new OutsideSystemException(SystemName, $"{endpoint} for '{name}' answered {(int)response.StatusCode} with JSON that is not the shape Prometheus documents");
        }

        if (root.TryGetProperty("status", out var status) && Files.JsonInput.TextOrNull(status) == "success")
        {
            return document;
        }

        var errorType = root.TryGetProperty("errorType", out var type) ? Files.JsonInput.TextOrNull(type) : null;
        var error = root.TryGetProperty("error", out var message) ? Files.JsonInput.TextOrNull(message) : response.ReasonPhrase;
        document.Dispose();
        if (response.StatusCode == HttpStatusCode.BadRequest && errorType == "bad_data")
        {
            throw new InputException($"gate.metrics: '{name}': Prometheus rejects the query: {error}");
        }

        throw new OutsideSystemException(SystemName, $"{endpoint} for '{name}' failed: {(int)response.StatusCode} {errorType} {error}");
    }

    /// <summary>The result array, and whether the answer is whole (Prometheus warns when it is partial).</summary>
    private static (JsonElement Result, bool Complete) Result(JsonDocument document)
    {
        var root = document.RootElement;
        var complete = !root.TryGetProperty("warnings", out var warnings) || warnings.GetArrayLength() == 0;
        return (root.GetProperty("data").GetProperty("result"), complete);
    }

    private static double Number(JsonElement value) => (Files.JsonInput.TextOrNull(value) ?? throw new FormatException("not a string")) switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var text => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

}

using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Adapters.Metrics;

/// <summary>
/// Measures canary and baseline by reading the instances' own <c>/metrics</c> every interval for the window — the
/// embedded default, with no Prometheus server. A query is a selector (<c>latency_p95_seconds</c>: a gauge, one
/// sample per interval) or a quotient of two (<c>errors_total / requests_total</c>: counters, compared by their
/// increase over each interval and over the window). Counter resets are handled per instance. Each scrape goes
/// through the retry policy on the scrape budget (<see cref="HttpRetryOptions.Scrape"/>), so an instance that turns a
/// scrape away with 503 and Retry-After is asked again, and one that keeps failing is counted missing. Each side may
/// also add label matchers to every selector (<paramref name="canaryMatch"/>, <paramref name="baselineMatch"/>): the
/// same instances split by a label such as a feature flag's <c>cohort="on"</c> against <c>cohort="off"</c>.
/// </summary>
public sealed class ScrapeMetricsSource(
    HttpClient http, IReadOnlyList<Uri> canary, IReadOnlyList<Uri> baseline, TimeSpan interval, TimeSpan window, TimeProvider? time = null,
    HttpRetryOptions? retry = null,
    IReadOnlyList<(string Label, string Operator, string Value)>? canaryMatch = null,
    IReadOnlyList<(string Label, string Operator, string Value)>? baselineMatch = null) : IMetricsSource
{
    public const string SystemName = "metrics scrape";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly RetryingHttpClient _http = new(http, SystemName, Stretch(retry ?? HttpRetryOptions.Scrape, interval), time);

    public string Name => "scrape";

    public bool MeasuresWhileAsked => true;

    public async Task<IReadOnlyList<MetricObservation>> FetchAsync(IReadOnlyList<MetricQuery> metrics, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var queries = metrics.Select(m => (Metric: m, Parts: Parse(m))).ToList();
        var rounds = Math.Max(2, (int)Math.Round(window / interval) + 1);
        var canaryScrapes = new List<IReadOnlyList<IReadOnlyList<PrometheusSample>?>>();
        var baselineScrapes = new List<IReadOnlyList<IReadOnlyList<PrometheusSample>?>>();
        for (var round = 0; round < rounds; round++)
        {
            if (round > 0)
            {
                await Task.Delay(interval, _time, cancellation).ConfigureAwait(false);
            }

            var both = await Task.WhenAll(ScrapeAsync(canary, cancellation), ScrapeAsync(baseline, cancellation)).ConfigureAwait(false);
            canaryScrapes.Add(both[0]);
            baselineScrapes.Add(both[1]);
        }

        return [.. queries.Select(q => Observe(q.Metric, q.Parts.Numerator, q.Parts.Denominator, canaryScrapes, baselineScrapes))];
    }

    private static (PrometheusSelector Numerator, PrometheusSelector? Denominator) Parse(MetricQuery metric)
    {
        var query = metric.Query ?? throw new InputException($"gate.metrics: '{metric.Name}' needs a query for the scrape provider, e.g. errors_total / requests_total");
        try
        {
            return ParseQuery(query);
        }
        catch (FormatException ex)
        {
            throw new InputException($"gate.metrics: '{metric.Name}': {ex.Message}", ex);
        }
    }

    /// <summary>A scrape query: a selector, or a quotient of two (<c>errors_total / requests_total</c>).</summary>
    /// <exception cref="FormatException">It is neither, or a <c>=~</c> / <c>!~</c> matcher is not a regular expression.</exception>
    public static (PrometheusSelector Numerator, PrometheusSelector? Denominator) ParseQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parts = query.Split(" / ", 2, StringSplitOptions.TrimEntries);
        return (PrometheusText.ParseSelector(parts[0]), parts.Length > 1 ? PrometheusText.ParseSelector(parts[1]) : null);
    }

    private async Task<IReadOnlyList<PrometheusSample>?[]> ScrapeAsync(IReadOnlyList<Uri> targets, CancellationToken cancellation) =>
        await Task.WhenAll(targets.Select(async target =>
        {
            try
            {
                using var response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, target), cancellation).ConfigureAwait(false);
                return response.IsSuccessStatusCode
                    ? PrometheusText.Parse(await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false))
                    : null;
            }
            catch (Exception ex) when (ex is OutsideSystemException or HttpRequestException or FormatException || (ex is OperationCanceledException && !cancellation.IsCancellationRequested))
            {
                return (IReadOnlyList<PrometheusSample>?)null; // a missed scrape: counted, never filled in
            }
        })).ConfigureAwait(false);

    /// <summary>A scrape may take up to an interval: a slow one delays the next round rather than being lost.</summary>
    private static HttpRetryOptions Stretch(HttpRetryOptions budget, TimeSpan interval) => budget with
    {
        AttemptTimeout = interval > budget.AttemptTimeout ? interval : budget.AttemptTimeout,
        TotalTimeout = interval > budget.TotalTimeout ? interval : budget.TotalTimeout,
    };

    private MetricObservation Observe(
        MetricQuery metric, PrometheusSelector numerator, PrometheusSelector? denominator,
        List<IReadOnlyList<IReadOnlyList<PrometheusSample>?>> canary, List<IReadOnlyList<IReadOnlyList<PrometheusSample>?>> baseline)
    {
        var complete = Missed(canary) <= 0.25 && Missed(baseline) <= 0.25;
        var (canaryTop, canaryBottom) = (With(numerator, canaryMatch), denominator is null ? null : With(denominator, canaryMatch));
        var (baselineTop, baselineBottom) = (With(numerator, baselineMatch), denominator is null ? null : With(denominator, baselineMatch));
        if (metric.Kind == MetricKind.Continuous)
        {
            return new MetricObservation(metric.Name, Samples(canary, canaryTop, canaryBottom), Samples(baseline, baselineTop, baselineBottom), Complete: complete);
        }

        var (canaryEvents, canaryTrials) = (Increase(canary, canaryTop), canaryBottom is null ? Seconds(canary) : Increase(canary, canaryBottom));
        var (baselineEvents, baselineTrials) = (Increase(baseline, baselineTop), baselineBottom is null ? Seconds(baseline) : Increase(baseline, baselineBottom));
        return MetricObservation.Events(metric.Name, (long)Math.Round(canaryEvents), canaryTrials, (long)Math.Round(baselineEvents), baselineTrials) with { Complete = complete };
    }

    private static PrometheusSelector With(PrometheusSelector selector, IReadOnlyList<(string Label, string Operator, string Value)>? match) =>
        match is null or { Count: 0 } ? selector : new PrometheusSelector(selector.Name, [.. selector.Matchers, .. match]);

    /// <summary>A side's label matchers as the gate gives them: <c>cohort="on"</c>, or several comma-separated.</summary>
    /// <exception cref="FormatException">They are not label matchers.</exception>
    public static IReadOnlyList<(string Label, string Operator, string Value)> ParseMatch(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PrometheusText.ParseSelector("side{" + text.Trim().TrimStart('{').TrimEnd('}') + "}").Matchers;
    }

    private static double Missed(List<IReadOnlyList<IReadOnlyList<PrometheusSample>?>> scrapes)
    {
        var all = scrapes.SelectMany(s => s).ToList();
        return all.Count == 0 ? 1 : (double)all.Count(s => s is null) / all.Count;
    }

    private static double Sum(IReadOnlyList<PrometheusSample>? scrape, PrometheusSelector selector) =>
        scrape?.Where(selector.Matches).Sum(s => s.Value) ?? double.NaN;

    /// <summary>A gauge: its mean over the instances at each scrape. A quotient: the increase of both over each interval.</summary>
    private static List<double> Samples(List<IReadOnlyList<IReadOnlyList<PrometheusSample>?>> scrapes, PrometheusSelector numerator, PrometheusSelector? denominator)
    {
        var samples = new List<double>();
        for (var round = 0; round < scrapes.Count; round++)
        {
            if (denominator is null)
            {
                // A NaN or infinite gauge (a percentile of no requests) is a missed sample: left out, never judged.
                var values = scrapes[round].Where(s => s is not null).Select(s => Sum(s, numerator)).Where(double.IsFinite).ToList();
                if (values.Count > 0)
                {
                    samples.Add(values.Average());
                }

                continue;
            }

            if (round == 0)
            {
                continue;
            }

            var top = Increase([scrapes[round - 1], scrapes[round]], numerator);
            var bottom = Increase([scrapes[round - 1], scrapes[round]], denominator);
            if (bottom > 0)
            {
                samples.Add(top / bottom);
            }
        }

        return samples;
    }

    /// <summary>How much a counter grew over the scrapes, instance by instance; a drop is a restart, counted from zero.</summary>
    private static double Increase(List<IReadOnlyList<IReadOnlyList<PrometheusSample>?>> scrapes, PrometheusSelector selector)
    {
        var total = 0.0;
        var instances = scrapes.Count == 0 ? 0 : scrapes[0].Count;
        for (var instance = 0; instance < instances; instance++)
        {
            double? previous = null;
            foreach (var round in scrapes)
            {
                var value = Sum(round[instance], selector);
                if (double.IsNaN(value))
                {
                    continue;
                }

                if (previous is { } last)
                {
                    total += value >= last ? value - last : value;
                }

                previous = value;
            }
        }

        return total;
    }

    private double Seconds(List<IReadOnlyList<IReadOnlyList<PrometheusSample>?>> scrapes) =>
        (scrapes.Count - 1) * interval.TotalSeconds * (scrapes.Count == 0 ? 0 : scrapes[0].Count);
}

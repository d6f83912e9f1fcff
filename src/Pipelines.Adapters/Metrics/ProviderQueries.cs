using System.Globalization;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Adapters.Metrics;

/// <summary>
/// What every server-backed provider (Prometheus, Azure Monitor) does the same way: the query templates'
/// placeholders, and the rule that a metric the server would not answer for is incomplete, never a pass.
/// </summary>
internal static class ProviderQueries
{
    /// <summary>
    /// The template with <c>{selector}</c> (the side's selector, in the provider's own syntax), <c>{interval}</c> and
    /// <c>{window}</c> (the gate's durations in seconds) and <c>{name}</c> (one of the side's values) put in.
    /// </summary>
    public static string Fill(string template, string selector, TimeSpan interval, TimeSpan window, IReadOnlyDictionary<string, string> side)
    {
        var text = template.Replace("{selector}", selector, StringComparison.Ordinal)
            .Replace("{interval}", Seconds(interval), StringComparison.Ordinal)
            .Replace("{window}", Seconds(window), StringComparison.Ordinal);
        foreach (var (key, value) in side)
        {
            text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>A duration as both PromQL and KQL write it: whole seconds, e.g. "60s".</summary>
    public static string Seconds(TimeSpan span) => ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    /// <summary>Measures each metric; one the server did not answer for in the end is recorded as incomplete.</summary>
    public static async Task<IReadOnlyList<MetricObservation>> MeasureEachAsync(
        IReadOnlyList<MetricQuery> metrics, string provider, string queryExample, Func<MetricQuery, string, Task<MetricObservation>> measure)
    {
        var observations = new List<MetricObservation>();
        foreach (var metric in metrics)
        {
            var query = metric.Query ?? throw new InputException($"gate.metrics: '{metric.Name}' needs a query for the {provider} provider ({queryExample})");
            try
            {
                observations.Add(await measure(metric, query).ConfigureAwait(false));
            }
            catch (OutsideSystemException)
            {
                observations.Add(new MetricObservation(metric.Name, [], [], Complete: false));
            }
        }

        return observations;
    }
}

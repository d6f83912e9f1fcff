namespace Pipelines.Core.Judging;

/// <summary>A metric to fetch: its kind says whether samples or events are wanted.</summary>
public sealed record MetricQuery(string Name, MetricKind Kind, string? Query);

/// <summary>
/// Where canary and baseline measurements come from: Azure Monitor, Prometheus, the instances' own /metrics, or a
/// file. A source that cannot tell a complete answer from a partial one marks it incomplete; it never fills gaps.
/// </summary>
public interface IMetricsSource
{
    string Name { get; }

    /// <summary>True when a fetch measures the window as it passes (scraping live instances) rather than querying history.</summary>
    bool MeasuresWhileAsked => false;

    Task<IReadOnlyList<MetricObservation>> FetchAsync(IReadOnlyList<MetricQuery> metrics, CancellationToken cancellation);
}

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

    Task<IReadOnlyList<MetricObservation>> FetchAsync(IReadOnlyList<MetricQuery> metrics, CancellationToken cancellation);
}

using Pipelines.Adapters.Http;
using Pipelines.Core.Judging;

namespace Pipelines.Adapters.Metrics;

/// <summary>
/// A gate provider whose every look (one fetch of all its metrics) has one fresh <see cref="CallBudget"/>: a hanging
/// server costs a look that budget once, however many metrics and retries the look has.
/// </summary>
public sealed class BudgetedMetricsSource(IMetricsSource inner, Func<CallBudget> perLook) : IMetricsSource
{
    public string Name => inner.Name;

    public bool MeasuresWhileAsked => inner.MeasuresWhileAsked;

    public async Task<IReadOnlyList<MetricObservation>> FetchAsync(IReadOnlyList<MetricQuery> metrics, CancellationToken cancellation)
    {
        using (CallBudget.Enter(perLook()))
        {
            return await inner.FetchAsync(metrics, cancellation).ConfigureAwait(false);
        }
    }
}

using Pipelines.Core.Statistics;

namespace Pipelines.Core.Judging;

/// <summary>Traffic per minute on each side, and what one metric's data will look like at it.</summary>
/// <param name="EventRates">Ratio and count metrics: events per request on the baseline (0.01 = 1% errors), by metric name.</param>
/// <param name="LatencySigma">Continuous metrics: the spread of log latency (log-normal σ) behind each interval's percentile.</param>
public sealed record PlanTraffic(double CanaryPerMinute, double BaselinePerMinute, IReadOnlyDictionary<string, double> EventRates, double LatencySigma = 0.5, double Quantile = 0.95);

/// <summary>One metric's plan: how long until an unchanged canary is shown within tolerance, and until one twice the tolerance off is shown beyond it.</summary>
/// <param name="MinutesToPass">With the other metrics' plans, the bake at which an unchanged canary passes every metric together with 90% probability.</param>
/// <param name="MinutesToFail">The bake at which a canary twice as far off as the tolerance (×2 errors at 50%, +21% p95 at 10%) is decided fail with 90% probability.</param>
public sealed record MetricPlan(string Name, double MinutesToPass, double MinutesToFail, string Basis);

/// <summary>
/// Before a rollout: given the traffic, how long a bake lets the one-shot gate decide. Normal approximations of the
/// gate's own tests — the log rate ratio (variance 1/events a side) for ratios and counts, and for a continuous metric
/// the sampling noise of a per-interval percentile of that interval's requests (Mann-Whitney at 95% efficiency) —
/// at the gate's pass and fail levels. The sequential bake of <c>canary</c> pays for looking every interval and needs
/// longer (see the README's bench figures).
/// </summary>
public static class BakePlanner
{
    private const double Power = 0.90;

    public static IReadOnlyList<MetricPlan> Plan(IReadOnlyList<MetricSpec> specs, GatePolicy policy, PlanTraffic traffic, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(traffic);
        // Every metric must pass for the gate to: each gets its share of the 10% miss, so together they pass with 90%.
        var zJointPass = Normal.Quantile(1 - ((1 - Power) / Math.Max(1, specs.Count)));
        var zPower = Normal.Quantile(Power);
        var zPass = Normal.Quantile(1 - policy.PassAlpha);
        return [.. specs.Select(spec =>
        {
            var zFail = Normal.Quantile(1 - GateChecks.FailAlpha(spec, specs.Count, policy));
            var tol = spec.Tolerance;
            var margin = spec.Bad switch
            {
                BadDirection.Increase => Math.Log(1 + tol),
                BadDirection.Decrease => -Math.Log(1 - tol),
                _ => Math.Min(Math.Log(1 + tol), -Math.Log(1 - tol)),
            };
            var beyond = spec.Bad == BadDirection.Decrease
                ? Math.Log(1 - tol) - Math.Log(Math.Max(1 - (2 * tol), 1e-9))
                : Math.Log(1 + (2 * tol)) - Math.Log(1 + tol);
            double perMinute;
            string basis;
            double floorMinutes = 0;
            if (spec.Kind == MetricKind.Continuous)
            {
                var perInterval = interval.TotalMinutes;
                double Noise(double perMinuteRequests)
                {
                    var requests = Math.Max(1, perMinuteRequests * perInterval);
                    var density = Normal.Density(Normal.Quantile(traffic.Quantile)) / traffic.LatencySigma;
                    return traffic.Quantile * (1 - traffic.Quantile) / requests / (density * density);
                }

                // Variance of the mean log difference, per interval of data, over Mann-Whitney's efficiency.
                perMinute = (Noise(traffic.CanaryPerMinute) + Noise(traffic.BaselinePerMinute)) / 0.955 * perInterval;
                basis = $"p{traffic.Quantile * 100:0} of each {perInterval:0.##} min's requests, log-normal σ {traffic.LatencySigma:0.##}";
                floorMinutes = policy.MinSamples * perInterval;
            }
            else
            {
                var rate = traffic.EventRates.TryGetValue(spec.Name, out var r) && r > 0
                    ? r
                    : throw new Errors.InputException($"--rate: no event rate for '{spec.Name}'; give {spec.Name}=<events per request on the baseline>, e.g. {spec.Name}=0.01");
                perMinute = (1 / (rate * traffic.CanaryPerMinute)) + (1 / (rate * traffic.BaselinePerMinute));
                basis = $"{rate:0.###%} of requests";
            }

            var toPass = perMinute * Math.Pow((zPass + zJointPass) / margin, 2);
            var toFail = perMinute * Math.Pow((zFail + zPower) / beyond, 2);
            return new MetricPlan(spec.Name, Math.Max(toPass, floorMinutes), Math.Max(toFail, floorMinutes), basis);
        })];
    }
}

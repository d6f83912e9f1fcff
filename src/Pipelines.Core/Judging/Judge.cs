using Pipelines.Core.Statistics;

namespace Pipelines.Core.Judging;

/// <summary>
/// Canary against baseline, metric by metric, then one verdict (after Netflix's Kayenta judge, with its two known
/// weaknesses fixed). Each metric gets the test its data calls for (Mann-Whitney for samples, the two-proportion test
/// for ratios, the exact Poisson rate test for counts), an interval for its relative effect, and a class: High, Low or
/// Pass. A metric fails only in its bad direction and only beyond its tolerance.
/// </summary>
/// <remarks>
/// False fails: a "fail if any metric fails" rule over k metrics at 98% each fails an identical canary far too often.
/// Here each metric may wrongly fail with probability at most α/k (Bonferroni), so an identical canary fails with
/// probability at most α (<see cref="GatePolicy.FamilyAlpha"/>) whatever the number of metrics. A metric that is bad
/// in one direction can only fail on one side of its interval, so its interval is at level 1 − 2α/k; one that is
/// bad both ways, at 1 − α/k. Outliers: no sample is trimmed; rank and
/// count tests are not moved by a single extreme value.
/// </remarks>
public static class Judge
{
    public static GateResult Evaluate(IReadOnlyList<MetricSpec> specs, IReadOnlyList<MetricObservation> observations, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(policy);
        var perMetric = policy.FamilyAlpha / Math.Max(1, specs.Count);
        var level = 1 - perMetric;
        var byName = observations.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var judgements = specs.Select(spec => Classify(spec, byName.GetValueOrDefault(spec.Name), policy,
            spec.Bad == BadDirection.Both ? level : 1 - (2 * perMetric))).ToList();

        var noData = judgements.Where(j => j.Class == MetricClass.NoData).ToList();
        var weighted = specs.Zip(judgements).Where(p => p.Second.Class != MetricClass.NoData || policy.NoData != NoDataPolicy.Inconclusive).ToList();
        var totalWeight = weighted.Sum(p => p.First.Weight);
        var score = totalWeight <= 0 ? 0 : 100 * weighted.Where(p => !p.Second.Failed).Sum(p => p.First.Weight) / totalWeight;
        var criticalFailure = specs.Zip(judgements).FirstOrDefault(p => p.First.Critical && p.Second.Failed);

        if (criticalFailure.First is not null)
        {
            return new GateResult(GateVerdict.Fail, 0, $"critical metric {criticalFailure.First.Name} failed: {criticalFailure.Second.Reason}", level, judgements);
        }

        if (noData.Count > 0 && policy.NoData == NoDataPolicy.Inconclusive)
        {
            return new GateResult(GateVerdict.Inconclusive, score,
                $"no data to judge {string.Join(", ", noData.Select(j => j.Name))} (no-data: inconclusive)", level, judgements);
        }

        var verdict = score >= policy.PassScore ? GateVerdict.Pass : score >= policy.MarginalScore ? GateVerdict.Marginal : GateVerdict.Fail;
        var failed = judgements.Where(j => j.Failed).Select(j => j.Name).ToList();
        var reason = failed.Count == 0 ? "every metric within tolerance" : $"{string.Join(", ", failed)} failed";
        return new GateResult(verdict, score, $"score {score:0.#} ({reason})", level, judgements);
    }

    private static MetricJudgement Classify(MetricSpec spec, MetricObservation? data, GatePolicy policy, double level)
    {
        MetricJudgement NoData(string why) =>
            new(spec.Name, MetricClass.NoData, policy.NoData == NoDataPolicy.Fail, double.NaN, double.NaN, double.NaN, double.NaN, Test(spec.Kind), why);

        if (data is null)
        {
            return NoData("no data returned");
        }

        if (!data.Complete)
        {
            return NoData("the source returned a partial result");
        }

        double effect, low, high, p;
        switch (spec.Kind)
        {
            case MetricKind.Continuous:
                if (data.Canary.Count < policy.MinSamples || data.Baseline.Count < policy.MinSamples)
                {
                    return NoData($"{data.Canary.Count} canary and {data.Baseline.Count} baseline samples; at least {policy.MinSamples} each are needed");
                }

                var scale = Math.Abs(Descriptive.Median(data.Baseline));
                scale = scale > 0 ? scale : Math.Max(Math.Abs(Descriptive.Median(data.Canary)), 1e-12);
                if (data.Canary.Distinct().Count() == 1 && data.Baseline.Distinct().Count() == 1)
                {
                    // No variation on either side: the difference is what it is.
                    effect = low = high = (data.Canary[0] - data.Baseline[0]) / scale;
                    p = effect == 0 ? 1 : 0;
                    break;
                }

                var test = MannWhitney.Test(data.Canary, data.Baseline, level);
                (effect, low, high, p) = (test.Estimate / scale, test.ConfidenceLow / scale, test.ConfidenceHigh / scale, test.PValue);
                break;

            case MetricKind.Ratio:
                if (data.CanaryTrials <= 0 || data.BaselineTrials <= 0)
                {
                    return NoData("no trials (requests) on one side");
                }

                if (data.CanaryEvents == 0 && data.BaselineEvents == 0)
                {
                    (effect, low, high, p) = (0, 0, 0, 1);
                    break;
                }

                var proportions = RateTests.Proportions(data.CanaryEvents, (long)data.CanaryTrials, data.BaselineEvents, (long)data.BaselineTrials, level);
                var baseRate = data.BaselineEvents > 0
                    ? data.BaselineEvents / data.BaselineTrials
                    : (data.CanaryEvents + data.BaselineEvents) / (data.CanaryTrials + data.BaselineTrials);
                (effect, low, high, p) = (proportions.Estimate / baseRate, proportions.ConfidenceLow / baseRate, proportions.ConfidenceHigh / baseRate, proportions.PValue);
                break;

            default:
                if (data.CanaryTrials <= 0 || data.BaselineTrials <= 0)
                {
                    return NoData("no exposure on one side");
                }

                if (data.CanaryEvents == 0 && data.BaselineEvents == 0)
                {
                    (effect, low, high, p) = (0, 0, 0, 1);
                    break;
                }

                var rates = RateTests.PoissonRates((int)data.CanaryEvents, data.CanaryTrials, (int)data.BaselineEvents, data.BaselineTrials, level);
                (effect, low, high, p) = (rates.Estimate - 1, rates.ConfidenceLow - 1, rates.ConfidenceHigh - 1, rates.PValue);
                break;
        }

        // Significant (the interval leaves zero) and meaningful (the effect passes the tolerance).
        var cls = low > 0 && effect > spec.Tolerance ? MetricClass.High
            : high < 0 && effect < -spec.Tolerance ? MetricClass.Low
            : MetricClass.Pass;
        var failed = (cls == MetricClass.High && spec.Bad != BadDirection.Decrease) || (cls == MetricClass.Low && spec.Bad != BadDirection.Increase);
        var reason = cls == MetricClass.Pass
            ? $"{effect:+0.0%;-0.0%;0%} within tolerance {spec.Tolerance:0%} or not significant"
            : $"{effect:+0.0%;-0.0%} ({low:+0.0%;-0.0%;0%} to {high:+0.0%;-0.0%;0%}) beyond tolerance {spec.Tolerance:0%}";
        return new MetricJudgement(spec.Name, cls, failed, effect, low, high, p, Test(spec.Kind), reason);
    }

    private static string Test(MetricKind kind) => kind switch
    {
        MetricKind.Continuous => "mann-whitney",
        MetricKind.Ratio => "two-proportion",
        _ => "poisson-rate",
    };
}

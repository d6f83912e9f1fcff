using Pipelines.Core.Statistics;

namespace Pipelines.Core.Judging;

/// <summary>
/// Canary against baseline, metric by metric, then one verdict. Unlike Kayenta's judge, where a metric passes unless
/// it is significantly worse (so too little data passes), a metric here has three answers: it passes only when its
/// interval shows the canary within tolerance (non-inferiority), fails only when the interval shows it beyond the
/// tolerance, and is otherwise undecided. The score counts only metrics shown to pass.
/// </summary>
/// <remarks>
/// Errors, both ways. False fails (blocking a canary within tolerance): each metric's fail end is at α/k (Bonferroni
/// over k metrics, and α/2k a side for metrics bad both ways), so any false fail across the gate has probability at
/// most <see cref="GatePolicy.FamilyAlpha"/>. Holm would only help declare a second failure, and the first already
/// fails the gate. False passes (passing a canary at the harm boundary): the gate passes only when every metric
/// passes, an intersection-union test, so each metric's pass end is at <see cref="GatePolicy.PassAlpha"/> with no
/// split. Tests: Mann-Whitney (with R's exact or normal interval) for samples, relative to the baseline's median; the
/// exact conditional rate-ratio test for ratios and counts.
/// </remarks>
public static class Judge
{
    public static GateResult Evaluate(IReadOnlyList<MetricSpec> specs, IReadOnlyList<MetricObservation> observations, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(policy);
        GateChecks.ValidatePolicy(specs, policy);
        var byName = new Dictionary<string, MetricObservation>(StringComparer.Ordinal);
        foreach (var observation in observations)
        {
            byName.TryAdd(observation.Name, observation);
        }

        var judgements = specs.Select(spec => Classify(spec, byName.GetValueOrDefault(spec.Name), policy, GateChecks.FailAlpha(spec, specs.Count, policy))).ToList();
        return Verdict(specs, judgements, policy);
    }

    /// <summary>One verdict from the metrics' answers: shared by the one-shot gate and the sequential bake.</summary>
    public static GateResult Verdict(IReadOnlyList<MetricSpec> specs, IReadOnlyList<MetricJudgement> judgements, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(judgements);
        ArgumentNullException.ThrowIfNull(policy);
        var pairs = specs.Zip(judgements).ToList();
        var total = pairs.Sum(p => p.First.Weight);
        double Share(MetricAnswer answer) => total <= 0 ? 0 : 100 * pairs.Where(p => p.Second.Answer == answer).Sum(p => p.First.Weight) / total;
        var score = Share(MetricAnswer.Pass);
        var best = score + Share(MetricAnswer.Undecided);

        var criticalFailure = pairs.FirstOrDefault(p => p.First.Critical && p.Second.Failed);
        if (criticalFailure.First is not null)
        {
            // As Kayenta: a failed critical metric scores the canary 0, whatever else passed.
            return new GateResult(GateVerdict.Fail, 0, $"critical metric {criticalFailure.First.Name} failed: {criticalFailure.Second.Reason}", judgements);
        }

        var failed = pairs.Where(p => p.Second.Failed).Select(p => p.First.Name).ToList();
        var undecided = pairs.Where(p => p.Second.Answer == MetricAnswer.Undecided).Select(p => p.First.Name).ToList();
        var criticalUndecided = pairs.Where(p => p.First.Critical && p.Second.Answer == MetricAnswer.Undecided).Select(p => p.First.Name).ToList();
        var detail = string.Join("; ", new[]
        {
            failed.Count > 0 ? $"failed: {string.Join(", ", failed)}" : null,
            undecided.Count > 0 ? $"undecided: {string.Join(", ", undecided)}" : null,
        }.Where(s => s is not null));
        detail = detail.Length == 0 ? "every metric shown within tolerance" : detail;
        var text = $"score {score:0.#} ({detail})";

        if (score >= policy.PassScore && criticalUndecided.Count == 0)
        {
            return new GateResult(GateVerdict.Pass, score, text, judgements);
        }

        if (best < policy.MarginalScore)
        {
            return new GateResult(GateVerdict.Fail, score, text, judgements);
        }

        if (score >= policy.MarginalScore && criticalUndecided.Count == 0 && best < policy.PassScore)
        {
            return new GateResult(GateVerdict.Marginal, score, text, judgements);
        }

        var why = criticalUndecided.Count > 0 ? $"critical {string.Join(", ", criticalUndecided)} not shown within tolerance" : "not enough shown within tolerance";
        return new GateResult(GateVerdict.Inconclusive, score, $"{text}: {why}", judgements);
    }

    /// <summary>One metric's answer from all its data at once (no peeking: the sequential bake has its own tests).</summary>
    public static MetricJudgement Classify(MetricSpec spec, MetricObservation? data, GatePolicy policy, double failAlpha)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(policy);
        if (data is null)
        {
            return NoData(spec, policy, "no data returned");
        }

        GateChecks.Validate(spec, data);
        if (!data.Complete)
        {
            return NoData(spec, policy, "the source returned a partial result");
        }

        return spec.Kind == MetricKind.Continuous ? Continuous(spec, data, policy, failAlpha) : Rates(spec, data, policy, failAlpha);
    }

    public static string TestName(MetricKind kind) => kind switch
    {
        MetricKind.Continuous => "mann-whitney",
        MetricKind.Ratio => "rate-ratio (exact, conditional)",
        _ => "poisson-rate",
    };

    private static MetricJudgement NoData(MetricSpec spec, GatePolicy policy, string why) => new(
        spec.Name, policy.NoData == NoDataPolicy.Fail ? MetricAnswer.Fail : MetricAnswer.Undecided, double.NaN, double.NaN, double.NaN,
        TestName(spec.Kind), policy.NoData == NoDataPolicy.Fail ? $"{why} (no-data: fail)" : why);

    private static MetricJudgement Continuous(MetricSpec spec, MetricObservation data, GatePolicy policy, double failAlpha)
    {
        if (data.Canary.Count < policy.MinSamples || data.Baseline.Count < policy.MinSamples)
        {
            return new MetricJudgement(spec.Name, MetricAnswer.Undecided, double.NaN, double.NaN, double.NaN, TestName(spec.Kind),
                $"{data.Canary.Count} canary and {data.Baseline.Count} baseline samples; at least {policy.MinSamples} a side are needed to judge",
                MoreData: (double)policy.MinSamples / Math.Max(1, Math.Min(data.Canary.Count, data.Baseline.Count)));
        }

        var scale = Math.Abs(Descriptive.Median(data.Baseline));
        scale = scale > 0 ? scale : Math.Max(Math.Abs(Descriptive.Median(data.Canary)), 1e-12);
        Bounds bounds;
        if (data.Canary.Distinct().Count() == 1 && data.Baseline.Distinct().Count() == 1)
        {
            // No variation on either side: the difference is what it is.
            var shift = (data.Canary[0] - data.Baseline[0]) / scale;
            bounds = new Bounds(shift, shift, shift, shift, shift);
        }
        else
        {
            var atPass = MannWhitney.Test(data.Canary, data.Baseline, 1 - (2 * policy.PassAlpha));
            var atFail = MannWhitney.Test(data.Canary, data.Baseline, 1 - (2 * failAlpha));
            bounds = new Bounds(atPass.Estimate / scale, atFail.ConfidenceLow / scale, atPass.ConfidenceLow / scale, atPass.ConfidenceHigh / scale, atFail.ConfidenceHigh / scale);
        }

        return Answer(spec, bounds, relative: false, floorPass: false, floorFail: true);
    }

    private static MetricJudgement Rates(MetricSpec spec, MetricObservation data, GatePolicy policy, double failAlpha)
    {
        var (x1, t1, x2, t2) = (data.CanaryEvents, data.CanaryTrials, data.BaselineEvents, data.BaselineTrials);
        if (t1 <= 0 || t2 <= 0)
        {
            return new MetricJudgement(spec.Name, MetricAnswer.Undecided, double.NaN, double.NaN, double.NaN, TestName(spec.Kind),
                $"no {(spec.Kind == MetricKind.Ratio ? "trials (requests)" : "exposure")} on the {(t1 <= 0 ? "canary" : "baseline")} side");
        }

        // Bounds on θ − 1, the relative change of the rate.
        var bounds = new Bounds(
            RateRatio.Estimate(x1, t1, x2, t2) - 1,
            RateRatio.Lower(x1, t1, x2, t2, failAlpha) - 1,
            RateRatio.Lower(x1, t1, x2, t2, policy.PassAlpha) - 1,
            RateRatio.Upper(x1, t1, x2, t2, policy.PassAlpha) - 1,
            RateRatio.Upper(x1, t1, x2, t2, failAlpha) - 1);

        // A floor: the canary's own rate shown below it is harmless whatever the baseline; a fail must also show it above.
        var floorPass = spec.Kind == MetricKind.Ratio && spec.Floor > 0 && spec.Bad == BadDirection.Increase
            && RateRatio.ProportionUpper(x1, t1, policy.PassAlpha) < spec.Floor;
        var floorFail = spec.Kind != MetricKind.Ratio || spec.Floor <= 0 || spec.Bad != BadDirection.Increase
            || RateRatio.ProportionLower(x1, t1, failAlpha) > spec.Floor;
        return Answer(spec, bounds, relative: true, floorPass, floorFail);
    }

    /// <summary>Relative bounds: the estimate, the fail level's lower end, the pass level's two ends, the fail level's upper end.</summary>
    private sealed record Bounds(double Estimate, double FailLow, double PassLow, double PassHigh, double FailHigh);

    private static MetricJudgement Answer(MetricSpec spec, Bounds b, bool relative, bool floorPass, bool floorFail)
    {
        var tol = spec.Tolerance;
        var (low, high) = spec.Bad switch
        {
            BadDirection.Increase => (b.FailLow, b.PassHigh),
            BadDirection.Decrease => (b.PassLow, b.FailHigh),
            _ => (b.PassLow, b.PassHigh),
        };
        var pass = spec.Bad switch
        {
            BadDirection.Increase => high < tol,
            BadDirection.Decrease => low > -tol,
            _ => low > -tol && high < tol,
        } || floorPass;
        var fail = !pass && floorFail && spec.Bad switch
        {
            BadDirection.Increase => b.FailLow > tol,
            BadDirection.Decrease => b.FailHigh < -tol,
            _ => b.FailLow > tol || b.FailHigh < -tol,
        };
        var answer = pass ? MetricAnswer.Pass : fail ? MetricAnswer.Fail : MetricAnswer.Undecided;

        // What the data could see: how far the fail end sits from the estimate, moved to the tolerance.
        double Detectable(bool up) => relative
            ? up ? Ratio(tol, b.Estimate, b.FailLow) : Ratio(-tol, b.Estimate, b.FailHigh)
            : up ? tol + (b.Estimate - b.FailLow) : tol + (b.FailHigh - b.Estimate);
        var detectable = spec.Bad switch
        {
            BadDirection.Increase => Detectable(true),
            BadDirection.Decrease => Detectable(false),
            _ => Math.Max(Detectable(true), Detectable(false)),
        };
        detectable = double.IsNaN(detectable) ? double.PositiveInfinity : detectable;

        double? more = answer == MetricAnswer.Undecided ? MoreData(spec, b, relative) : null;
        var interval = $"{Percent(low)} to {Percent(high)}";
        var reason = answer switch
        {
            MetricAnswer.Pass when floorPass && !(spec.Bad == BadDirection.Increase && high < tol) =>
                $"{Percent(b.Estimate)}: the canary's rate is shown below the floor {spec.Floor:0.###%}",
            MetricAnswer.Pass => $"{Percent(b.Estimate)} ({interval}) shown within tolerance {tol:0.#%}",
            MetricAnswer.Fail => $"{Percent(b.Estimate)} ({interval}) shown beyond tolerance {tol:0.#%}",
            _ => $"{Percent(b.Estimate)} ({interval}) not shown within tolerance {tol:0.#%}" + (more is { } m ? $"; about {m:0.#}× the data would decide it" : string.Empty),
        };
        return new MetricJudgement(spec.Name, answer, b.Estimate, low, high, TestName(spec.Kind), reason, detectable, more);
    }

    /// <summary>The relative change at which the fail end would sit on the tolerance, on the log scale of a ratio.</summary>
    private static double Ratio(double tolerance, double estimate, double failEnd)
    {
        var (theta, end) = (1 + estimate, 1 + failEnd);
        if (!(theta > 0) || !(end > 0) || double.IsInfinity(theta) || double.IsInfinity(end))
        {
            return double.PositiveInfinity;
        }

        var moved = (1 + tolerance) * theta / end;
        return tolerance >= 0 ? moved - 1 : 1 - moved;
    }

    /// <summary>
    /// How many times the data so far would move the deciding end of the interval across the tolerance if the
    /// estimate stayed where it is (an interval narrows as one over the root of the data).
    /// </summary>
    private static double? MoreData(MetricSpec spec, Bounds b, bool relative)
    {
        double Scale(double v) => relative ? Math.Log(1 + v) : v;
        double? Factor(double estimate, double end, double threshold)
        {
            var (e, x, t) = (Scale(estimate), Scale(end), Scale(threshold));
            if (!double.IsFinite(e) || !double.IsFinite(x) || !double.IsFinite(t) || e == t || Math.Sign(e - x) != Math.Sign(e - t))
            {
                return null;
            }

            var factor = Math.Pow((e - x) / (e - t), 2);
            return factor > 1 && factor < 1e6 ? factor : null;
        }

        var tol = spec.Tolerance;
        return spec.Bad switch
        {
            BadDirection.Increase => b.Estimate < tol ? Factor(b.Estimate, b.PassHigh, tol) : Factor(b.Estimate, b.FailLow, tol),
            BadDirection.Decrease => b.Estimate > -tol ? Factor(b.Estimate, b.PassLow, -tol) : Factor(b.Estimate, b.FailHigh, -tol),
            _ => b.Estimate >= tol ? Factor(b.Estimate, b.FailLow, tol)
                : b.Estimate <= -tol ? Factor(b.Estimate, b.FailHigh, -tol)
                : Max(Factor(b.Estimate, b.PassHigh, tol), Factor(b.Estimate, b.PassLow, -tol)),
        };
    }

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    public static string Percent(double value) =>
        double.IsNaN(value) ? "n/a" : double.IsPositiveInfinity(value) ? "+∞" : double.IsNegativeInfinity(value) ? "−∞"
            : value.ToString("+0.0%;-0.0%;0%", System.Globalization.CultureInfo.InvariantCulture);
}

namespace Pipelines.Core.Judging;

/// <summary>What a metric measures, which decides the test: never a rank test on mostly-zero counts.</summary>
public enum MetricKind
{
    /// <summary>A sample per interval (latency, CPU): Mann-Whitney on the two samples.</summary>
    Continuous,

    /// <summary>Events out of trials (errors of requests): the exact conditional test of the rate ratio.</summary>
    Ratio,

    /// <summary>Events per exposure (sign-ups, orders): the exact Poisson rate-ratio test.</summary>
    Count,
}

/// <summary>Which change is bad.</summary>
public enum BadDirection
{
    Increase,
    Decrease,
    Both,
}

/// <summary>One metric of the gate.</summary>
/// <param name="Tolerance">
/// The harm boundary as a relative change (0.5 = +50%): a canary passes a metric only when shown on the good side of
/// it, and fails only when shown beyond it. <see cref="Tolerances"/> has the defaults per kind.
/// </param>
/// <param name="Critical">Failing it fails the gate whatever the score; while it is undecided the gate cannot pass.</param>
/// <param name="Floor">
/// Ratio metrics only: a rate so low it is harmless whatever the baseline (0.01 = 1% of trials). A canary shown below
/// it passes the metric even when the baseline has no events to compare with; 0 turns it off.
/// </param>
public sealed record MetricSpec(string Name, MetricKind Kind, BadDirection Bad, double Tolerance, bool Critical, double Weight, double Floor = 0);

/// <summary>The documented default harm boundaries: the change worth catching, per kind.</summary>
public static class Tolerances
{
    public static double For(MetricKind kind) => kind == MetricKind.Continuous ? 0.10 : 0.50;
}

/// <summary>What was measured for one metric, canary against baseline.</summary>
/// <param name="Canary">Continuous: one value per interval.</param>
/// <param name="CanaryEvents">Ratio and count: events (errors, sign-ups).</param>
/// <param name="CanaryTrials">Ratio: trials (requests), whole; count: exposure (requests, or seconds of traffic).</param>
/// <param name="Complete">False when the source said its answer is partial: such data never passes.</param>
public sealed record MetricObservation(
    string Name,
    IReadOnlyList<double> Canary,
    IReadOnlyList<double> Baseline,
    long CanaryEvents = 0,
    double CanaryTrials = 0,
    long BaselineEvents = 0,
    double BaselineTrials = 0,
    bool Complete = true)
{
    public static MetricObservation Samples(string name, IReadOnlyList<double> canary, IReadOnlyList<double> baseline) => new(name, canary, baseline);

    public static MetricObservation Events(string name, long canaryEvents, double canaryTrials, long baselineEvents, double baselineTrials) =>
        new(name, [], [], canaryEvents, canaryTrials, baselineEvents, baselineTrials);
}

/// <summary>What to do when a metric has no data at all (none returned, or a partial answer).</summary>
public enum NoDataPolicy
{
    /// <summary>The metric is undecided: it cannot pass.</summary>
    Inconclusive,

    /// <summary>The metric counts as failed.</summary>
    Fail,
}

/// <summary>What a bake that reached its longest still could not decide becomes.</summary>
public enum UndecidedPolicy
{
    /// <summary>Inconclusive: exit 1 and traffic back to the previous version.</summary>
    Hold,

    /// <summary>Pass, said loudly: for teams that accept promoting what the data could not judge.</summary>
    Pass,
}

/// <summary>The gate's thresholds (config section <c>gate</c>).</summary>
/// <param name="PassScore">The weighted share of metrics shown to pass, in percent, at or above which the gate passes.</param>
/// <param name="MinSamples">A continuous metric never passes with fewer samples a side than this.</param>
/// <param name="FamilyAlpha">
/// The chance, across all metrics together, of failing a canary that is within tolerance (false fails; Bonferroni).
/// </param>
/// <param name="PassAlpha">
/// The chance of passing a metric whose canary is at the harm boundary (false passes). A gate passes only when every
/// metric passes, so this needs no split across metrics (an intersection-union test).
/// </param>
public sealed record GatePolicy(double PassScore, double MarginalScore, int MinSamples, NoDataPolicy NoData, double FamilyAlpha, double PassAlpha = 0.05)
{
    public static GatePolicy Default { get; } = new(95, 75, 20, NoDataPolicy.Inconclusive, 0.01, 0.05);
}

/// <summary>A metric's answer: shown within tolerance, shown beyond it, or not shown either way.</summary>
public enum MetricAnswer
{
    Pass,
    Fail,
    Undecided,
}

public enum GateVerdict
{
    Pass,
    Marginal,
    Fail,
    Inconclusive,
}

/// <summary>One metric's judgement: the relative effect (canary against baseline), its interval and its answer.</summary>
/// <param name="IntervalLow">
/// The interval's ends (relative change): the end in the bad direction is at the pass level (<see cref="GatePolicy.PassAlpha"/>),
/// the other at the fail level (family-alpha over the metrics), so pass ⇔ the bad end lies inside the tolerance and
/// fail ⇔ the whole interval lies beyond it.
/// </param>
/// <param name="DetectableEffect">
/// The smallest relative change in the bad direction this data could have shown beyond the tolerance (a canary that
/// much worse would have failed at the gate's alpha); infinite when the data could not show any.
/// </param>
/// <param name="MoreData">
/// When undecided: about how many times the data so far would decide it, if the effect stays where it is
/// (1.5 = half as much data again); null when decided or when no amount would.
/// </param>
public sealed record MetricJudgement(
    string Name,
    MetricAnswer Answer,
    double Effect,
    double IntervalLow,
    double IntervalHigh,
    string Test,
    string Reason,
    double DetectableEffect = double.PositiveInfinity,
    double? MoreData = null)
{
    public bool Failed => Answer == MetricAnswer.Fail;

    public bool Passed => Answer == MetricAnswer.Pass;
}

/// <summary>The gate's verdict, its score and every metric's judgement.</summary>
/// <param name="Score">The weighted share of metrics shown to pass, in percent: undecided metrics do not count.</param>
public sealed record GateResult(GateVerdict Verdict, double Score, string Reason, IReadOnlyList<MetricJudgement> Metrics);

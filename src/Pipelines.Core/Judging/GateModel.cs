namespace Pipelines.Core.Judging;

/// <summary>What a metric measures, which decides the test: never a rank test on mostly-zero counts.</summary>
public enum MetricKind
{
    /// <summary>A sample per interval (latency, CPU): Mann-Whitney on the two samples.</summary>
    Continuous,

    /// <summary>Events out of trials (errors of requests): the two-proportion test.</summary>
    Ratio,

    /// <summary>Events per exposure (sign-ups, orders): the exact Poisson rate test.</summary>
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
/// <param name="Tolerance">A relative change smaller than this passes, however significant (0.1 = 10%).</param>
/// <param name="Critical">Failing it fails the gate whatever the score.</param>
public sealed record MetricSpec(string Name, MetricKind Kind, BadDirection Bad, double Tolerance, bool Critical, double Weight);

/// <summary>What was measured for one metric, canary against baseline.</summary>
/// <param name="Canary">Continuous: one value per interval.</param>
/// <param name="CanaryEvents">Ratio and count: events (errors, sign-ups).</param>
/// <param name="CanaryTrials">Ratio: trials (requests); count: exposure (requests, or seconds of traffic).</param>
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

/// <summary>What to do when a metric has too little data to judge.</summary>
public enum NoDataPolicy
{
    Inconclusive,
    Fail,
    Pass,
}

/// <summary>The gate's thresholds (config section <c>gate</c>).</summary>
/// <param name="FamilyAlpha">The chance, across all metrics together, of failing a canary that is as good as its baseline.</param>
public sealed record GatePolicy(double PassScore, double MarginalScore, int MinSamples, NoDataPolicy NoData, double FamilyAlpha)
{
    public static GatePolicy Default { get; } = new(95, 75, 20, NoDataPolicy.Inconclusive, 0.01);
}

public enum MetricClass
{
    Pass,
    High,
    Low,
    NoData,
}

public enum GateVerdict
{
    Pass,
    Marginal,
    Fail,
    Inconclusive,
}

/// <summary>One metric's judgement: the relative effect (canary against baseline) and its interval.</summary>
/// <param name="Failed">Its class is the bad direction (or no data under <c>no-data: fail</c>).</param>
public sealed record MetricJudgement(
    string Name,
    MetricClass Class,
    bool Failed,
    double Effect,
    double IntervalLow,
    double IntervalHigh,
    double PValue,
    string Test,
    string Reason);

/// <summary>The gate's verdict, its score and every metric's judgement.</summary>
/// <param name="ConfidenceLevel">The level of the intervals of metrics bad both ways; one-way metrics use 1 − 2(1 − level).</param>
public sealed record GateResult(GateVerdict Verdict, double Score, string Reason, double ConfidenceLevel, IReadOnlyList<MetricJudgement> Metrics);

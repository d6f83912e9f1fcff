using Pipelines.Core.Errors;

namespace Pipelines.Core.Judging;

/// <summary>How long a wave bakes: at least <see cref="MinBake"/> before a pass, at most <see cref="MaxBake"/>.</summary>
/// <param name="Undecided">What a bake that reached <see cref="MaxBake"/> undecided becomes.</param>
public sealed record BakePolicy(TimeSpan MinBake, TimeSpan MaxBake, UndecidedPolicy Undecided = UndecidedPolicy.Hold)
{
    /// <summary>From the planned bake: min-bake defaults to it, max-bake to three times it.</summary>
    public static BakePolicy From(TimeSpan bake, TimeSpan? minBake, TimeSpan? maxBake, UndecidedPolicy undecided)
    {
        var min = minBake ?? bake;
        var max = maxBake ?? TimeSpan.FromTicks(Math.Max(bake.Ticks, min.Ticks) * 3);
        if (max < min)
        {
            throw new InputException($"--max-bake: {max.TotalSeconds:0.#} s is shorter than --min-bake {min.TotalSeconds:0.#} s; the longest bake must be at least the shortest");
        }

        return new BakePolicy(min, max, undecided);
    }
}

/// <summary>What to do after a look.</summary>
public enum BakeStep
{
    /// <summary>Keep baking: the evidence has not decided, and there is time left.</summary>
    Continue,

    /// <summary>Stop: the verdict is final (<see cref="BakeDecision.Verdict"/>).</summary>
    Stop,
}

public sealed record BakeDecision(BakeStep Step, GateVerdict Verdict, string Reason);

/// <summary>The bake's rules, over the gate's standing after each look: stop on a decided fail at once, on a pass after min-bake, and at max-bake by the undecided policy.</summary>
public static class BakeRules
{
    public static BakeDecision Decide(GateResult standing, TimeSpan elapsed, BakePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(standing);
        ArgumentNullException.ThrowIfNull(policy);
        switch (standing.Verdict)
        {
            case GateVerdict.Fail:
                return new BakeDecision(BakeStep.Stop, GateVerdict.Fail, $"decided fail after {Minutes(elapsed)}: {standing.Reason}");
            case GateVerdict.Pass or GateVerdict.Marginal when elapsed >= policy.MinBake:
                return new BakeDecision(BakeStep.Stop, standing.Verdict, $"decided {standing.Verdict.ToString().ToLowerInvariant()} after {Minutes(elapsed)}: {standing.Reason}");
            case GateVerdict.Pass or GateVerdict.Marginal:
                return new BakeDecision(BakeStep.Continue, standing.Verdict, $"decided, baking on to the minimum {Minutes(policy.MinBake)}: {standing.Reason}");
        }

        if (elapsed < policy.MaxBake)
        {
            return new BakeDecision(BakeStep.Continue, GateVerdict.Inconclusive, $"undecided after {Minutes(elapsed)}, baking on (at most {Minutes(policy.MaxBake)}): {standing.Reason}");
        }

        return policy.Undecided == UndecidedPolicy.Pass
            ? new BakeDecision(BakeStep.Stop, GateVerdict.Pass, $"PASSED UNDECIDED (undecided: pass) at the longest bake, {Minutes(policy.MaxBake)}: the data could not judge it: {standing.Reason}")
            : new BakeDecision(BakeStep.Stop, GateVerdict.Inconclusive, $"still undecided at the longest bake, {Minutes(policy.MaxBake)} (undecided: hold): {standing.Reason}");
    }

    public static string Minutes(TimeSpan span) =>
        span < TimeSpan.FromMinutes(2) ? $"{span.TotalSeconds:0} s" : $"{span.TotalMinutes:0.#} min";
}

using System.Globalization;
using Pipelines.Core.Errors;

namespace Pipelines.Core.Rollout;

/// <summary>
/// A deployment slot beside production: the new version is deployed to the slot, a growing share of production's
/// traffic is routed to it, and promote swaps it into production. Every call is safe to repeat: routing what is
/// already routed writes nothing, and a swap is made only when production does not run the new version yet.
/// </summary>
public interface ISlotTarget
{
    Task<(bool Ok, string Detail)> DeployAsync(string version, CancellationToken cancellation);

    Task SetTrafficAsync(double percent, CancellationToken cancellation);

    /// <summary>The version production serves now (read from the app itself, not from our notes).</summary>
    Task<string?> ProductionVersionAsync(CancellationToken cancellation);

    Task SwapAsync(CancellationToken cancellation);

    /// <summary>
    /// A second slot running the previous version at the canary's share, so canary and baseline are judged on equal
    /// footing (both fresh, both small); tell them apart in the gate by a slot-sticky custom dimension.
    /// </summary>
    bool HasBaseline { get; }

    Task<(bool Ok, string Detail)> DeployBaselineAsync(string version, CancellationToken cancellation);

    Task SetBaselineTrafficAsync(double percent, CancellationToken cancellation);
}

/// <summary>A slot rollout's part of the state; <see cref="TrafficIntent"/> is written before traffic moves, <see cref="Traffic"/> after.</summary>
/// <param name="Steps">The shares of production's traffic, rising.</param>
/// <param name="Deployed">The new version is on the slot and passed its self-test.</param>
/// <param name="SwapIntent">A swap into production may have happened: a rollback asks production and swaps back.</param>
public sealed record SlotState(IReadOnlyList<double> Steps, double Traffic, double? TrafficIntent, bool Deployed, bool SwapIntent) : TargetState
{
    public override RolloutKind Kind => RolloutKind.Slot;

    public override int StepCount => Steps.Count;

    public override string StepNoun => "step";

    public override bool IsDeployed => Deployed;
}

/// <summary>
/// App Service slot traffic as a rollout target: deploy to the slot (and the baseline slot) and self-test it, once;
/// a step routes its share of production's traffic to the slot, judged against production; promote swaps, once,
/// asking production first; a rollback swaps back if the swap happened and routes the slot's traffic back to 0.
/// Intentions are saved before each change and results after; a re-run redoes the last intention, which the slot's
/// look-before-write makes harmless, so a crash between "traffic moved" and "state saved" moves nothing twice.
/// </summary>
public sealed class SlotTarget(ISlotTarget slot, ISelfTest selfTest) : IRolloutTarget
{
    /// <summary>The canary side's name for the gate and the self-test.</summary>
    public const string CanarySide = "canary";

    /// <summary>The baseline side's name for the gate.</summary>
    public const string ProductionSide = "production";

    /// <summary>The baseline slot's name for the self-test.</summary>
    public const string BaselineSide = "baseline";

    /// <summary>Shares of production's traffic when none are given.</summary>
    public static readonly IReadOnlyList<string> DefaultSteps = ["1", "5", "25", "50"];

    /// <summary>A new slot rollout, no traffic on the slot yet.</summary>
    public static RolloutState Start(IReadOnlyList<double> steps, string version, string previous, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return new RolloutState(version, previous, RolloutPhase.Started, 0,
            [new RolloutEvent(now, $"rollout of {version} (from {previous}) through a slot at {string.Join(", ", steps.Select(s => s.ToString("0.##", CultureInfo.InvariantCulture) + "%"))} planned")],
            new SlotState(steps, 0, null, false, false));
    }

    /// <summary>"1,5,25,50": shares of production's traffic, rising, each below 100.</summary>
    public static IReadOnlyList<double> ParseSteps(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var shares = new List<double>();
        foreach (var step in steps)
        {
            var text = step.TrimEnd('%');
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || share is <= 0 or >= 100 || (shares.Count > 0 && share <= shares[^1]))
            {
                throw new InputException($"--steps: '{step}' is not a rising share of traffic between 0 and 100 (e.g. 1,5,25,50)");
            }

            shares.Add(share);
        }

        return shares;
    }

    public async Task<string?> DeployAsync(RolloutRun run, int index, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.State.Slot.Deployed)
        {
            return null;
        }

        var (version, previous) = (run.State.Version, run.State.Previous);
        var (ok, detail) = await slot.DeployAsync(version, cancellation).ConfigureAwait(false);
        run.Log(ok ? $"{version} deployed to the slot" : $"deploying {version} to the slot failed: {detail}");
        if (!ok)
        {
            return $"the deploy failed: {detail}";
        }

        if (slot.HasBaseline)
        {
            var (baselineOk, baselineDetail) = await slot.DeployBaselineAsync(previous, cancellation).ConfigureAwait(false);
            run.Log(baselineOk ? $"{previous} deployed to the baseline slot" : $"deploying {previous} to the baseline slot failed: {baselineDetail}");
            if (!baselineOk)
            {
                return $"the baseline deploy failed: {baselineDetail}";
            }
        }

        // Deployed counts only once the self-test passed: a run resumed in between deploys and tests again.
        var (healthy, report) = await selfTest.CheckAsync(slot.HasBaseline ? [CanarySide, BaselineSide] : [CanarySide], cancellation).ConfigureAwait(false);
        run.Save((run.State with { Target = run.State.Slot with { Deployed = healthy } }).Log(run.Now, $"self-test {(healthy ? "passed" : "failed")}: {report}"));
        run.Report($"self-test {(healthy ? "passed" : "failed")}: {report}");
        return healthy ? null : $"the self-test failed: {report}";
    }

    public Task ExposeAsync(RolloutRun run, int index, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        return RouteAsync(run, run.State.Slot.Steps[index], cancellation, withBaseline: true);
    }

    public (IReadOnlyList<string> Canary, IReadOnlyList<string> Baseline) Sides(RolloutState state) => ([CanarySide], [ProductionSide]);

    public StepText Describe(RolloutState state, int index)
    {
        ArgumentNullException.ThrowIfNull(state);
        var traffic = state.Slot.Traffic;
        return new($"step {index + 1} ({traffic:0.##}%)", $"{traffic:0.##}%", $"{traffic:0.##}% of traffic on the slot; judging it against production");
    }

    public async Task<string?> PromoteAsync(RolloutRun run, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Save(run.State.Slot with { SwapIntent = true });
        if (await slot.ProductionVersionAsync(cancellation).ConfigureAwait(false) != run.State.Version)
        {
            await slot.SwapAsync(cancellation).ConfigureAwait(false);
            run.Log($"swapped: production runs {run.State.Version}");
        }

        // After the swap the slot holds the previous version: a holdout while watching, then no more traffic.
        return null;
    }

    public string Promoted(RolloutState state) => "in production";

    public Task HoldOutAsync(RolloutRun run, double percent, CancellationToken cancellation) => RouteAsync(run, percent, cancellation);

    public async Task<bool> RollBackAsync(RolloutRun run, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.State.Slot.SwapIntent && await slot.ProductionVersionAsync(cancellation).ConfigureAwait(false) == run.State.Version)
        {
            await slot.SwapAsync(cancellation).ConfigureAwait(false);
            run.Log($"swapped back: production runs {run.State.Previous}");
        }

        await RouteAsync(run, 0, cancellation).ConfigureAwait(false);
        run.Log($"rolled back: production on {run.State.Previous}, no traffic on the slot");
        return true;
    }

    /// <param name="withBaseline">During the ramp the baseline slot gets the canary's share; otherwise none.</param>
    private async Task RouteAsync(RolloutRun run, double percent, CancellationToken cancellation, bool withBaseline = false)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Save(run.State.Slot with { TrafficIntent = percent });
        await slot.SetTrafficAsync(percent, cancellation).ConfigureAwait(false);
        if (slot.HasBaseline)
        {
            await slot.SetBaselineTrafficAsync(withBaseline ? percent : 0, cancellation).ConfigureAwait(false);
        }

        var baseline = slot.HasBaseline && withBaseline ? $" and {percent:0.##}% on the baseline slot" : string.Empty;
        run.Save((run.State with { Target = run.State.Slot with { Traffic = percent, TrafficIntent = null } }).Log(run.Now, $"{percent:0.##}% of production's traffic on the slot{baseline}"));
    }
}

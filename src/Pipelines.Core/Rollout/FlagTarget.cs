using System.Globalization;
using Pipelines.Core.Errors;

namespace Pipelines.Core.Rollout;

/// <summary>
/// A feature flag rollout's part of the state. <see cref="PercentIntent"/> is written before the flag is moved and
/// <see cref="Percent"/> after, so a run resumed after a crash knows whether the store already took the share.
/// </summary>
/// <param name="Flag">The flag's name in the store.</param>
/// <param name="Store">Where the flag lives (a file, an App Configuration endpoint; never a secret), for messages and to refuse another store's state.</param>
/// <param name="Steps">The shares of users, rising; a last 100 is the promote's share.</param>
/// <param name="Percent">The share this rollout last wrote (or found at its start); null before the flag was first read.</param>
/// <param name="PercentIntent">The share about to be written; null when no write is under way.</param>
public sealed record FlagState(string Flag, string Store, IReadOnlyList<double> Steps, double? Percent, double? PercentIntent) : TargetState
{
    public override RolloutKind Kind => RolloutKind.Flag;

    /// <summary>A last step of 100 is not a step judged against anyone: promote sets it.</summary>
    public override int StepCount => Steps.Count > 0 && Steps[^1] >= 100 ? Steps.Count - 1 : Steps.Count;

    public override string StepNoun => "step";

    /// <summary>A flag has nothing to deploy: no phase stops between "deployed" and "ramped".</summary>
    public override bool IsDeployed => false;
}

/// <summary>
/// A feature flag's share of users as a rollout target (push is not release): a step sets the flag's share to the
/// step's percentage, judged by the users who see the feature (cohort "on") against those who do not ("off");
/// promote sets 100%; a holdout after it keeps a share of users off; a rollback is the kill switch, 0% at once.
/// Every write is conditional on the flag as just read: a ramp that meets someone else's change stops (exit 3) and
/// names it, while the kill switch reads again and still sets 0%. The intention is saved before a write and the
/// share after, so a run resumed after a crash finds the store at the intended share and writes nothing twice.
/// </summary>
public sealed class FlagTarget(IFlagStore store) : IRolloutTarget
{
    /// <summary>The cohort of users who see the feature: the gate's canary side.</summary>
    public const string OnCohort = "on";

    /// <summary>The cohort of users who do not: the gate's baseline side.</summary>
    public const string OffCohort = "off";

    /// <summary>The system named when the store keeps changing under the kill switch or the ramp meets a change.</summary>
    public const string SystemName = "feature flag store";

    /// <summary>How many times the kill switch reads again after a concurrent change before it leaves the rollback to the next run.</summary>
    public const int KillSwitchTries = 5;

    /// <summary>Shares of users when none are given: Google's 1%, then up to everyone.</summary>
    public static readonly IReadOnlyList<string> DefaultSteps = ["1", "5", "25", "50", "100"];

    /// <summary>A new flag rollout: nothing read or written yet.</summary>
    public static RolloutState Start(string flag, string storeName, IReadOnlyList<double> steps, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return new RolloutState(flag, "off", RolloutPhase.Started, 0,
            [new RolloutEvent(now, $"release of flag {flag} in {storeName} at {string.Join(", ", steps.Select(s => Share(s) + "%"))} of users planned")],
            new FlagState(flag, storeName, steps, null, null));
    }

    /// <summary>"1,5,25,50,100": shares of users, rising, above 0 and at most 100.</summary>
    public static IReadOnlyList<double> ParseSteps(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var shares = new List<double>();
        foreach (var step in steps)
        {
            var text = step.TrimEnd('%');
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || share is <= 0 or > 100 || double.IsNaN(share)
                || (shares.Count > 0 && share <= shares[^1]))
            {
                throw new InputException($"--steps: '{step}' is not a rising share of users above 0 and at most 100 (e.g. 1,5,25,50,100)");
            }

            shares.Add(share);
        }

        return shares.Count > 0 ? shares : throw new InputException("--steps: no share of users given (e.g. 1,5,25,50,100)");
    }

    /// <summary>Nothing to deploy; the first time, the flag is read, so a missing or non-sticky flag is refused before anything moves.</summary>
    public async Task<string?> DeployAsync(RolloutRun run, int index, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        var flag = run.State.Target as FlagState ?? throw new InvalidOperationException("not a flag rollout");
        if (flag.Percent is null && flag.PercentIntent is null)
        {
            var seen = await store.ReadAsync(flag.Flag, cancellation).ConfigureAwait(false);
            run.Save((run.State with { Target = flag with { Percent = seen.Percent } }).Log(run.Now, $"flag {flag.Flag} found at {Share(seen.Percent)}% of users"));
        }

        return null;
    }

    public Task ExposeAsync(RolloutRun run, int index, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        return SetAsync(run, Flag(run.State).Steps[index], cancellation);
    }

    public (IReadOnlyList<string> Canary, IReadOnlyList<string> Baseline) Sides(RolloutState state) => ([OnCohort], [OffCohort]);

    public StepText Describe(RolloutState state, int index)
    {
        var flag = Flag(state);
        var share = Share(flag.Steps[index]);
        return new($"step {index + 1} (flag {flag.Flag} at {share}% of users)", $"{share}% of users",
            $"flag {flag.Flag} at {share}% of users; judging the users with it on against those with it off");
    }

    public async Task<string?> PromoteAsync(RolloutRun run, CancellationToken cancellation)
    {
        await SetAsync(run, 100, cancellation).ConfigureAwait(false);
        return null;
    }

    public string Promoted(RolloutState state) => "at 100% of users";

    public string WatchAlarm(RolloutState state) => $"the watch after flag {Flag(state).Flag} reached its users raised the alarm";

    /// <summary>A holdout of <paramref name="percent"/> keeps that share of users off; 0 ends it (the flag at 100%).</summary>
    public Task HoldOutAsync(RolloutRun run, double percent, CancellationToken cancellation) => SetAsync(run, 100 - percent, cancellation);

    /// <summary>The kill switch: 0% at once, whatever the state file says was written (after a crash it may say nothing).</summary>
    public async Task<bool> RollBackAsync(RolloutRun run, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        var flag = Flag(run.State);
        run.Save(flag with { PercentIntent = 0 });
        for (var attempt = 1; ; attempt++)
        {
            var seen = await store.ReadAsync(flag.Flag, cancellation).ConfigureAwait(false);
            try
            {
                if (seen.Percent != 0)
                {
                    await store.SetPercentAsync(seen, 0, cancellation).ConfigureAwait(false);
                }

                break;
            }
            catch (FlagChangedException ex) when (attempt < KillSwitchTries)
            {
                // Someone changed the flag meanwhile: the kill switch reads again and still sets 0%.
                run.Report($"kill switch: {ex.Message}; reading it again");
            }
            catch (FlagChangedException ex)
            {
                run.Log($"kill switch: {ex.Message} {KillSwitchTries} times; run 'pipelines release rollback' again");
                return false;
            }
        }

        run.Save((run.State with { Target = Flag(run.State) with { Percent = 0, PercentIntent = null } })
            .Log(run.Now, $"kill switch: flag {flag.Flag} at 0% of users"));
        return true;
    }

    /// <summary>
    /// Sets the flag's share, conditional on the flag as just read. Resumed after a crash, a store already at the
    /// intended share is not written again; a store at neither the share last written nor the intended one was
    /// changed by someone else, which a ramp never overwrites.
    /// </summary>
    private async Task SetAsync(RolloutRun run, double percent, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        var flag = Flag(run.State);
        if (flag.Percent == percent && flag.PercentIntent is null)
        {
            return; // already there by this rollout's own write (the holdout's end after promote): nothing to do or say
        }

        run.Save(flag with { PercentIntent = percent });
        var seen = await store.ReadAsync(flag.Flag, cancellation).ConfigureAwait(false);
        if (seen.Percent != percent)
        {
            try
            {
                if (flag.Percent is { } last && seen.Percent != last)
                {
                    throw new FlagChangedException(flag.Flag, $"it is at {Share(seen.Percent)}% of users, and this rollout last set {Share(last)}%");
                }

                await store.SetPercentAsync(seen, percent, cancellation).ConfigureAwait(false);
            }
            catch (FlagChangedException ex)
            {
                run.Save((run.State with { Target = Flag(run.State) with { PercentIntent = null } }).Log(run.Now, $"stopped: {ex.Message}"));
                throw new OutsideSystemException(SystemName, $"{ex.Message}; the release stopped without moving it. Look at who changed it, then run 'pipelines release rollback' or 'run' again", ex);
            }
        }

        run.Save((run.State with { Target = Flag(run.State) with { Percent = percent, PercentIntent = null } })
            .Log(run.Now, $"flag {flag.Flag} at {Share(percent)}% of users"));
    }

    private static FlagState Flag(RolloutState state) => state?.Target as FlagState ?? throw new InvalidOperationException("not a flag rollout");

    private static string Share(double percent) => percent.ToString("0.##", CultureInfo.InvariantCulture);
}

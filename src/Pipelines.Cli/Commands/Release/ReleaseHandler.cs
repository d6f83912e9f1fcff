using System.Globalization;
using Pipelines.Adapters.Formats;
using Pipelines.Cli.Commands.Canary;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Release;

/// <summary>A <c>release</c> phase's inputs read and checked: what the rollout is asked to do, the bake, the watch.</summary>
public sealed record ReleaseRequest(RolloutRequest Rollout, BakePolicy Bake, TimeSpan? Watch, double Holdout);

/// <summary>Reads the phase's inputs, the store and the state file, runs the asked-for phase in the core's engine over the flag, reports.</summary>
public static class ReleaseHandler
{
    public static CommandResult Run(CommandSession session, ReleaseInputs inputs, CancellationToken cancellation) =>
        RunAsync(session, inputs, cancellation).GetAwaiter().GetResult();

    private static async Task<CommandResult> RunAsync(CommandSession session, ReleaseInputs inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var stateFile = new RolloutStateFile(context.ResolvePath(inputs.State), inputs.State);
        var existing = stateFile.Load();
        var action = Enum.Parse<RolloutAction>(inputs.Phase, ignoreCase: true);

        // After the first run the state file names the store and the flag: promote, watch and rollback need no more.
        var storeText = inputs.Store ?? (existing?.Target as FlagState)?.Store
            ?? throw new InputException("--store: required: the feature flag file (e.g. appsettings.json) the service reads its flags from");
        var store = Releases.Store(session, storeText);
        var flag = inputs.Flag ?? (action is RolloutAction.Run or RolloutAction.Ramp ? null : existing?.Version);
        var request = Read(inputs, action, flag, store.Describe);
        var state = RolloutRules.StateFor(request.Rollout, existing, inputs.State, context.Time.GetUtcNow());
        var gate = ReadGate(session, inputs, state.Version);
        var rollout = Releases.Build(context, store, gate, request, stateFile, line => session.Log.WriteLine(line));
        var final = await rollout.Engine.RunAsync(action, state, cancellation).ConfigureAwait(false);

        var result = RolloutResult.Of(final, rollout.LastObservations(), inputs.State, inputs.Report);
        var markdown = ReleaseReport.Markdown(result);
        await RolloutReport.WriteAsync(context, inputs.Report, markdown, cancellation).ConfigureAwait(false);
        return ReleaseReport.Build(result, markdown);
    }

    private static ReleaseRequest Read(ReleaseInputs inputs, RolloutAction action, string? flag, string store)
    {
        var bake = inputs.Bake is { } bakeText ? GateSection.DurationOption(bakeText, "--bake") : TimeSpan.FromMinutes(1);
        var bakePolicy = BakePolicy.From(bake,
            inputs.MinBake is { } min ? GateSection.DurationOption(min, "--min-bake") : null,
            inputs.MaxBake is { } max ? GateSection.DurationOption(max, "--max-bake") : null,
            inputs.Undecided is { } undecided ? CanarySection.ParseUndecided(undecided, "--undecided") : UndecidedPolicy.Hold);
        var holdout = 5.0;
        if (inputs.Holdout is { } holdoutText
            && (!double.TryParse(holdoutText.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out holdout) || holdout is <= 0 or >= 100 || double.IsNaN(holdout)))
        {
            throw new InputException($"--holdout: expected a share of users above 0 and below 100, such as 5, got '{holdoutText}'");
        }

        if (flag is not null && (flag.Length == 0 || flag.Any(c => char.IsControl(c) || c is ':' or '%')))
        {
            throw new InputException($"--flag: '{UntrustedText.ForLine(flag)}' is not a feature flag id (empty, or holds ':', '%' or control characters)");
        }

        var steps = inputs.Steps?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var rollout = new RolloutRequest(action, RolloutKind.Flag, flag, null, null, steps, inputs.Watch is not null, store);
        return new ReleaseRequest(rollout, bakePolicy, inputs.Watch is { } watch ? GateSection.DurationOption(watch, "--watch") : null, holdout);
    }

    /// <summary>The gate from --gate or the config's gate section, with <c>{flag}</c> filled into its sides; null when there is none.</summary>
    private static GateSpec? ReadGate(CommandSession session, ReleaseInputs inputs, string flag)
    {
        var context = session.Context;
        ConfigFile config;
        if (inputs.Gate is { } gateFile)
        {
            config = ConfigFile.Load(context.ResolvePath(gateFile), gateFile, mustExist: true);
        }
        else
        {
            var root = context.ResolvePath(inputs.Repo);
            config = ConfigLoader.Load(context, Directory.Exists(root) ? root : context.WorkingDirectory, inputs.Config);
            if (config.Section("gate") is null)
            {
                return null;
            }
        }

        var gate = GateSection.Read(config);
        Dictionary<string, string> Fill(IReadOnlyDictionary<string, string> side) =>
            side.ToDictionary(p => p.Key.Replace("{flag}", flag, StringComparison.Ordinal), p => p.Value.Replace("{flag}", flag, StringComparison.Ordinal), StringComparer.Ordinal);
        return gate with { Canary = Fill(gate.Canary), Baseline = Fill(gate.Baseline) };
    }
}

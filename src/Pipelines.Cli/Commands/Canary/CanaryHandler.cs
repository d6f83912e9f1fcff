using Pipelines.Adapters.Formats;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>Reads the phase's inputs and the state file, builds the rollout, runs the asked-for phase in the core's engine, reports.</summary>
public static class CanaryHandler
{
    public static CommandResult Run(CommandSession session, CanaryInputs inputs, CancellationToken cancellation) =>
        RunAsync(session, inputs, cancellation).GetAwaiter().GetResult();

    private static async Task<CommandResult> RunAsync(CommandSession session, CanaryInputs inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var root = context.ResolvePath(inputs.Repo);
        var config = ConfigLoader.Load(context, Directory.Exists(root) ? root : context.WorkingDirectory, inputs.Config);
        var settings = CanarySection.Read(config);
        if (inputs.Phase == "self-test")
        {
            return await SelfTestAsync(session, inputs, settings, cancellation).ConfigureAwait(false);
        }

        var gate = config.Section("gate") is null ? null : GateSection.Read(config);
        var request = CanaryRequest.Read(inputs, settings);
        var store = new RolloutStateFile(context.ResolvePath(inputs.State), inputs.State);
        var state = RolloutRules.StateFor(request.Rollout, store.Load(), inputs.State, context.Time.GetUtcNow());
        var rollout = await Rollouts.CanaryAsync(context, settings, gate, request, state, store, line => session.Log.WriteLine(line), cancellation).ConfigureAwait(false);
        var final = await rollout.Engine.RunAsync(request.Rollout.Action, state, cancellation).ConfigureAwait(false);

        var result = RolloutResult.Of(final, rollout.LastObservations(), inputs.State, inputs.Report);
        var markdown = CanaryReport.Markdown(result);
        await RolloutReport.WriteAsync(context, inputs.Report, markdown, cancellation).ConfigureAwait(false);
        return CanaryReport.Build(result, markdown);
    }

    /// <summary>The self-test on its own: every check on every host (or the slot), now.</summary>
    private static async Task<CommandResult> SelfTestAsync(CommandSession session, CanaryInputs inputs, CanarySettings settings, CancellationToken cancellation)
    {
        IReadOnlyList<string>? slotHost = settings.AppService is { } app ? [Rollouts.SlotHost(app)] : null;
        var hosts = CanaryRequest.Hosts(inputs.Hosts) ?? settings.Hosts ?? slotHost
            ?? throw new InputException("--hosts: required (or canary.hosts): the hosts to self-test");
        if (settings.Checks.Count == 0)
        {
            throw new InputException("canary.self-test.checks: no checks configured, so there is nothing to run");
        }

        var (ok, detail) = await Rollouts.SelfTest(settings, session.Context.Time).CheckAsync(hosts, cancellation).ConfigureAwait(false);
        var result = new CommandResult(ok ? ExitCodes.Success : ExitCodes.NegativeVerdict).Output("result", ok ? "passed" : "failed");
        result.Report = $"canary self-test: {(ok ? "passed" : "failed")} — {UntrustedText.ForLine(detail)}\n";
        if (!ok)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Error, detail, Title: "canary self-test"));
        }

        return result;
    }
}

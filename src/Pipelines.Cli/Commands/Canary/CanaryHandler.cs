using Pipelines.Adapters.Fleet;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>Reads the fleet and the gate, then runs the asked-for phase over the state file.</summary>
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
        var store = new StateFile(context.ResolvePath(inputs.State), inputs.State);
        var bake = inputs.Bake is { } bakeText
            ? GateSection.ParseDuration(bakeText) ?? throw new InputException($"--bake: expected a duration such as 30s or 1m, got '{bakeText}'")
            : settings.Bake ?? TimeSpan.FromMinutes(1);
        var deploy = Command(inputs.DeployCommand, "--deploy-command") ?? settings.DeployCommand;
        var rollback = Command(inputs.RollbackCommand, "--rollback-command") ?? settings.RollbackCommand
            ?? throw new InputException("--rollback-command: required (or canary.rollback-command): how to put a host back on {previous}");
        if (deploy is null && inputs.Phase != "rollback")
        {
            throw new InputException("--deploy-command: required (or canary.deploy-command): how to put {version} on {host}");
        }

        // A rollback never deploys the new version: its deploy command is never run.
        var fleet = new CommandFleet(deploy ?? rollback, rollback, context.WorkingDirectory, context.Environment);
        var bakePolicy = BakePolicy.From(bake,
            inputs.MinBake is { } min ? Duration(min, "--min-bake") : settings.MinBake,
            inputs.MaxBake is { } max ? Duration(max, "--max-bake") : settings.MaxBake,
            inputs.Undecided is { } undecided ? CanarySection.ParseUndecided(undecided, "--undecided") : settings.Undecided);
        var fleetGate = FleetGate.Create(Connections.Http, gate, settings.MetricsUrl, bakePolicy, context.Time, line => session.Log.WriteLine(line));
        var runner = new RolloutRunner(fleet,
            new HttpSelfTest(Connections.Http, settings.SelfTestUrl, settings.Checks, settings.SelfTestDeadline, context.Time),
            fleetGate,
            store, Options, context.Time, line => session.Log.WriteLine(line));

        if (settings.AppService is { } appService)
        {
            return await SlotAsync(session, inputs, settings, appService, gate, bakePolicy, cancellation).ConfigureAwait(false);
        }

        if (inputs.Watch is not null || inputs.Phase == "watch")
        {
            throw new InputException("--watch: a fleet keeps no host on the previous version after promote to watch against; run 'pipelines metrics-gate --watch' against a holdout or the previous version's history");
        }

        var existing = store.Load();
        RolloutState final;
        switch (inputs.Phase)
        {
            case "rollback":
                final = await runner.RollbackAsync(existing ?? throw new InputException($"--state: {inputs.State} does not exist, so there is nothing to roll back"),
                    "asked for", cancellation).ConfigureAwait(false);
                break;
            case "promote":
                var ramped = existing ?? throw new InputException($"--state: {inputs.State} does not exist; run 'canary ramp' first");
                if (ramped.Phase is not (RolloutPhase.Ramping or RolloutPhase.Promoting) || ramped.WavesDone < ramped.Waves.Count)
                {
                    throw new InputException($"--state: the rollout of {ramped.Version} is {ramped.Phase.ToString().ToLowerInvariant()} with {ramped.WavesDone} of {ramped.Waves.Count} waves done, so it cannot be promoted");
                }

                final = await runner.PromoteAsync(ramped, cancellation).ConfigureAwait(false);
                break;
            case "deploy":
                final = await runner.DeployFirstWaveAsync(Resume(existing, inputs, settings, context.Time.GetUtcNow()), cancellation).ConfigureAwait(false);
                break;
            default:
                var start = Resume(existing, inputs, settings, context.Time.GetUtcNow());
                final = await runner.RunAsync(start, cancellation, promote: inputs.Phase == "run").ConfigureAwait(false);
                break;
        }

        var markdown = CanaryReport.Markdown(final) + CanaryReport.GateCharts((fleetGate as BakeGate)?.LastObservations ?? []);
        var reportPath = context.ResolvePath(inputs.Report);
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        await File.WriteAllTextAsync(reportPath, markdown, cancellation).ConfigureAwait(false);
        return CanaryReport.Build(final, inputs.State, inputs.Report, markdown);
    }

    /// <summary>The self-test on its own: every check on every host, now.</summary>
    private static async Task<CommandResult> SelfTestAsync(CommandSession session, CanaryInputs inputs, CanarySettings settings, CancellationToken cancellation)
    {
        IReadOnlyList<string>? slotHost = settings.AppService is { } app ? [$"{app.Site}-{app.Slot}.azurewebsites.net"] : null;
        var hosts = Hosts(inputs.Hosts) ?? settings.Hosts ?? slotHost
            ?? throw new InputException("--hosts: required (or canary.hosts): the hosts to self-test");
        if (settings.Checks.Count == 0)
        {
            throw new InputException("canary.self-test.checks: no checks configured, so there is nothing to run");
        }

        var (ok, detail) = await new HttpSelfTest(Connections.Http, settings.SelfTestUrl, settings.Checks, settings.SelfTestDeadline, session.Context.Time)
            .CheckAsync(hosts, cancellation).ConfigureAwait(false);
        var result = new CommandResult(ok ? ExitCodes.Success : ExitCodes.NegativeVerdict).Output("result", ok ? "passed" : "failed");
        result.Report = $"canary self-test: {(ok ? "passed" : "failed")} — {UntrustedText.ForLine(detail)}\n";
        if (!ok)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Error, detail, Title: "canary self-test"));
        }

        return result;
    }

    /// <summary>The appservice target: a slot beside production, traffic steps, the swap.</summary>
    private static async Task<CommandResult> SlotAsync(CommandSession session, CanaryInputs inputs, CanarySettings settings, AppServiceSettings app,
        GateSpec? gate, BakePolicy bake, CancellationToken cancellation)
    {
        var context = session.Context;
        var subscription = app.Subscription ?? context.Get("AZURE_SUBSCRIPTION_ID")
            ?? throw new InputException("canary.appservice.subscription: required (or AZURE_SUBSCRIPTION_ID)");
        var pipeline = Connections.Azure(Adapters.Azure.AzureMonitorClient.ManagementScope);
        var client = new Adapters.Azure.AppServiceClient(pipeline, subscription, app.ResourceGroup, time: context.Time);
        var store = new SlotStateFile(context.ResolvePath(inputs.State), inputs.State);
        var existing = store.Load();
        var slot = app.Location is { } location
            ? await client.EnsureSlotAsync(app.Site, app.Slot, location, cancellation).ConfigureAwait(false)
            : await client.GetSlotAsync(app.Site, app.Slot, cancellation).ConfigureAwait(false)
                ?? throw new InputException($"canary.appservice.slot: {app.Site} has no slot '{app.Slot}'; create it, or give canary.appservice.location to have it created");
        static string Scm(string host) => host.Replace(".azurewebsites.net", ".scm.azurewebsites.net", StringComparison.Ordinal);
        (string, string, string)? baseline = null;
        if (app.BaselineSlot is { } baselineName)
        {
            var baselineSlot = app.Location is { } where
                ? await client.EnsureSlotAsync(app.Site, baselineName, where, cancellation).ConfigureAwait(false)
                : await client.GetSlotAsync(app.Site, baselineName, cancellation).ConfigureAwait(false)
                    ?? throw new InputException($"canary.appservice.baseline-slot: {app.Site} has no slot '{baselineName}'; create it, or give canary.appservice.location");
            baseline = (baselineName, baselineSlot.DefaultHostName, Scm(baselineSlot.DefaultHostName));
        }

        var target = new Adapters.Azure.AppServiceSlotTarget(client, pipeline, Connections.Http,
            new Adapters.Azure.AppServiceSlot(app.Site, app.Slot, slot.DefaultHostName, Scm(slot.DefaultHostName), context.ResolvePath(app.Package), new Uri(app.VersionUrl), app.VersionPath, baseline),
            time: context.Time);
        var version = existing?.Version ?? Require(inputs.Version, "--version", "the version to roll out");
        var previous = existing?.Previous ?? Require(inputs.Previous, "--previous", "the version production runs now");
        var runner = new SlotRolloutRunner(target,
            new HttpSelfTest(Connections.Http, settings.SelfTestUrl.Replace("{host}", slot.DefaultHostName, StringComparison.Ordinal), settings.Checks, settings.SelfTestDeadline, context.Time),
            SourceGate.Create(gate, version, previous, context, bake, line => session.Log.WriteLine(line)),
            store, Options, context.Time, line => session.Log.WriteLine(line),
            WatchFor(inputs, settings, gate, version, previous, context), inputs.Watch is null ? null : new WatchOptions(Duration(inputs.Watch, "--watch"), settings.Holdout));
        SlotRolloutState final;
        switch (inputs.Phase)
        {
            case "rollback":
                final = await runner.RollbackAsync(existing ?? throw new InputException($"--state: {inputs.State} does not exist, so there is nothing to roll back"), "asked for", cancellation)
                    .ConfigureAwait(false);
                break;
            case "promote":
                var ramped = existing ?? throw new InputException($"--state: {inputs.State} does not exist; run 'canary ramp' first");
                final = ramped.StepsDone < ramped.Steps.Count
                    ? throw new InputException($"--state: the rollout of {ramped.Version} has {ramped.StepsDone} of {ramped.Steps.Count} steps done, so it cannot be promoted")
                    : await runner.PromoteAsync(ramped, cancellation).ConfigureAwait(false);
                break;
            case "watch":
                var watched = existing is { Phase: RolloutPhase.Promoted } ? existing
                    : throw new InputException($"--state: {inputs.State} holds no promoted rollout to watch");
                final = inputs.Watch is null
                    ? throw new InputException("--watch: how long to watch, e.g. 30m")
                    : await runner.WatchAsync(watched, cancellation).ConfigureAwait(false);
                break;
            case "deploy":
                final = await runner.DeployAsync(existing is { Phase: not (RolloutPhase.Promoted or RolloutPhase.RolledBack) } && existing.Version == inputs.Version
                    ? existing
                    : SlotRolloutState.Start(SlotRolloutState.ParseSteps([.. inputs.Steps?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? settings.Steps ?? ["1", "5", "25", "50"]]),
                        version, previous, context.Time.GetUtcNow()), cancellation).ConfigureAwait(false);
                break;
            default:
                var start = existing is { Phase: not (RolloutPhase.Promoted or RolloutPhase.RolledBack) } && existing.Version == inputs.Version
                    ? existing
                    : SlotRolloutState.Start(SlotRolloutState.ParseSteps([.. inputs.Steps?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? settings.Steps ?? ["1", "5", "25", "50"]]),
                        Require(inputs.Version, "--version", "the version to roll out"), Require(inputs.Previous, "--previous", "the version production runs now"), context.Time.GetUtcNow());
                final = await runner.RunAsync(start, cancellation, promote: inputs.Phase == "run").ConfigureAwait(false);
                break;
        }

        var markdown = CanaryReport.SlotMarkdown(final);
        var reportPath = context.ResolvePath(inputs.Report);
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        await File.WriteAllTextAsync(reportPath, markdown, cancellation).ConfigureAwait(false);
        return CanaryReport.BuildSlot(final, inputs.State, inputs.Report, markdown);
    }

    /// <summary>
    /// The gate bakes each wave until its evidence decides, up to max-bake, so the runner never judges a wave twice:
    /// what is still undecided at max-bake is the undecided policy's to settle.
    /// </summary>
    private static RolloutOptions Options => new(TimeSpan.Zero, InconclusivePolicy.Rollback, MaxHolds: 0);

    private static SourceWatch? WatchFor(CanaryInputs inputs, CanarySettings settings, GateSpec? gate, string version, string previous, CliContext context) => inputs.Watch is null
        ? null
        : new SourceWatch(gate ?? throw new InputException("--watch: watching needs the metrics in a gate section"), version, previous, context, Duration(inputs.Watch, "--watch"), settings.Holdout);

    private static TimeSpan Duration(string text, string option) =>
        GateSection.ParseDuration(text) ?? throw new InputException($"{option}: expected a duration such as 30m or 2h, got '{text}'");

    /// <summary>A new rollout, or the one in the state file when it is the same version and not finished.</summary>
    private static RolloutState Resume(RolloutState? existing, CanaryInputs inputs, CanarySettings settings, DateTimeOffset now)
    {
        var version = Require(inputs.Version, "--version", "the version to roll out");
        if (existing is { Phase: not (RolloutPhase.Promoted or RolloutPhase.RolledBack) })
        {
            return existing.Version == version
                ? existing
                : throw new InputException($"--state: a rollout of {existing.Version} is {existing.Phase.ToString().ToLowerInvariant()} in {inputs.State}; roll it back or finish it first");
        }

        var previous = Require(inputs.Previous, "--previous", "the version the fleet runs now");
        foreach (var (value, option) in new[] { (version, "--version"), (previous, "--previous") })
        {
            if (value.StartsWith('-') || value.Any(char.IsControl))
            {
                throw new InputException($"{option}: '{UntrustedText.ForLine(value)}' cannot be a version (it starts with '-' or holds control characters)");
            }
        }

        var hosts = Hosts(inputs.Hosts) ?? settings.Hosts ?? throw new InputException("--hosts: required (or canary.hosts): the fleet to deploy to");
        var bad = hosts.FirstOrDefault(h => h.Length == 0 || h.StartsWith('-') || h.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)));
        if (bad is not null)
        {
            throw new InputException($"--hosts: '{UntrustedText.ForLine(bad)}' is not a host name (empty, starts with '-', or holds spaces or control characters)");
        }

        var steps = inputs.Steps?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? settings.Steps ?? RolloutPlan.DefaultSteps;
        return RolloutState.Start(RolloutPlan.For(hosts, [.. steps]), version, previous, now);
    }

    private static List<string>? Hosts(string? given)
    {
        if (given is null)
        {
            return null;
        }

        var lines = File.Exists(given) ? File.ReadAllLines(given) : given.Split(',');
        return [.. lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    private static IReadOnlyList<string>? Command(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? null : ArgumentSplitter.Split(text, option);

    private static string Require(string? value, string option, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new InputException($"{option}: required: {what}") : value;
}

using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Fleet;
using Pipelines.Cli.Commands.Canary;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Composition;

/// <summary>A canary's rollout, wired: the core's engine over its target, and the last bake's measurements for the report's charts.</summary>
public sealed record CanaryRollout(RolloutEngine Engine, Func<IReadOnlyList<MetricObservation>> LastObservations);

/// <summary>
/// Builds a canary's rollout from the settings: the target (a fleet driven by the team's commands, or an App Service
/// slot through ARM and Kudu), its self-test, the gate that bakes each step, and the watch after promote — around the
/// core's one <see cref="RolloutEngine"/>.
/// </summary>
public static class Rollouts
{
    public static Task<CanaryRollout> CanaryAsync(
        CliContext context, CanarySettings settings, GateSpec? gate, CanaryRequest request, RolloutState state, IRolloutStore store, Action<string> progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        return settings.AppService is { } app
            ? SlotAsync(context, settings, app, gate, request, state, store, progress, cancellation)
            : Task.FromResult(Fleet(context, settings, gate, request, store, progress));
    }

    /// <summary>The self-test of <c>canary self-test</c>: every check on <paramref name="hosts"/>, or on the slot's host.</summary>
    public static HttpSelfTest SelfTest(CanarySettings settings, TimeProvider time, string? slotHost = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var url = slotHost is null ? settings.SelfTestUrl : settings.SelfTestUrl.Replace("{host}", slotHost, StringComparison.Ordinal);
        return new HttpSelfTest(Connections.Http, url, settings.Checks, settings.SelfTestDeadline, time);
    }

    /// <summary>The slot's host name, as App Service names it.</summary>
    public static string SlotHost(AppServiceSettings app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return $"{app.Site}-{app.Slot}.azurewebsites.net";
    }

    /// <summary>A fleet: the team's commands per host, the gate over each host's own /metrics, scraped interval by interval.</summary>
    private static CanaryRollout Fleet(CliContext context, CanarySettings settings, GateSpec? gate, CanaryRequest request, IRolloutStore store, Action<string> progress)
    {
        // A rollback never deploys the new version: its deploy command is never run.
        var fleet = new CommandFleet(request.DeployCommand ?? request.RollbackCommand!, request.RollbackCommand!, context.WorkingDirectory, context.Environment);
        var bakeGate = gate is null ? null : Bake(gate, (canary, baseline) => MetricsSources.Scrape(canary, baseline, settings.MetricsUrl, gate, context.Time), request.Bake, context.Time, progress);
        var engine = new RolloutEngine(new FleetTarget(fleet, SelfTest(settings, context.Time)),
            bakeGate ?? (IRolloutGate)new SelfTestOnlyGate(request.Bake.MinBake, context.Time), store, RolloutOptions.GateBakes, context.Time, progress);
        return new CanaryRollout(engine, () => bakeGate?.LastObservations ?? []);
    }

    /// <summary>
    /// A slot beside production: the gate's own provider (azure-monitor, prometheus, …) asked for the last interval after
    /// each interval, the new version told from the previous one by the gate's selectors with <c>{version}</c> and
    /// <c>{previous}</c> filled in (not by slot name, which goes stale after a swap).
    /// </summary>
    private static async Task<CanaryRollout> SlotAsync(CliContext context, CanarySettings settings, AppServiceSettings app, GateSpec? gate, CanaryRequest request,
        RolloutState state, IRolloutStore store, Action<string> progress, CancellationToken cancellation)
    {
        var subscription = app.Subscription ?? context.Get("AZURE_SUBSCRIPTION_ID")
            ?? throw new InputException("canary.appservice.subscription: required (or AZURE_SUBSCRIPTION_ID)");
        var endpoints = AzureEndpoints.From(context);
        var (client, pipeline) = AppService(endpoints, Connections.Credential(endpoints.AuthorityHost), subscription, app.ResourceGroup, context.Time);
        var slot = await SlotAsync(client, app, app.Slot, "canary.appservice.slot", cancellation).ConfigureAwait(false);
        static string Scm(string host) => AzureCloud.ScmHost(host);
        (string, string, string)? baseline = null;
        if (app.BaselineSlot is { } baselineName)
        {
            var baselineSlot = await SlotAsync(client, app, baselineName, "canary.appservice.baseline-slot", cancellation).ConfigureAwait(false);
            baseline = (baselineName, baselineSlot.DefaultHostName, Scm(baselineSlot.DefaultHostName));
        }

        var target = new AppServiceSlotTarget(client, pipeline, Connections.Http,
            new AppServiceSlot(app.Site, app.Slot, slot.DefaultHostName, Scm(slot.DefaultHostName), context.ResolvePath(app.Package), new Uri(app.VersionUrl), app.VersionPath, baseline),
            endpoints.Kudu, context.Time)
        {
            BaselineScmEndpoint = endpoints.Kudu,
        };
        var perInterval = gate is null ? null : gate.ForVersions(state.Version, state.Previous) with { Window = gate.Interval };
        var judge = perInterval is null
            ? (IRolloutGate)new SelfTestOnlyGate(request.Bake.MinBake, context.Time)
            : Bake(perInterval, (_, _) => MetricsSources.For(perInterval, context, data: null), request.Bake, context.Time, progress);
        GateWatch? watch = null;
        if (request.Watch is { } duration)
        {
            var watched = perInterval ?? throw new InputException("--watch: watching needs the metrics in a gate section");
            watch = new GateWatch(MetricsSources.For(watched, context, data: null), [.. watched.Metrics.Select(m => m.Spec)], Queries(watched), watched.Policy,
                watched.Interval, duration, settings.Holdout, context.Time);
        }

        var engine = new RolloutEngine(new SlotTarget(target, SelfTest(settings, context.Time, slot.DefaultHostName)), judge, store, RolloutOptions.GateBakes, context.Time, progress,
            watch, request.Watch is { } watchFor ? new WatchOptions(watchFor, settings.Holdout) : null);
        return new CanaryRollout(engine, () => []);
    }

    /// <summary>App Service through the cloud's (or the overridden) Resource Manager, with tokens for the cloud's audience; the pipeline also carries Kudu's calls.</summary>
    public static (AppServiceClient Client, global::Azure.Core.Pipeline.HttpPipeline Pipeline) AppService(
        AzureEndpoints endpoints, global::Azure.Core.TokenCredential credential, string subscription, string resourceGroup, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var pipeline = Connections.Azure(endpoints.Cloud.ManagementScope, credential);
        return (new AppServiceClient(pipeline, subscription, resourceGroup, endpoints.ResourceManager, time), pipeline);
    }

    private static async Task<SlotInfo> SlotAsync(AppServiceClient client, AppServiceSettings app, string name, string key, CancellationToken cancellation) =>
        app.Location is { } location
            ? await client.EnsureSlotAsync(app.Site, name, location, cancellation).ConfigureAwait(false)
            : await client.GetSlotAsync(app.Site, name, cancellation).ConfigureAwait(false)
                ?? throw new InputException($"{key}: {app.Site} has no slot '{name}'; create it, or give canary.appservice.location to have it created");

    private static BakeGate Bake(GateSpec gate, Func<IReadOnlyList<string>, IReadOnlyList<string>, IMetricsSource> source, BakePolicy bake, TimeProvider time, Action<string> progress) =>
        new(source, [.. gate.Metrics.Select(m => m.Spec)], Queries(gate), gate.Policy, bake, gate.Interval, time, progress);

    private static List<MetricQuery> Queries(GateSpec gate) => [.. gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))];
}

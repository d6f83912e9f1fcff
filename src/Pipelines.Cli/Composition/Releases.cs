using Pipelines.Adapters.Flags;
using Pipelines.Cli.Commands.Canary;
using Pipelines.Cli.Commands.Release;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;

namespace Pipelines.Cli.Composition;

/// <summary>
/// Builds a flag release: the store (the Feature Management file; Azure App Configuration is to come), the gate that
/// bakes each step with its two sides selecting the cohorts (flag on, flag off), and the watch after 100% — around
/// the core's one <see cref="RolloutEngine"/>.
/// </summary>
public static class Releases
{
    /// <summary>The flag store <paramref name="store"/> names: a file path; an App Configuration endpoint is refused until its client is wired.</summary>
    public static IFlagStore Store(CommandSession session, string store)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(store);
        if (session.Context.Get(ReleaseCommand.ConnectionStringVariable) is { Length: > 0 } secret)
        {
            session.AddSecret(secret);
        }

        if (store.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || store.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || store.StartsWith("Endpoint=", StringComparison.OrdinalIgnoreCase))
        {
            throw new InputException($"--store: an Azure App Configuration store ({UntrustedText.ForLine(store.Split(';')[0])}) is not wired yet; give a Feature Management JSON file");
        }

        return new FeatureFlagFile(session.Context.ResolvePath(store), store);
    }

    public static CanaryRollout Build(CliContext context, IFlagStore store, GateSpec? gate, ReleaseRequest request, IRolloutStore stateStore, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var perInterval = gate is null ? null : gate with { Window = gate.Interval };
        var bakeGate = perInterval is null ? null
            : new BakeGate((_, _) => MetricsSources.For(perInterval, context, data: null), [.. perInterval.Metrics.Select(m => m.Spec)], Queries(perInterval),
                perInterval.Policy, request.Bake, perInterval.Interval, context.Time, progress);
        GateWatch? watch = null;
        if (request.Watch is { } duration)
        {
            var watched = perInterval ?? throw new InputException("--watch: watching needs the metrics in a gate section (--gate)");
            watch = new GateWatch(MetricsSources.For(watched, context, data: null), [.. watched.Metrics.Select(m => m.Spec)], Queries(watched), watched.Policy,
                watched.Interval, duration, request.Holdout, context.Time);
        }

        var engine = new RolloutEngine(new FlagTarget(store), bakeGate ?? (IRolloutGate)new SelfTestOnlyGate(request.Bake.MinBake, context.Time), stateStore,
            RolloutOptions.GateBakes, context.Time, progress, watch, request.Watch is { } watchFor ? new WatchOptions(watchFor, request.Holdout) : null);
        return new CanaryRollout(engine, () => bakeGate?.LastObservations ?? []);
    }

    private static List<MetricQuery> Queries(GateSpec gate) => [.. gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))];
}

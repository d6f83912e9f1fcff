using Azure.Core.Pipeline;
using Pipelines.Adapters.AppConfiguration;
using Pipelines.Adapters.Azure;
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
/// Builds a flag release: the store (a Feature Management file, or Azure App Configuration), the gate that
/// bakes each step with its two sides selecting the cohorts (flag on, flag off), and the watch after 100% — around
/// the core's one <see cref="RolloutEngine"/>.
/// </summary>
public static class Releases
{
    /// <summary>
    /// The flag store <paramref name="store"/> names: an App Configuration endpoint (signed with the connection string
    /// in <see cref="ReleaseCommand.ConnectionStringVariable"/> when set, else the ambient Azure credential), or a
    /// Feature Management JSON file.
    /// </summary>
    public static IFlagStore Store(CommandSession session, string store)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(store);
        var connectionString = session.Context.Get(ReleaseCommand.ConnectionStringVariable) is { Length: > 0 } given ? given : null;
        if (connectionString is not null)
        {
            session.AddSecret(connectionString);
        }

        if (store.StartsWith("Endpoint=", StringComparison.OrdinalIgnoreCase))
        {
            // On the command line it would be in every process list and build log.
            throw new InputException($"--store: give the App Configuration endpoint (https://<name>.azconfig.io); its connection string goes in {ReleaseCommand.ConnectionStringVariable}, never in an option");
        }

        if (store.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || store.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            var endpoints = AzureEndpoints.From(session.Context);
            return AppConfigurationFlagStore.Open(
                store, connectionString, connectionString is null ? Connections.Credential(endpoints.AuthorityHost) : null, session.AddSecret,
                options: new AzureClientOptions { Transport = new HttpClientTransport(Connections.Http) }, time: session.Context.Time);
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

using Pipelines.Adapters.AppConfiguration;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// Issue #16's kill switch on App Configuration: the time from the gate's decided fail to the flag at 0% — the engine's
/// rollback over the store, a read and a conditional write, both HMAC-signed — against the local stand-in on 127.0.0.1,
/// with the store opened once as a running release holds it.
/// It measures our client and the local round trips, not Azure's latency.
/// </summary>
internal static class AppConfigurationBench
{
    private const int Runs = 200;
    private const string Flag = """{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"Users":[],"Groups":[],"DefaultRolloutPercentage":25}}}]}}""";

    public static IReadOnlyList<BenchRow> Run()
    {
        using var standIn = new AppConfigurationStandIn(secret: Convert.ToBase64String("bench-secret-0123456789"u8.ToArray()));
        var store = AppConfigurationFlagStore.Open(null, standIn.ConnectionString, null);
        var times = ReleaseBench.KillSwitchTimes(store, "new-checkout", Runs, () => standIn.SetFlag("new-checkout", Flag));
        if (!standIn.AuthFailures.IsEmpty)
        {
            throw new InvalidOperationException("a request was refused as unsigned: a benchmark of a failure measures nothing");
        }

        var note = $"engine kill switch: read + If-Match write, {Runs} runs after 20 warm-ups, local stand-in";
        return
        [
            BenchRow.Info("flag to 0% on App Configuration (stand-in): median", times[times.Count / 2], "ms", note),
            BenchRow.Info("flag to 0% on App Configuration (stand-in): p95", times[(int)Math.Ceiling(times.Count * 0.95) - 1], "ms", note),
        ];
    }
}

using System.Diagnostics;
using Pipelines.Adapters.AppConfiguration;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// Issue #16's kill switch on App Configuration: the time to set a flag to 0% — a read and a conditional write, both
/// HMAC-signed — against the local stand-in on 127.0.0.1, with the store opened once as a running release holds it.
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
        var times = new List<double>(Runs);
        for (var i = -20; i < Runs; i++)
        {
            standIn.SetFlag("new-checkout", Flag);
            var watch = Stopwatch.StartNew();
            var seen = store.ReadAsync("new-checkout", CancellationToken.None).GetAwaiter().GetResult();
            var set = store.SetPercentAsync(seen, 0, CancellationToken.None).GetAwaiter().GetResult();
            watch.Stop();
            if (set.Percent != 0 || !standIn.AuthFailures.IsEmpty)
            {
                throw new InvalidOperationException("the flag was not set to 0%: a benchmark of a failure measures nothing");
            }

            if (i >= 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        var note = $"read + If-Match write, {Runs} runs after 20 warm-ups, local stand-in";
        return
        [
            BenchRow.Info("flag to 0% on App Configuration (stand-in): median", times[times.Count / 2], "ms", note),
            BenchRow.Info("flag to 0% on App Configuration (stand-in): p95", times[(int)Math.Ceiling(times.Count * 0.95) - 1], "ms", note),
        ];
    }
}

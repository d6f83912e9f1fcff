using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipelines.Adapters.Flags;
using Pipelines.Core.Rollout;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// release with the file flag store: how long a broken flag stays on after the gate's decided fail (the kill switch),
/// end to end with the release binary against instances labelled by cohort, and the kill switch's own write in process.
/// The same kill switch over the App Configuration stand-in is <see cref="AppConfigurationBench"/>.
/// </summary>
internal static class ReleaseBench
{
    private const double IntervalSeconds = 0.25;

    private const string Flags = """
        {
          "feature_management": {
            "feature_flags": [
              { "id": "broken-checkout", "enabled": true, "conditions": { "client_filters": [ { "name": "Microsoft.Targeting", "parameters": { "Audience": { "DefaultRolloutPercentage": 0 } } } ] } }
            ]
          }
        }
        """;

    public static IReadOnlyList<BenchRow> Run()
    {
        var cli = PublishedCli.Release; // published before the clock starts
        var rows = new List<BenchRow>();
        using var work = new TempDirectory("pipelines-bench-release");
        var flagsPath = work.Write("flags.json", Flags);
        var servers = Enumerable.Range(0, 4).Select(_ =>
        {
            var scrapes = 0;
            return new FaultServer(request =>
            {
                var n = Interlocked.Increment(ref scrapes);
                var on = File.ReadAllText(flagsPath).Contains("\"DefaultRolloutPercentage\": 0", StringComparison.Ordinal) ? 0 : 1;
                return new FaultResponse(200,
                    $"checkouts_total{{cohort=\"on\",code=\"200\"}} {n * 80 * on}\ncheckouts_total{{cohort=\"on\",code=\"500\"}} {n * 20 * on}\n"
                    + $"checkouts_total{{cohort=\"off\",code=\"200\"}} {n * 99}\ncheckouts_total{{cohort=\"off\",code=\"500\"}} {n}\n");
            });
        }).ToList();
        try
        {
            var targets = string.Join(',', servers.Select(s => new Uri(s.BaseAddress, "/metrics")));
            work.Write("gate.yml", string.Create(CultureInfo.InvariantCulture, $$"""
                gate:
                  provider: scrape
                  interval: {{IntervalSeconds}}s
                  min-samples: 5
                  canary: { targets: "{{targets}}", match: 'cohort="on"' }
                  baseline: { targets: "{{targets}}", match: 'cohort="off"' }
                  metrics:
                    - name: errors
                      kind: ratio
                      query: checkouts_total{code="500"} / checkouts_total
                      critical: true
                """));
            var state = Path.Combine(work.Path, "state.json");
            Measure.Run(cli, ["release", "run", "--flag", "broken-checkout", "--store", flagsPath, "--gate", Path.Combine(work.Path, "gate.yml"), "--steps", "1,5,100",
                "--bake", "2s", "--state", state, "--report", Path.Combine(work.Path, "report.md")]);
            using var json = JsonDocument.Parse(File.ReadAllText(state));
            var timeline = json.RootElement.GetProperty("timeline").EnumerateArray().Select(e => (Time: e.GetProperty("time").GetDateTimeOffset(), What: e.GetProperty("what").GetString()!)).ToList();
            var judged = timeline.First(e => e.What.Contains("judged fail", StringComparison.Ordinal)).Time;
            var off = timeline.First(e => e.What.Contains("kill switch: flag broken-checkout at 0%", StringComparison.Ordinal)).Time;
            var back = new FeatureFlagFile(flagsPath, "flags.json").ReadAsync("broken-checkout", CancellationToken.None).GetAwaiter().GetResult().Percent;
            rows.Add(BenchRow.Time("release (file store): from the gate's decided fail to the flag at 0% of users", off - judged, TimeSpan.FromSeconds(IntervalSeconds),
                string.Create(CultureInfo.InvariantCulture, $"gate interval {IntervalSeconds * 1000:0} ms; the release binary end to end; flag now at {back:0.##}%")));
        }
        finally
        {
            foreach (var server in servers)
            {
                server.Dispose();
            }
        }

        rows.Add(KillSwitchInProcess(work));
        return rows;
    }

    /// <summary>The kill switch alone, in process: read the flag, write 0% atomically, save the state; the median of many.</summary>
    private static BenchRow KillSwitchInProcess(TempDirectory work)
    {
        var path = work.Write("flags-inprocess.json", Flags);
        var store = new FeatureFlagFile(path, "flags.json");
        var times = KillSwitchTimes(store, "broken-checkout", 200,
            () => store.SetPercentAsync(store.ReadAsync("broken-checkout", CancellationToken.None).GetAwaiter().GetResult(), 5, CancellationToken.None).GetAwaiter().GetResult());
        return new BenchRow("release (file store): the kill switch's read and write in process, median of 200", times[times.Count / 2], IntervalSeconds * 1000, "ms",
            string.Create(CultureInfo.InvariantCulture, $"p95 {times[(int)(times.Count * 0.95)]:0.0} ms; atomic rename, lock, conditional on the flag's hash"));
    }

    /// <summary>
    /// The engine's kill switch over <paramref name="store"/> — what a release does on the gate's decided fail — timed
    /// <paramref name="runs"/> times after 20 warm-ups, sorted; <paramref name="reset"/> puts the flag back on before each.
    /// </summary>
    internal static List<double> KillSwitchTimes(IFlagStore store, string flag, int runs, Action reset)
    {
        var times = new List<double>(runs);
        for (var i = -20; i < runs; i++)
        {
            reset();
            var state = FlagTarget.Start(flag, store.Describe, [5, 100], DateTimeOffset.UtcNow) with { Phase = RolloutPhase.Ramping };
            var engine = new RolloutEngine(new FlagTarget(store), new SelfTestOnlyGate(TimeSpan.Zero, TimeProvider.System), new Discard(), RolloutOptions.GateBakes, TimeProvider.System);
            var clock = Stopwatch.StartNew();
            engine.RollbackAsync(state, "bench", CancellationToken.None).GetAwaiter().GetResult();
            clock.Stop();
            if (store.ReadAsync(flag, CancellationToken.None).GetAwaiter().GetResult().Percent != 0)
            {
                throw new InvalidOperationException("the kill switch did not set the flag to 0%: a benchmark of a failure measures nothing");
            }

            if (i >= 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        return times;
    }

    private sealed class Discard : IRolloutStore
    {
        public void Save(RolloutState state)
        {
        }
    }
}

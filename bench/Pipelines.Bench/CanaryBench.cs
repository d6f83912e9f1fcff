using System.Globalization;
using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// canary on a fleet of 8 live instances on 127.0.0.1 (waves 1, 2, 4, then promote), with the release binary:
/// what Pipelines adds to a rollout beyond the bakes, and how long a bad build serves traffic once it is deployed.
/// </summary>
internal static class CanaryBench
{
    private const double BakeSeconds = 2;
    private const double IntervalSeconds = 0.25;

    public static IReadOnlyList<BenchRow> Run()
    {
        var cli = PublishedCli.Release; // published before the clock starts
        var rows = new List<BenchRow>();
        using (var good = new BenchFleet())
        {
            var elapsed = Measure.Once(() => Measure.Run(cli, good.Arguments("v2")));
            var overhead = elapsed - TimeSpan.FromSeconds(3 * BakeSeconds);
            rows.Add(BenchRow.Time("canary: Pipelines' own time in a rollout to 8 hosts (waves 1,2,4 + promote), beyond the bakes", overhead, TimeSpan.FromSeconds(30),
                string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s in all with 3 bakes of {BakeSeconds} s; deploy and self-test included; {(good.AllOn("v2") ? "promoted" : "NOT PROMOTED")}")));
        }

        using (var bad = new BenchFleet())
        {
            Measure.Run(cli, bad.Arguments("v2-bad"));
            var timeline = bad.Timeline();
            var deployed = timeline.First(e => e.What.Contains("on v2-bad", StringComparison.Ordinal)).Time;
            var judged = timeline.First(e => e.What.Contains("judged fail", StringComparison.Ordinal)).Time;
            var back = timeline.First(e => e.What.Contains("back on v1", StringComparison.Ordinal)).Time;
            // Bad data exists once the first interval after the deploy has been measured; from then to traffic 0.
            var interval = TimeSpan.FromSeconds(IntervalSeconds);
            rows.Add(BenchRow.Time("canary: from a bad build's first interval of data to the canary back on the previous version", back - deployed - interval, interval,
                string.Create(CultureInfo.InvariantCulture, $"gate interval {interval.TotalMilliseconds:0} ms; from its deploy: judged after {(judged - deployed).TotalMilliseconds:0} ms, rolled back {(back - judged).TotalMilliseconds:0} ms later; {(bad.AllOn("v1") ? "all on v1" : "NOT ROLLED BACK")}")));
        }

        return rows;
    }

    /// <summary>Eight instances whose error rate follows the version a deploy script writes for them.</summary>
    private sealed class BenchFleet : IDisposable
    {
        private readonly List<FaultServer> _servers = [];
        private readonly TempDirectory _work = new("pipelines-bench-fleet");

        public BenchFleet()
        {
            Directory.CreateDirectory(Path.Combine(_work.Path, "versions"));
            for (var i = 0; i < 8; i++)
            {
                var scrapes = 0;
                FaultServer? server = null;
                server = new FaultServer(request =>
                {
                    var bad = File.ReadAllText(Path.Combine(_work.Path, "versions", server!.BaseAddress.Authority)).Contains("bad", StringComparison.Ordinal);
                    var n = Interlocked.Increment(ref scrapes);
                    return request.Path == "/metrics"
                        ? new FaultResponse(200, $"requests_total{{code=\"200\"}} {n * (bad ? 80 : 99)}\nrequests_total{{code=\"500\"}} {n * (bad ? 20 : 1)}\n")
                        : new FaultResponse(200, "ok");
                });
                _servers.Add(server);
                File.WriteAllText(Path.Combine(_work.Path, "versions", server.BaseAddress.Authority), "v1");
            }

            _work.Write("deploy.sh", $"#!/bin/sh\nprintf '%s' \"$2\" > '{_work.Path}/versions/'\"$1\"\n");
            Programs.RunOrThrow("chmod", ["+x", Path.Combine(_work.Path, "deploy.sh")]);
            _work.Write("pipelines.yml", string.Create(CultureInfo.InvariantCulture, $$"""
                canary:
                  self-test:
                    checks:
                      - path: /health
                gate:
                  interval: {{IntervalSeconds}}s
                  min-samples: 5
                  metrics:
                    - name: errors
                      kind: ratio
                      query: requests_total{code="500"} / requests_total
                      critical: true
                """));
        }

        public string[] Arguments(string version) =>
        [
            "canary", "run", "--hosts", string.Join(',', _servers.Select(s => s.BaseAddress.Authority)), "--version", version, "--previous", "v1",
            "--deploy-command", $"'{_work.Path}/deploy.sh' {{host}} {{version}}", "--rollback-command", $"'{_work.Path}/deploy.sh' {{host}} {{previous}}",
            "--bake", string.Create(CultureInfo.InvariantCulture, $"{BakeSeconds}s"), "--config", Path.Combine(_work.Path, "pipelines.yml"),
            "--state", Path.Combine(_work.Path, "state.json"), "--report", Path.Combine(_work.Path, "report.md"),
        ];

        public bool AllOn(string version) => _servers.All(s => File.ReadAllText(Path.Combine(_work.Path, "versions", s.BaseAddress.Authority)) == version);

        public List<(DateTimeOffset Time, string What)> Timeline()
        {
            using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work.Path, "state.json")));
            return [.. state.RootElement.GetProperty("timeline").EnumerateArray().Select(e => (e.GetProperty("time").GetDateTimeOffset(), e.GetProperty("what").GetString()!))];
        }

        public void Dispose()
        {
            foreach (var server in _servers)
            {
                server.Dispose();
            }

            _work.Dispose();
        }
    }
}

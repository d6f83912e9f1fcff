using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// Live service instances on 127.0.0.1 whose behaviour follows the version a real deploy script gives them: a "bad"
/// version serves 20% errors on /metrics, a "broken" one fails /selftest.
/// </summary>
internal sealed class Fleet : IDisposable
{
    private readonly List<FaultServer> _servers = [];

    public Fleet(int size = 8)
    {
        Directory.CreateDirectory(Path.Combine(Work.Path, "versions"));
        for (var i = 0; i < size; i++)
        {
            var scrapes = 0;
            FaultServer? server = null;
            server = new FaultServer(request =>
            {
                var version = VersionOf(server!.BaseAddress.Authority);
                var bad = version.Contains("bad", StringComparison.Ordinal);
                return request.Path switch
                {
                    "/metrics" => new FaultResponse(200, Metrics(Interlocked.Increment(ref scrapes), bad ? 20 : 1)),
                    "/health" => new FaultResponse(200, $$"""{"status":"ok","version":"{{version}}"}"""),
                    "/selftest" => version.Contains("broken", StringComparison.Ordinal) ? new FaultResponse(500, "GOOG price unavailable") : new FaultResponse(200, "prices ok"),
                    _ => new FaultResponse(404),
                };
            });
            _servers.Add(server);
            File.WriteAllText(Path.Combine(Work.Path, "versions", server.BaseAddress.Authority), "v1");
        }

        Work.Write("deploy.sh", "#!/bin/sh\n# args: host version — written as data, never evaluated\nprintf '%s' \"$2\" > \"versions/$1\"\nprintf '%s\\n' \"$1 $2\" >> deploys.log\n");
        Programs.RunOrThrow("chmod", ["+x", Path.Combine(Work.Path, "deploy.sh")]);
        Work.Write(".pipelines/pipelines.yml", """
            canary:
              deploy-command: ./deploy.sh {host} {version}
              rollback-command: ./deploy.sh {host} {previous}
              steps: 1,2,4
              bake: 1s
              self-test:
                deadline: 2s
                checks:
                  - path: /health
                    json-path: status
                    equals: ok
                  - path: /selftest
                    contains: prices ok
            gate:
              interval: 0.1s
              min-samples: 5
              metrics:
                - name: server-errors
                  kind: ratio
                  query: requests_total{code="500"} / requests_total
                  floor: 2%
                  critical: true
            """);
    }

    public TempDirectory Work { get; } = new("pipelines-fleet");

    public string Hosts => string.Join(',', _servers.Select(s => s.BaseAddress.Authority));

    public IEnumerable<string> Versions => _servers.Select(s => VersionOf(s.BaseAddress.Authority));

    public string VersionOf(string host) => File.ReadAllText(Path.Combine(Work.Path, "versions", host));

    public (int Exit, JsonElement Json, string Error) Canary(string phase, params string[] extra)
    {
        var run = CliRunner.Run(Work.Path, ["canary", phase, "--hosts", Hosts, "--json", .. extra]);
        var json = run.StandardOutput.Length > 0 ? JsonDocument.Parse(run.StandardOutput).RootElement.Clone() : default;
        return (run.ExitCode, json, run.StandardError);
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        Work.Dispose();
    }

    private static string Metrics(int n, int errorsPerScrape) =>
        $"requests_total{{code=\"200\"}} {n * 10 * (100 - errorsPerScrape)}\nrequests_total{{code=\"500\"}} {n * 10 * errorsPerScrape}\n";
}

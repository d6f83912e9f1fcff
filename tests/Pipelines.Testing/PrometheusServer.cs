using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipelines.Testing;

/// <summary>
/// A real Prometheus server (Debian package <c>prometheus</c>; <c>./build.sh test</c> installs it) on 127.0.0.1,
/// scraping the given targets every second, each with its own labels, into a throwaway data folder.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _folder = new("pipelines-prometheus");

    public PrometheusServer(IEnumerable<(Uri Target, IReadOnlyDictionary<string, string> Labels)> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var binary = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("prometheus is not installed: apt-get install prometheus (./build.sh test does this)");
        var config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n");
        var job = 0;
        foreach (var (target, labels) in targets)
        {
            config.Append(CultureInfo.InvariantCulture, $"  - job_name: target{job++}\n    metrics_path: {target.AbsolutePath}\n    static_configs:\n");
            config.Append(CultureInfo.InvariantCulture, $"      - targets: ['{target.Authority}']\n        labels:\n");
            foreach (var (name, value) in labels)
            {
                config.Append(CultureInfo.InvariantCulture, $"          {name}: '{value}'\n");
            }
        }

        _folder.Write("prometheus.yml", config.ToString());
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--config.file=" + Path.Combine(_folder.Path, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(_folder.Path, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilReady();
    }

    public Uri BaseAddress { get; }

    /// <summary>Waits until every target has been scraped at least <paramref name="scrapes"/> times.</summary>
    public void WaitForScrapes(int scrapes, int targets)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var body = http.GetStringAsync(new Uri(BaseAddress, $"api/v1/query?query=count_over_time(up[5m])")).GetAwaiter().GetResult();
            using var document = System.Text.Json.JsonDocument.Parse(body);
            var counts = document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                .Select(r => double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)).ToList();
            if (counts.Count >= targets && counts.All(c => c >= scrapes))
            {
                return;
            }

            Thread.Sleep(250);
        }

        throw new TimeoutException($"Prometheus did not scrape {targets} targets {scrapes} times within a minute");
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _folder.Dispose();
    }

    private void WaitUntilReady()
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if (http.GetAsync(new Uri(BaseAddress, "-/ready")).GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
            }

            if (DateTime.UtcNow >= deadline || _process.HasExited)
            {
                throw new InvalidOperationException("Prometheus did not start" + (_process.HasExited ? $" (exit {_process.ExitCode})" : string.Empty));
            }

            Thread.Sleep(100);
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Pipelines.Testing;

/// <summary>
/// GitHub's own recorded API traffic, and our recordings of the calls it has no scenario for, served by
/// <c>@octokit/fixtures-server</c> through <c>tools/github-fixtures/serve.mjs</c> (tools installed on first use). Each loaded scenario answers its recorded requests once, in order,
/// and checks method, path, headers and body strictly.
/// </summary>
public static class OctokitFixtures
{
    /// <summary>The token the recordings were made with.</summary>
    public const string Token = "0000000000000000000000000000000000000001";

    private static readonly Lazy<Uri> Server = new(Start);

    /// <summary>Loads a scenario (a folder name under @octokit/fixtures/scenarios/api.github.com) and returns its API root.</summary>
    public static async Task<Uri> LoadAsync(string scenario)
    {
        using var http = new HttpClient { BaseAddress = Server.Value };
        using var response = await http.PostAsJsonAsync("fixtures", new { scenario });
        response.EnsureSuccessStatusCode();
        var loaded = await response.Content.ReadFromJsonAsync<Loaded>();
        return new Uri(loaded!.Url.TrimEnd('/') + "/");
    }

    private static Uri Start()
    {
        TestTools.PathOf("@octokit/fixtures-server/bin/server.js");
        var script = SourceTree.PathOf("tools/github-fixtures/serve.mjs");

        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        start.WorkingDirectory = SourceTree.PathOf("tools");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        };

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new Uri($"http://127.0.0.1:{port}/");
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(100);
            }
        }
    }

    private sealed record Loaded(string Id, string Url);
}

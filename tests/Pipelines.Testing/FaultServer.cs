using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipelines.Testing;

/// <summary>One scripted answer: a status, headers, a body, and how long to wait before answering.</summary>
/// <param name="Truncated">Announce the whole body's length, send half of it, and drop the connection.</param>
public sealed record FaultResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default, bool Truncated = false)
{
    /// <summary>Runs <paramref name="effect"/> when the server picks this answer (the server-side effect of a write).</summary>
    public FaultResponse With(Action effect)
    {
        ArgumentNullException.ThrowIfNull(effect);
        effect();
        return this;
    }
}

/// <summary>A request the server received; <paramref name="RawUrl"/> is the path and query exactly as sent (still escaped).</summary>
public sealed record ReceivedRequest(string Method, string Path, string Body, IReadOnlyDictionary<string, string>? Headers = null, string? RawUrl = null)
{
    /// <summary>A request header, or null.</summary>
    public string? Header(string name) => Headers is not null && Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// An HTTP server on 127.0.0.1 for tests of outside calls: it answers from a script (429s, 5xx, slow answers) and
/// falls back to a handler, recording every request, so retries, waits and duplicate writes can be counted.
/// </summary>
public sealed class FaultServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<FaultResponse> _script = new();
    private readonly Func<ReceivedRequest, FaultResponse> _fallback;
    private readonly CancellationTokenSource _stop = new();

    public FaultServer(Func<ReceivedRequest, FaultResponse>? fallback = null)
    {
        _fallback = fallback ?? (_ => new FaultResponse(200, "{}"));
        (_listener, BaseAddress) = Listen();
        _ = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Answers the next requests with these, in order, before the fallback takes over.</summary>
    public FaultServer Then(params FaultResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }

        return this;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var request = new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, await reader.ReadToEndAsync().ConfigureAwait(false),
                headers, context.Request.RawUrl);
            Requests.Enqueue(request);
            var response = _script.TryDequeue(out var scripted) ? scripted : _fallback(request);
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, _stop.Token).ConfigureAwait(false);
            }

            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            var body = Encoding.UTF8.GetBytes(response.Body);
            context.Response.ContentType = "application/json";
            if (response.Truncated)
            {
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2), _stop.Token).ConfigureAwait(false);
                await context.Response.OutputStream.FlushAsync(_stop.Token).ConfigureAwait(false);
                context.Response.Abort();
                return;
            }

            // A length, not chunks: a chunked answer waits out a delayed ACK (about 40 ms a request on loopback).
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The client gave up on this answer (a timeout test) or the server is stopping.
        }
    }

    // A free port can be taken by another test between asking for it and binding it: ask again, a few times.
    private static (HttpListener, Uri) Listen()
    {
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://127.0.0.1:{FreePort()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(address.ToString());
            try
            {
                listener.Start();
                return (listener, address);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.AppConfiguration;

/// <summary>
/// Signs every attempt with an access key (App Configuration's HMAC-SHA256 scheme): <c>x-ms-date</c>,
/// <c>x-ms-content-sha256</c> = base64(SHA-256(body)), and
/// <c>Authorization: HMAC-SHA256 Credential=&lt;id&gt;&amp;SignedHeaders=x-ms-date;host;x-ms-content-sha256&amp;Signature=&lt;sig&gt;</c>
/// where sig = base64(HMAC-SHA256(key, "VERB\npath_and_query\ndate;host;hash")). Run per retry, so a retried request
/// carries a fresh date (the service refuses one more than 15 minutes off).
/// </summary>
internal sealed class HmacSigningPolicy(string id, byte[] key, TimeProvider time) : HttpPipelinePolicy
{
    public const string SignedHeaders = "x-ms-date;host;x-ms-content-sha256";

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var uri = message.Request.Uri.ToUri();
        if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
        {
            throw new InputException($"{uri.GetLeftPart(UriPartial.Authority)}: a signed request is only ever sent over https");
        }

        byte[] body = [];
        if (message.Request.Content is { } content)
        {
            using var buffer = new MemoryStream();
            await content.WriteToAsync(buffer, message.CancellationToken).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        var date = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        var hash = Convert.ToBase64String(SHA256.HashData(body));
        message.Request.Headers.SetValue("x-ms-date", date);
        message.Request.Headers.SetValue("x-ms-content-sha256", hash);
        message.Request.Headers.SetValue("Authorization",
            $"HMAC-SHA256 Credential={id}&SignedHeaders={SignedHeaders}&Signature={Sign(key, message.Request.Method.Method, uri.PathAndQuery, date, uri.Authority, hash)}");
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }

    /// <summary>The signature of one request; the stand-in server checks with the same formula.</summary>
    public static string Sign(byte[] key, string method, string pathAndQuery, string date, string host, string contentHash) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\n{pathAndQuery}\n{date};{host};{contentHash}")));
}

/// <summary>
/// Read-your-writes: App Configuration answers each request with <c>Sync-Token: id=value;sn=n</c>, and a request that
/// sends the tokens back is answered from a replica that has seen them. Without it, the re-read after a 412 could be
/// served from before our own write and call it someone else's change.
/// </summary>
internal sealed class SyncTokenPolicy : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, (string Value, long Sequence)> _tokens = new(StringComparer.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!_tokens.IsEmpty)
        {
            message.Request.Headers.SetValue("Sync-Token", string.Join(",", _tokens.Select(t => $"{t.Key}={t.Value.Value}")));
        }

        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        if (message.HasResponse && message.Response.Headers.TryGetValue("Sync-Token", out var header))
        {
            foreach (var token in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Remember(token);
            }
        }
    }

    // "id=value;sn=n": the value itself is base64 and may end in '='.
    private void Remember(string token)
    {
        var parts = token.Split(';');
        var equals = parts[0].IndexOf('=', StringComparison.Ordinal);
        var sequence = parts.Skip(1).Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("sn=", StringComparison.Ordinal));
        if (equals <= 0 || sequence is null || !long.TryParse(sequence[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var sn))
        {
            return;
        }

        var (id, value) = (parts[0][..equals], parts[0][(equals + 1)..]);
        _tokens.AddOrUpdate(id, (value, sn), (_, old) => sn > old.Sequence ? (value, sn) : old);
    }
}

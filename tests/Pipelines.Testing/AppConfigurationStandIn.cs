using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipelines.Testing;

/// <summary>
/// A local stand-in for the part of Azure App Configuration's key-value REST API that flag stores use (GET and PUT of
/// one key-value), on 127.0.0.1, behaving like the service: a new ETag on every write, 412 on a stale <c>If-Match</c>
/// (or on <c>If-None-Match: *</c> over an existing key), 304 on a matching <c>If-None-Match</c>, 409 on a locked key,
/// Sync-Token on every answer; and it checks every request's authentication: the HMAC-SHA256 signature with the known
/// access key, or a bearer token. Faults can be injected: 429 with <c>retry-after-ms</c>, 5xx, a write carried out whose
/// answer is lost (502, or an answer too late), garbage bodies, and errors that echo the request's secrets back.
/// </summary>
public sealed class AppConfigurationStandIn : IDisposable
{
    public const string FlagContentType = "application/vnd.microsoft.appconfig.ff+json;charset=utf-8";

    private readonly FaultServer _server;
    private readonly object _gate = new();
    private readonly Dictionary<(string Key, string? Label), JsonObject> _store = [];
    private readonly ConcurrentQueue<Func<ReceivedRequest, FaultResponse?>> _faults = new();
    private readonly byte[]? _key;
    private long _sequence;

    /// <param name="id">The access key's id, when requests must be HMAC-signed.</param>
    /// <param name="secret">The access key's secret (base64), when requests must be HMAC-signed.</param>
    /// <param name="token">The bearer token requests must carry, when they are not signed.</param>
    public AppConfigurationStandIn(string? id = "standin-id", string? secret = null, string? token = null)
    {
        Id = id;
        Secret = secret;
        Token = token;
        _key = secret is null ? null : Convert.FromBase64String(secret);
        _server = new FaultServer(Handle);
    }

    public string? Id { get; }

    public string? Secret { get; }

    public string? Token { get; }

    /// <summary>http://127.0.0.1:port/ : the store's endpoint.</summary>
    public Uri Endpoint => _server.BaseAddress;

    /// <summary>A connection string for this store, as the portal shows one.</summary>
    public string ConnectionString => $"Endpoint={Endpoint.GetLeftPart(UriPartial.Authority)};Id={Id};Secret={Secret}";

    public IReadOnlyCollection<ReceivedRequest> Requests => _server.Requests;

    /// <summary>Writes carried out (PUTs that changed the store), ours and anyone else's through <see cref="Set"/> excluded.</summary>
    public int Writes { get; private set; }

    /// <summary>Requests turned away for their authentication, with why.</summary>
    public ConcurrentBag<string> AuthFailures { get; } = [];

    /// <summary>When set, error answers quote the request's Authorization header and this text back (a careless server or proxy echoing a secret).</summary>
    public string? Echo { get; set; }

    /// <summary>Creates or replaces a key-value as someone else would (the portal, another pipeline): a new ETag.</summary>
    public string Set(string key, string? value, string? label = null, string? contentType = FlagContentType, IReadOnlyDictionary<string, string>? tags = null, bool locked = false)
    {
        lock (_gate)
        {
            var tagObject = new JsonObject();
            foreach (var (name, tag) in tags ?? new Dictionary<string, string>())
            {
                tagObject[name] = tag;
            }

            return Store(key, label, value, contentType, tagObject, locked);
        }
    }

    /// <summary>Sets a feature flag's value (key <c>.appconfig.featureflag/&lt;name&gt;</c>).</summary>
    public string SetFlag(string name, string json, string? label = null, IReadOnlyDictionary<string, string>? tags = null) =>
        Set(".appconfig.featureflag/" + name, json, label, FlagContentType, tags);

    /// <summary>The key-value as stored (etag, value, content_type, tags, locked), or null.</summary>
    public JsonObject? Get(string key, string? label = null)
    {
        lock (_gate)
        {
            return _store.TryGetValue((key, label), out var kv) ? (JsonObject)kv.DeepClone() : null;
        }
    }

    public string? FlagValue(string name, string? label = null) => (string?)Get(".appconfig.featureflag/" + name, label)?["value"];

    /// <summary>The next <paramref name="count"/> requests are turned away with 429 and <c>retry-after-ms</c>, not carried out.</summary>
    public void Throttle(int count, int retryAfterMs) => Fault(count, _ => new FaultResponse(429,
        """{"type":"https://azconfig.io/errors/too-many-requests","title":"Resource utilization has surpassed the assigned quota","status":429}""",
        new Dictionary<string, string> { ["retry-after-ms"] = retryAfterMs.ToString(CultureInfo.InvariantCulture) }));

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="status"/>, not carried out.</summary>
    public void Fail(int count, int status = 503) => Fault(count, request => Problem(status, "Server Error", "the store is unavailable", request));

    /// <summary>The next <paramref name="count"/> requests are answered 200 with a body that is not a key-value.</summary>
    public void Garbage(int count, string body = "<html>gateway says hello</html>") => Fault(count, _ => new FaultResponse(200, body));

    /// <summary>The next write is carried out, then its answer lost: a 502, or (with <paramref name="lateBy"/>) an answer that comes too late.</summary>
    public void LoseNextWriteAnswer(TimeSpan? lateBy = null) => _faults.Enqueue(request =>
    {
        if (request.Method != "PUT")
        {
            return null;
        }

        var answer = Route(request);
        return lateBy is { } late ? answer with { Delay = late } : new FaultResponse(502, "<html>bad gateway</html>");
    });

    /// <summary>Just before the next write is taken, someone else changes <paramref name="key"/> (a concurrent writer).</summary>
    public void BeforeNextWrite(Action change) => _faults.Enqueue(request =>
    {
        if (request.Method != "PUT")
        {
            return null;
        }

        change();
        return Route(request);
    });

    public void Dispose() => _server.Dispose();

    private void Fault(int count, Func<ReceivedRequest, FaultResponse> answer)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(answer);
        }
    }

    private FaultResponse Handle(ReceivedRequest request)
    {
        lock (_gate)
        {
            var refused = Authenticate(request);
            if (refused is not null)
            {
                AuthFailures.Add(refused);
                return Problem(401, "Unauthorized", refused, request);
            }

            // A fault that does not apply to this request (a write fault on a read) stays queued for the next.
            if (_faults.TryPeek(out var fault) && fault(request) is { } faulted)
            {
                _faults.TryDequeue(out _);
                return faulted;
            }

            return Route(request);
        }
    }

    private FaultResponse Route(ReceivedRequest request)
    {
        var raw = request.RawUrl ?? request.Path;
        var (path, query) = raw.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? (raw[..q], raw[(q + 1)..]) : (raw, string.Empty);
        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty, StringComparer.Ordinal);
        if (!path.StartsWith("/kv/", StringComparison.Ordinal) || parameters.GetValueOrDefault("api-version") is not { Length: > 0 })
        {
            return Problem(400, "Bad Request", $"not a key-value request with an api-version: {request.Method} {path}", request);
        }

        var key = Uri.UnescapeDataString(path["/kv/".Length..]);
        var label = parameters.TryGetValue("label", out var l) && l != "\0" ? l : null;
        _store.TryGetValue((key, label), out var current);
        switch (request.Method)
        {
            case "GET":
                if (current is null)
                {
                    return Problem(404, "Not Found", $"no key-value {key}", request);
                }

                return request.Header("If-None-Match") is { } none && Matches(none, current) ? new FaultResponse(304, Headers: Headers(current)) : Answer(current);
            case "PUT":
                if (request.Header("If-Match") is { } match && (current is null || !Matches(match, current)))
                {
                    return Problem(412, "Precondition Failed", "the key-value's ETag does not match If-Match", request);
                }

                if (request.Header("If-None-Match") == "*" && current is not null)
                {
                    return Problem(412, "Precondition Failed", "the key-value exists", request);
                }

                if (current is not null && (bool?)current["locked"] == true)
                {
                    return Problem(409, "Conflict", "the key-value is read-only", request);
                }

                var body = JsonNode.Parse(request.Body)!.AsObject();
                var tags = body["tags"] as JsonObject ?? [];
                Store(key, label, (string?)body["value"], (string?)body["content_type"], (JsonObject)tags.DeepClone(), false);
                Writes++;
                return Answer(_store[(key, label)]);
            default:
                return Problem(405, "Method Not Allowed", request.Method, request);
        }
    }

    private string Store(string key, string? label, string? value, string? contentType, JsonObject tags, bool locked)
    {
        var etag = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'a').Replace('/', 'b');
        _store[(key, label)] = new JsonObject
        {
            ["etag"] = etag,
            ["key"] = key,
            ["label"] = label,
            ["content_type"] = contentType,
            ["value"] = value,
            ["tags"] = tags,
            ["locked"] = locked,
            ["last_modified"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss+00:00", CultureInfo.InvariantCulture),
        };
        return etag;
    }

    // If-Match carries the quoted etag (or *); the service also takes it unquoted and weak.
    private static bool Matches(string header, JsonObject current) =>
        header.Split(',').Select(e => e.Trim()).Any(e => e == "*" || e.Replace("W/", string.Empty, StringComparison.Ordinal).Trim('"') == (string)current["etag"]!);

    private FaultResponse Answer(JsonObject kv)
    {
        return new FaultResponse(200, kv.ToJsonString(), Headers(kv));
    }

    private Dictionary<string, string> Headers(JsonObject kv)
    {
        var sn = Interlocked.Increment(ref _sequence);
        return new Dictionary<string, string>
        {
            ["ETag"] = $"W/\"{kv["etag"]}\"",
            ["Sync-Token"] = $"standin={Convert.ToBase64String(BitConverter.GetBytes(sn))};sn={sn}",
        };
    }

    private FaultResponse Problem(int status, string title, string detail, ReceivedRequest request)
    {
        var problem = new JsonObject { ["type"] = "https://azconfig.io/errors/" + title.ToLowerInvariant().Replace(' ', '-'), ["title"] = title, ["status"] = status, ["detail"] = detail };
        if (Echo is not null)
        {
            problem["received"] = request.Header("Authorization");
            problem["echo"] = Echo;
        }

        return new FaultResponse(status, problem.ToJsonString());
    }

    /// <summary>Why the request's authentication is refused, or null.</summary>
    private string? Authenticate(ReceivedRequest request)
    {
        var authorization = request.Header("Authorization");
        if (Token is not null)
        {
            return authorization == "Bearer " + Token ? null : "no valid bearer token";
        }

        if (_key is null)
        {
            return null;
        }

        const string scheme = "HMAC-SHA256 ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.Ordinal))
        {
            return "no HMAC-SHA256 Authorization header";
        }

        var fields = authorization[scheme.Length..].Split('&').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (fields.GetValueOrDefault("Credential") != Id)
        {
            return "unknown access key id";
        }

        var signed = fields.GetValueOrDefault("SignedHeaders")?.Split(';') ?? [];
        if (!signed.Contains("host") || !signed.Contains("x-ms-content-sha256") || !(signed.Contains("x-ms-date") || signed.Contains("date")))
        {
            return "SignedHeaders must name x-ms-date (or date), host and x-ms-content-sha256";
        }

        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body)));
        if (request.Header("x-ms-content-sha256") != hash)
        {
            return "x-ms-content-sha256 is not the body's hash";
        }

        if (!DateTimeOffset.TryParseExact(request.Header("x-ms-date") ?? request.Header("Date"), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || (date - DateTimeOffset.UtcNow).Duration() > TimeSpan.FromMinutes(15))
        {
            return "the date is missing or more than 15 minutes off";
        }

        var values = string.Join(';', signed.Select(h => request.Header(h) ?? string.Empty));
        var toSign = $"{request.Method}\n{request.RawUrl}\n{values}";
        var expected = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(toSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(fields.GetValueOrDefault("Signature") ?? string.Empty))
            ? null
            : "the signature does not match";
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Pipelines.Adapters.Azure;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;

namespace Pipelines.Adapters.AppConfiguration;

/// <summary>
/// Feature flags in Azure App Configuration, over its REST API (key-values, api-version 2024-09-01): a flag is the
/// key-value <c>.appconfig.featureflag/&lt;name&gt;</c> whose value is the flag's JSON in the Microsoft Feature
/// Management schema. Every write is a PUT with <c>If-Match</c> on the ETag read, so neither a retry nor a concurrent
/// writer is ever overwritten; a 412 is settled by reading again: our own write that took (its answer lost) is taken as
/// done, anyone else's change fails as <see cref="FlagChangedException"/>. The label, tags, content type and every
/// other part of the flag are written back as read.
/// </summary>
public sealed class AppConfigurationFlagStore : IFlagStore
{
    public const string SystemName = "Azure App Configuration";
    public const string ApiVersion = "2024-09-01";
    public const string KeyPrefix = ".appconfig.featureflag/";
    public const string FlagContentType = "application/vnd.microsoft.appconfig.ff+json;charset=utf-8";
    public const string KeyValueContentType = "application/vnd.microsoft.appconfig.kv+json";

    /// <summary>Where the CLI takes a connection string from.</summary>
    public const string ConnectionStringVariable = "PIPELINES_APPCONFIG_CONNECTION_STRING";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string? _label;
    private readonly string? _secret;
    private readonly ConcurrentDictionary<(string Flag, string Etag), KeyValue> _read = new();

    internal AppConfigurationFlagStore(HttpPipeline pipeline, Uri endpoint, string? label, string? secret)
    {
        _pipeline = pipeline;
        _endpoint = endpoint;
        _label = label;
        _secret = secret;
    }

    public string Describe => $"App Configuration {_endpoint.GetLeftPart(UriPartial.Authority)}" + (_label is null ? string.Empty : $" (label '{_label}')");

    /// <summary>
    /// The store at <paramref name="endpoint"/> (e.g. <c>https://&lt;name&gt;.azconfig.io</c>, any cloud's, or a local
    /// server's over http on loopback), signed with <paramref name="connectionString"/>'s access key when one is given,
    /// else with a bearer token from <paramref name="credential"/> for the endpoint's audience. The secret is handed to
    /// <paramref name="addSecret"/> before anything else is done with it, so it is masked in everything printed.
    /// </summary>
    /// <param name="endpoint">May be left out when the connection string names it; when both are given they must agree.</param>
    /// <param name="label">The flag's label; none means the no-label key-value.</param>
    /// <param name="endpointInput">The option the endpoint came from, for messages.</param>
    /// <param name="connectionStringInput">Where the connection string came from, for messages.</param>
    /// <param name="time">The clock signed requests are dated by.</param>
    public static AppConfigurationFlagStore Open(
        string? endpoint,
        string? connectionString,
        TokenCredential? credential,
        Action<string>? addSecret = null,
        string? label = null,
        AzureClientOptions? options = null,
        string endpointInput = "--store",
        string connectionStringInput = ConnectionStringVariable,
        TimeProvider? time = null)
    {
        var given = string.IsNullOrWhiteSpace(endpoint) ? null : CheckEndpoint(endpoint, endpointInput);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // Masked first: the whole text too, since a malformed one may not split where the parser thinks.
            addSecret?.Invoke(connectionString.Trim());
            foreach (var part in connectionString.Split(';'))
            {
                if (part.Trim().StartsWith("Secret=", StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var form in SecretForms(part.Trim()[7..].Trim()))
                    {
                        addSecret?.Invoke(form);
                    }
                }
            }

            var key = AppConfigurationConnectionString.Parse(connectionString, connectionStringInput);
            if (given is not null && !string.Equals(given.Authority, key.Endpoint.Authority, StringComparison.OrdinalIgnoreCase))
            {
                throw new InputException($"{endpointInput}: {given.GetLeftPart(UriPartial.Authority)} is not the store {connectionStringInput} is for ({key.Endpoint.GetLeftPart(UriPartial.Authority)})");
            }

            var signed = AzurePipelineFactory.Build(options, new SyncTokenPolicy(), new HmacSigningPolicy(key.Id, key.Key, time ?? TimeProvider.System));
            return new AppConfigurationFlagStore(signed, given ?? key.Endpoint, label, key.Secret);
        }

        if (given is null)
        {
            throw new InputException($"{endpointInput}: required: the App Configuration endpoint (https://<name>.azconfig.io), or a connection string in {connectionStringInput}");
        }

        if (credential is null)
        {
            throw new InputException($"{endpointInput}: no Azure credential to reach {given.GetLeftPart(UriPartial.Authority)}: sign in (azure/login, AzureCLI@2) or set {connectionStringInput}");
        }

        var token = AzurePipelineFactory.Build(options, new SyncTokenPolicy(), new AzurePipelineFactory.BearerTokenPolicy(credential, Scope(given)));
        return new AppConfigurationFlagStore(token, given, label, null);
    }

    /// <summary>
    /// The token scope for an endpoint: the audience of its cloud (public, US Government, China), else the endpoint's own
    /// (the older per-store audience, which is also what a store in another cloud or a local server is asked for).
    /// </summary>
    public static string Scope(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var host = endpoint.Host.ToLowerInvariant();
        return host.EndsWith(".azconfig.io", StringComparison.Ordinal) ? "https://appconfig.azure.com/.default"
            : host.EndsWith(".azconfig.azure.us", StringComparison.Ordinal) ? "https://appconfig.azure.us/.default"
            : host.EndsWith(".azconfig.azure.cn", StringComparison.Ordinal) ? "https://appconfig.azure.cn/.default"
            : endpoint.GetLeftPart(UriPartial.Authority) + "/.default";
    }

    /// <summary>An endpoint: an absolute https URL (http only on loopback, for local servers), with no path or query.</summary>
    public static Uri CheckEndpoint(string text, string input)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || uri.AbsolutePath.Trim('/').Length > 0 || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new InputException($"{input}: '{Quote(text)}' is not an App Configuration endpoint: expected https://<name>.azconfig.io (or your cloud's)");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    public async Task<FlagSnapshot> ReadAsync(string flag, CancellationToken cancellation)
    {
        CheckName(flag);
        var kv = await GetAsync(flag, cancellation).ConfigureAwait(false)
            ?? throw new InputException($"feature flag '{flag}' not found in {Describe} (key {KeyPrefix}{flag}{(_label is null ? ", no label" : $", label '{_label}'")})");
        return Remember(flag, kv);
    }

    public async Task<FlagSnapshot> SetPercentAsync(FlagSnapshot seen, double percent, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (double.IsNaN(percent))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), "a share of users is a number");
        }

        CheckName(seen.Flag);
        var flag = seen.Flag;
        if (!_read.TryGetValue((flag, seen.Version), out var kv))
        {
            // Read in another process (a resumed run): only the same version may be written over.
            kv = await GetAsync(flag, cancellation).ConfigureAwait(false) ?? throw new FlagChangedException(flag, "it was deleted");
            if (kv.Etag != seen.Version)
            {
                throw new FlagChangedException(flag, $"its ETag is {kv.Etag}, not {seen.Version}");
            }

            Remember(flag, kv);
        }

        if (kv.Locked)
        {
            throw new InputException($"feature flag '{flag}' in {Describe} is locked (read-only): unlock it to ramp it");
        }

        // Already there: nothing to write. A disabled flag shows no one yet still has its share zeroed by a 0, so that
        // enabling it by hand later shows no one either.
        var current = Flag(flag, kv);
        if (current.Share == percent && (current.Enabled || percent == 0))
        {
            return Snapshot(flag, kv);
        }

        var value = current.WithPercent(percent);
        var put = await PutAsync(flag, kv, value, cancellation).ConfigureAwait(false);
        if (put is not null)
        {
            return Remember(flag, put);
        }

        // 412: the flag changed since it was read. Ours, if a retry of a write that took (its answer lost); else someone else's.
        var now = await GetAsync(flag, cancellation).ConfigureAwait(false) ?? throw new FlagChangedException(flag, "it was deleted");
        if (now.Value == value && now.ContentType == kv.ContentType && JsonNode.DeepEquals(now.Tags, kv.Tags))
        {
            return Remember(flag, now);
        }

        throw new FlagChangedException(flag, $"its ETag is now {now.Etag}, not {seen.Version}");
    }

    private FlagSnapshot Remember(string flag, KeyValue kv)
    {
        var snapshot = Snapshot(flag, kv);
        _read[(flag, kv.Etag)] = kv;
        return snapshot;
    }

    private FlagSnapshot Snapshot(string flag, KeyValue kv) => new(flag, Flag(flag, kv).Percent, kv.Etag);

    private FeatureFlagValue Flag(string flag, KeyValue kv)
    {
        if (kv.ContentType is null || !kv.ContentType.Replace(" ", string.Empty, StringComparison.Ordinal).StartsWith("application/vnd.microsoft.appconfig.ff+json", StringComparison.OrdinalIgnoreCase))
        {
            throw new InputException($"{KeyPrefix}{flag} in {Describe} is not a feature flag: its content type is '{kv.ContentType ?? "none"}', not {FlagContentType}");
        }

        return FeatureFlagValue.Parse(kv.Value ?? string.Empty, flag, $"{Describe}");
    }

    private string KeyPath(string flag)
    {
        var query = "api-version=" + ApiVersion + (_label is null ? string.Empty : "&label=" + Uri.EscapeDataString(_label));
        return $"kv/{Uri.EscapeDataString(KeyPrefix + flag)}?{query}";
    }

    /// <summary>The flag's key-value, or null when there is none.</summary>
    private async Task<KeyValue?> GetAsync(string flag, CancellationToken cancellation)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(_endpoint, KeyPath(flag)));
        message.Request.Headers.SetValue("Accept", KeyValueContentType + ", application/problem+json");
        var what = $"read feature flag '{flag}'";
        await SendAsync(message, what, cancellation).ConfigureAwait(false);
        var response = message.Response;
        return response.Status switch
        {
            200 => Parse(response, what),
            404 => null,
            _ => throw Failed(response, what),
        };
    }

    /// <summary>The key-value as written, or null on 412 (it is no longer the version read).</summary>
    private async Task<KeyValue?> PutAsync(string flag, KeyValue read, string value, CancellationToken cancellation)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Put;
        message.Request.Uri.Reset(new Uri(_endpoint, KeyPath(flag)));
        message.Request.Headers.SetValue("Accept", KeyValueContentType + ", application/problem+json");
        message.Request.Headers.SetValue("Content-Type", KeyValueContentType);
        message.Request.Headers.SetValue("If-Match", $"\"{read.Etag}\"");
        var body = new JsonObject
        {
            ["value"] = value,
            ["content_type"] = read.ContentType,
            ["tags"] = read.Tags?.DeepClone() ?? new JsonObject(),
        };
        message.Request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
        var what = $"write feature flag '{flag}'";
        await SendAsync(message, what, cancellation).ConfigureAwait(false);
        var response = message.Response;
        return response.Status switch
        {
            200 or 201 => Parse(response, what),
            412 => null,
            409 => throw new OutsideSystemException(SystemName, $"could not {what}: the key-value is locked or in conflict ({Detail(response)})"),
            _ => throw Failed(response, what),
        };
    }

    private async Task SendAsync(HttpMessage message, string what, CancellationToken cancellation)
    {
        try
        {
            await _pipeline.SendWithinBudgetAsync(message, SystemName, what, cancellation).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what} at {Describe}: {Scrub(ex.Message.Split('\n')[0])}", ex);
        }
        catch (AggregateException ex)
        {
            // Azure.Core's retry policy gives up on transport failures (timeouts, dropped connections) with all of them.
            throw new OutsideSystemException(SystemName, $"could not {what} at {Describe}: {Scrub(ex.InnerExceptions[^1].Message.Split('\n')[0])} ({ex.InnerExceptions.Count} attempts)", ex);
        }
        catch (OperationCanceledException ex) when (!cancellation.IsCancellationRequested)
        {
            throw new OutsideSystemException(SystemName, $"could not {what} at {Describe}: no answer in time", ex);
        }
        catch (global::Azure.Identity.AuthenticationFailedException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: no Azure credential ({ex.Message.Split('\n')[0]}); sign in with azure/login or AzureCLI@2, or set {ConnectionStringVariable}", ex);
        }
    }

    private static KeyValue Parse(Response response, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var etag = Text("etag");
            if (root.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(etag))
            {
                throw new OutsideSystemException(SystemName, $"could not {what}: the answer is not a key-value with an etag");
            }

            var tags = root.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object ? JsonNode.Parse(t.GetRawText())!.AsObject() : null;
            var locked = root.TryGetProperty("locked", out var l) && l.ValueKind == JsonValueKind.True;
            return new KeyValue(etag, Text("value"), Text("content_type"), tags, locked);
        }
        catch (JsonException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: the answer is not JSON ({ex.Message})", ex);
        }
        catch (InvalidOperationException ex)
        {
            // A string that is not whole UTF-16 (a lone surrogate escaped in the JSON).
            throw new OutsideSystemException(SystemName, $"could not {what}: the answer is not a readable key-value ({ex.Message})", ex);
        }
    }

    private OutsideSystemException Failed(Response response, string what)
    {
        var hint = response.Status switch
        {
            401 => ": check the access key (the connection string's Id and Secret) or the credential",
            403 => ": the identity needs the App Configuration Data Owner role on the store (Data Reader to read)",
            _ => string.Empty,
        };
        return new OutsideSystemException(SystemName, $"could not {what} at {Describe}: {Detail(response)}{hint}");
    }

    private string Detail(Response response)
    {
        // Scrubbed before it is cut: a cut through the secret would leave its start behind.
        var text = Scrub(response.Content.ToString());
        text = text.Length > 300 ? text[..300] + "…" : text;
        return $"{response.Status} {response.ReasonPhrase} {text}".Trim();
    }

    // A server may echo what it was sent; the secret never reaches a message, neither as given nor as JSON or a URL escapes it.
    private string Scrub(string text)
    {
        foreach (var form in SecretForms(_secret))
        {
            text = text.Replace(form, "***", StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    /// <summary>The secret as given, and as JSON and URLs escape it ('+', '/' and '=' are escaped in both).</summary>
    internal static IReadOnlyList<string> SecretForms(string? secret) =>
        string.IsNullOrEmpty(secret) ? [] : [.. new[] { secret, JsonEncodedText.Encode(secret).ToString(), Uri.EscapeDataString(secret) }.Distinct(StringComparer.Ordinal)];

    private static string Quote(string text) => text.Length > 80 ? text[..80] + "…" : text;

    private static void CheckName(string flag)
    {
        if (string.IsNullOrEmpty(flag) || flag.IndexOfAny([':', '%', '\n', '\r']) >= 0 || flag.Length > 200)
        {
            throw new InputException($"feature flag name '{Quote(flag ?? string.Empty)}': a name is not empty and has no ':', '%' or line break (the Feature Management schema's rule)");
        }
    }

    private sealed record KeyValue(string Etag, string? Value, string? ContentType, JsonObject? Tags, bool Locked);

    public override string ToString() => Describe;
}

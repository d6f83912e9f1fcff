using System.Globalization;
using System.Text.Json;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;

namespace Pipelines.Adapters.Fleet;

/// <summary>One self-test check: a path on every host, what must come back, and how fast.</summary>
/// <param name="JsonPath">A dotted path into a JSON answer (<c>quotes.GOOG.price</c>) that must exist, and equal <paramref name="JsonValue"/> when given.</param>
public sealed record SelfTestCheck(string Path, int Status = 200, string? Contains = null, string? JsonPath = null, string? JsonValue = null, TimeSpan? MaxLatency = null);

/// <summary>
/// kaChing's self-test: freshly deployed hosts are asked over HTTP whether they work, each check retried until it
/// passes or the deadline comes (a service takes a moment to start); any host still failing fails the test. Each probe
/// goes through the retry policy on the probe budget (<see cref="HttpRetryOptions.Probe"/>), cut to what is left of the
/// deadline, so a 503 with Retry-After is waited out but a host that keeps failing still fails in time.
/// </summary>
public sealed class HttpSelfTest(
    HttpClient http, string urlTemplate, IReadOnlyList<SelfTestCheck> checks, TimeSpan deadline, TimeProvider? time = null, HttpRetryOptions? retry = null) : ISelfTest
{
    public const string SystemName = "self-test";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly HttpRetryOptions _budget = retry ?? HttpRetryOptions.Probe;

    public async Task<(bool Ok, string Detail)> CheckAsync(IReadOnlyList<string> hosts, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        if (checks.Count == 0)
        {
            return (true, "no checks configured");
        }

        var results = await Task.WhenAll(hosts.Select(h => HostAsync(h, cancellation))).ConfigureAwait(false);
        var failed = results.Where(r => r.Failure is not null).ToList();
        return failed.Count == 0
            ? (true, $"{hosts.Count} host(s), {checks.Count} check(s) each")
            : (false, string.Join("; ", failed.Select(f => $"{f.Host}: {f.Failure}")));
    }

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    private async Task<(string Host, string? Failure)> HostAsync(string host, CancellationToken cancellation)
    {
        // The monotonic clock, the one Polly's timeouts run on: a probe cut at the deadline by a timer that fires a
        // hair early on the wall clock must not look as if time were left for another probe.
        var started = _time.GetTimestamp();
        TimeSpan Left() => deadline - _time.GetElapsedTime(started);
        foreach (var check in checks)
        {
            string? failure;
            while (true)
            {
                failure = await CheckOnceAsync(host, check, Left(), cancellation).ConfigureAwait(false);
                if (failure is null || Left() <= Pause)
                {
                    break;
                }

                await Task.Delay(Pause, _time, cancellation).ConfigureAwait(false);
            }

            if (failure is not null)
            {
                return (host, $"{check.Path}: {failure}");
            }
        }

        return (host, null);
    }

    private async Task<string?> CheckOnceAsync(string host, SelfTestCheck check, TimeSpan left, CancellationToken cancellation)
    {
        var url = new Uri(urlTemplate.Replace("{host}", host, StringComparison.Ordinal).TrimEnd('/') + "/" + check.Path.TrimStart('/'));

        // The probe's retries end with the deadline; the first attempt always gets its full time.
        var total = left < _budget.AttemptTimeout ? _budget.AttemptTimeout : left < _budget.TotalTimeout ? left : _budget.TotalTimeout;
        var probe = new RetryingHttpClient(http, SystemName, _budget with { TotalTimeout = total }, _time);
        try
        {
            var answer = await probe.ProbeAsync(() => new HttpRequestMessage(HttpMethod.Get, url), cancellation).ConfigureAwait(false);
            using var response = answer.Response;
            var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
            var elapsed = answer.LastAttempt;
            if ((int)response.StatusCode != check.Status)
            {
                return $"status {(int)response.StatusCode}, expected {check.Status}";
            }

            if (check.Contains is { } text && !body.Contains(text, StringComparison.Ordinal))
            {
                return $"the answer does not contain '{text}'";
            }

            if (check.JsonPath is { } path && JsonValueAt(body, path) is var (found, value) && (!found || (check.JsonValue is { } expected && value != expected)))
            {
                return found ? $"{path} is '{value}', expected '{check.JsonValue}'" : $"{path} is missing from the answer";
            }

            return check.MaxLatency is { } max && elapsed > max
                ? string.Create(CultureInfo.InvariantCulture, $"answered in {elapsed.TotalMilliseconds:0} ms, more than {max.TotalMilliseconds:0} ms")
                : null;
        }
        catch (OutsideSystemException ex)
        {
            return $"no answer ({ex.Detail})";
        }
    }

    private static (bool Found, string? Value) JsonValueAt(string body, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var node = document.RootElement;
            foreach (var part in path.Split('.'))
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node))
                {
                    return (false, null);
                }
            }

            return (true, node.ValueKind == JsonValueKind.String ? node.GetString() : node.GetRawText());
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }
}

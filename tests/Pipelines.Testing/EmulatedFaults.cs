using System.Collections.Concurrent;
using System.Text.Json;

namespace Pipelines.Testing;

/// <summary>
/// The faults an emulated service can be told to inject, shared by the emulators: a write carried out whose answer is
/// lost (502), a request turned away once with 429 and Retry-After, and a request the emulator cannot take answered
/// 500 and recorded rather than left hanging.
/// </summary>
public sealed class EmulatedFaults
{
    private readonly ConcurrentDictionary<string, int> _loseAnswer = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _throttle = new(StringComparer.Ordinal);

    /// <summary>Requests the emulator could not take, with why.</summary>
    public ConcurrentBag<string> Errors { get; } = [];

    /// <summary>The next request whose "METHOD path" ends with <paramref name="what"/> is carried out, then answered 502.</summary>
    public void LoseAnswerOnce(string what) => _loseAnswer[what] = 1;

    /// <summary>The next request whose "METHOD path" ends with <paramref name="what"/> is turned away with 429 and Retry-After: 1, not carried out.</summary>
    public void ThrottleOnce(string what) => _throttle[what] = 1;

    /// <summary>Answers <paramref name="request"/> through <paramref name="route"/>, with whatever fault is due for it.</summary>
    public FaultResponse Answer(ReceivedRequest request, Func<ReceivedRequest, FaultResponse> route)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(route);
        if (Due(_throttle, request))
        {
            return new FaultResponse(429, """{"message":"You have exceeded a secondary rate limit."}""", new Dictionary<string, string> { ["Retry-After"] = "1" });
        }

        FaultResponse answer;
        try
        {
            answer = route(request);
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException or FormatException or KeyNotFoundException or NullReferenceException)
        {
            Errors.Add($"{request.Method} {request.Path}: {ex.Message}");
            return new FaultResponse(500, JsonSerializer.Serialize(new { message = ex.Message }));
        }

        return Due(_loseAnswer, request) ? new FaultResponse(502, "<html>bad gateway</html>") : answer;
    }

    private static bool Due(ConcurrentDictionary<string, int> faults, ReceivedRequest request)
    {
        var key = faults.Keys.FirstOrDefault(k => (request.Method + " " + request.Path.Split('?')[0]).EndsWith(k, StringComparison.Ordinal));
        return key is not null && faults.TryRemove(key, out _);
    }
}

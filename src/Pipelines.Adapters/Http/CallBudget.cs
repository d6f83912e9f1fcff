using System.Globalization;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Http;

/// <summary>
/// One command's total time for its outside calls (README, "Time budgets"): every call the command makes — retries,
/// waits and hangs included — is charged to it, and a call never starts with more time than is left. So a hanging
/// server costs the command its budget once, not each call's own bound once per call.
/// </summary>
/// <remarks>
/// The budget is ambient (<see cref="Enter"/>), set where a command or a gate look starts, so every adapter's calls
/// are charged without each adapter being handed it; <see cref="RetryingHttpClient"/> and the Azure pipelines read it.
/// Time is charged as calls take it, not by the wall clock, so a command's own work (running tests) costs nothing.
/// </remarks>
public sealed class CallBudget
{
    private static readonly AsyncLocal<CallBudget?> Ambient = new();
    private long _spentTicks;

    /// <param name="owner">What the budget is for, as messages name it ("metrics-gate, each look").</param>
    public CallBudget(string owner, TimeSpan total)
    {
        Owner = owner;
        Total = total;
    }

    public string Owner { get; }

    public TimeSpan Total { get; }

    public TimeSpan Spent => TimeSpan.FromTicks(Interlocked.Read(ref _spentTicks));

    public TimeSpan Remaining => Total > Spent ? Total - Spent : TimeSpan.Zero;

    /// <summary>The budget the calls on this flow are charged to; null when none is set (each call keeps its own bound).</summary>
    public static CallBudget? Current => Ambient.Value;

    /// <summary>Charges the calls of this flow (and the tasks it starts) to <paramref name="budget"/> until disposed.</summary>
    public static IDisposable Enter(CallBudget budget)
    {
        var previous = Ambient.Value;
        Ambient.Value = budget;
        return new Restore(previous);
    }

    public void Charge(TimeSpan elapsed) => Interlocked.Add(ref _spentTicks, Math.Max(0, elapsed.Ticks));

    /// <summary>A call's own bounds, cut to what is left; none left is the system's failure (exit 3), before anything is sent.</summary>
    public HttpRetryOptions Limit(HttpRetryOptions options, string system)
    {
        ArgumentNullException.ThrowIfNull(options);
        var left = Remaining;
        if (left <= TimeSpan.Zero)
        {
            throw Exhausted(system);
        }

        return options with
        {
            TotalTimeout = left < options.TotalTimeout ? left : options.TotalTimeout,
            AttemptTimeout = left < options.AttemptTimeout ? left : options.AttemptTimeout,
        };
    }

    /// <summary>True when a call's bound was this budget's remainder rather than its own.</summary>
    public static bool Limited(HttpRetryOptions own, HttpRetryOptions limited)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(limited);
        return limited.TotalTimeout < own.TotalTimeout;
    }

    public OutsideSystemException Exhausted(string system, Exception? inner = null) =>
        new(system, string.Create(CultureInfo.InvariantCulture,
            $"no answer within the time budget for outside calls ({Owner}: {Total.TotalSeconds:0.#} s, retries included)"), inner);

    private sealed class Restore(CallBudget? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

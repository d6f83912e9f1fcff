namespace Pipelines.Adapters.Http;

/// <summary>How hard one outside call tries before the command gives up with exit code 3.</summary>
/// <param name="MaxRetries">Retries after the first attempt.</param>
/// <param name="BaseDelay">The first backoff; it doubles, with jitter, up to <paramref name="MaxDelay"/>.</param>
/// <param name="MaxDelay">The longest single wait, also for a server's Retry-After.</param>
/// <param name="AttemptTimeout">How long one attempt may take.</param>
/// <param name="TotalTimeout">How long the call may take with all its retries and waits.</param>
public sealed record HttpRetryOptions(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan AttemptTimeout, TimeSpan TotalTimeout)
{
    /// <summary>An API call (GitHub, Azure DevOps, Prometheus, Azure, production's version page): worth waiting minutes for.</summary>
    public static HttpRetryOptions Default { get; } =
        new(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));

    /// <summary>
    /// One scrape of an instance's /metrics: short, because the next interval scrapes again and a missed scrape is only
    /// counted, never filled in. An interval longer than these bounds stretches them (a slow scrape delays the next round).
    /// </summary>
    public static HttpRetryOptions Scrape { get; } =
        new(2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

    /// <summary>
    /// One self-test probe of a host. The self-test repeats a failing check until its own deadline, so a probe's retries
    /// only ride out a blip (or wait the Retry-After a starting service asks for); they never outlast the deadline.
    /// </summary>
    public static HttpRetryOptions Probe { get; } =
        new(2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));
}

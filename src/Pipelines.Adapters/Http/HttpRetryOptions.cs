namespace Pipelines.Adapters.Http;

/// <summary>How hard one outside call tries before the command gives up with exit code 3.</summary>
/// <param name="MaxRetries">Retries after the first attempt.</param>
/// <param name="BaseDelay">The first backoff; it doubles, with jitter, up to <paramref name="MaxDelay"/>.</param>
/// <param name="MaxDelay">The longest single wait, also for a server's Retry-After.</param>
/// <param name="AttemptTimeout">How long one attempt may take.</param>
/// <param name="TotalTimeout">How long the call may take with all its retries and waits.</param>
public sealed record HttpRetryOptions(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan AttemptTimeout, TimeSpan TotalTimeout)
{
    public static HttpRetryOptions Default { get; } =
        new(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
}

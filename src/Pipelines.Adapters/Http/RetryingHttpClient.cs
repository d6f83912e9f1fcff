using System.Net;
using Pipelines.Core.Errors;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipelines.Adapters.Http;

/// <summary>
/// The one way our adapters call an outside system: every request goes through the same retry policy — 408, 429 and
/// 5xx and dropped connections are retried with jittered exponential backoff, honouring <c>Retry-After</c> and
/// GitHub's rate-limit reset, each attempt and the whole call bounded in time. When it gives up, the command fails
/// with exit code 3 and a message that names the system, never a token.
/// </summary>
/// <remarks>
/// A write that may have reached the server before its answer was lost (a timeout, a 502) is not simply sent again:
/// the caller says how to look for its effect, and only if it is not there is the write repeated. That is what keeps
/// a retried comment, status or revert from happening twice.
/// </remarks>
public sealed class RetryingHttpClient
{
    private static readonly HashSet<HttpStatusCode> Transient =
    [
        HttpStatusCode.RequestTimeout, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError,
        HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout,
    ];

    private static readonly TimeSpan ExhaustedSlack = TimeSpan.FromMilliseconds(250);

    private readonly HttpClient _client;
    private readonly string _system;
    private readonly HttpRetryOptions _options;
    private readonly TimeProvider _time;

    /// <param name="system">The system's name for messages, e.g. "GitHub API".</param>
    public RetryingHttpClient(HttpClient client, string system, HttpRetryOptions? options = null, TimeProvider? time = null)
    {
        _client = client;
        _system = system;
        _options = options ?? HttpRetryOptions.Default;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Sends a request that is safe to repeat (a read, or a write that replaces a value). The response is returned
    /// for any status the policy does not retry, so 404 or 422 remain the caller's to interpret.
    /// </summary>
    /// <param name="request">Builds the request afresh for each attempt (a sent request cannot be sent again).</param>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellation) =>
        (await RunAsync(request, alreadyDone: null, keepLastAnswer: false, cancellation).ConfigureAwait(false)).Response!;

    /// <summary>
    /// Sends a probe (a read) for the caller to judge: like <see cref="SendAsync"/>, but when the retries run out on an
    /// answer the policy retries (a host that keeps answering 503), that last answer is returned rather than thrown, so
    /// the caller can say what the host answered. Failing to get any answer in time still throws.
    /// </summary>
    public async Task<ProbeAnswer> ProbeAsync(Func<HttpRequestMessage> request, CancellationToken cancellation)
    {
        var (response, attempts, lastAttempt) = await RunAsync(request, alreadyDone: null, keepLastAnswer: true, cancellation).ConfigureAwait(false);
        return new ProbeAnswer(response!, attempts, lastAttempt);
    }

    /// <summary>
    /// Sends a write that must happen once. After an answer that leaves it unknown whether the server acted (timeout,
    /// 500, 502, 504, a dropped connection), <paramref name="alreadyDone"/> looks for the write's effect; found, the call
    /// ends without repeating it (and returns null); not found, the write is repeated. A 429 or 503 means the server
    /// turned the request away, so it is repeated without looking.
    /// </summary>
    public Task<HttpResponseMessage?> SendOnceAsync(
        Func<HttpRequestMessage> request, Func<CancellationToken, Task<bool>> alreadyDone, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(alreadyDone);
        return SendOnceCoreAsync(request, alreadyDone, cancellation);
    }

    private async Task<HttpResponseMessage?> SendOnceCoreAsync(
        Func<HttpRequestMessage> request, Func<CancellationToken, Task<bool>> alreadyDone, CancellationToken cancellation) =>
        (await RunAsync(request, alreadyDone, keepLastAnswer: false, cancellation).ConfigureAwait(false)).Response;

    private async Task<(HttpResponseMessage? Response, int Attempts, TimeSpan LastAttempt)> RunAsync(
        Func<HttpRequestMessage> request, Func<CancellationToken, Task<bool>>? alreadyDone, bool keepLastAnswer, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attempts = 0;
        var lastAttempt = TimeSpan.Zero;
        string? lastProblem = null;
        var turnedAway = false; // the server refused the last attempt, so it cannot have acted on it
        var done = false;
        var budget = CallBudget.Current;
        var options = budget?.Limit(_options, _system) ?? _options;
        var pipeline = Pipeline(options, () => done);
        var began = _time.GetTimestamp();
        try
        {
            var response = await pipeline.ExecuteAsync(async token =>
            {
                // Before repeating a write whose fate is unknown, look for its effect.
                if (attempts > 0 && alreadyDone is not null && lastProblem is not null && !turnedAway
                    && await alreadyDone(token).ConfigureAwait(false))
                {
                    done = true;
                    return new HttpResponseMessage(HttpStatusCode.NoContent);
                }

                attempts++;
                var started = _time.GetTimestamp();
                try
                {
                    using var message = request();
                    var answer = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                    lastAttempt = _time.GetElapsedTime(started);
                    turnedAway = answer.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable || RateLimited(answer);
                    lastProblem = Transient.Contains(answer.StatusCode) || RateLimited(answer)
                        ? $"{(turnedAway ? "turned away: " : string.Empty)}{(int)answer.StatusCode} {answer.ReasonPhrase}"
                        : null;
                    return answer;
                }
                catch (HttpRequestException ex)
                {
                    turnedAway = ex.HttpRequestError == HttpRequestError.ConnectionError;
                    lastProblem = turnedAway ? "turned away: could not connect" : "connection failed: " + ex.Message;
                    throw;
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    turnedAway = false;
                    lastProblem = "no answer in time";
                    throw;
                }
            }, cancellation).ConfigureAwait(false);

            if (done)
            {
                return (null, attempts, lastAttempt);
            }

            if (!keepLastAnswer && (Transient.Contains(response.StatusCode) || RateLimited(response)))
            {
                throw Failure(attempts, lastProblem ?? $"{(int)response.StatusCode}", null);
            }

            return (response, attempts, lastAttempt);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException || (ex is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
            // The budget cut this call's bounds and the call used them up (its last attempt, cut to the remainder, may
            // time out a hair before the total does).
            if (budget is not null && CallBudget.Limited(_options, options) && _time.GetElapsedTime(began) + ExhaustedSlack >= options.TotalTimeout)
            {
                throw budget.Exhausted(_system, ex);
            }

            throw Failure(attempts, lastProblem ?? ex.Message, ex);
        }
        finally
        {
            budget?.Charge(_time.GetElapsedTime(began));
        }
    }

    private OutsideSystemException Failure(int attempts, string problem, Exception? inner) =>
        new(_system, $"gave up after {attempts} attempt{(attempts == 1 ? "" : "s")}: {problem}", inner);

    private ResiliencePipeline<HttpResponseMessage> Pipeline(HttpRetryOptions options, Func<bool> done)
    {
        var retryable = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => !done() && (Transient.Contains(r.StatusCode) || RateLimited(r)));
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddTimeout(options.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = retryable,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => new ValueTask<TimeSpan?>(ServerDelay(args.Outcome.Result)),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>The wait the server asked for (Retry-After, or GitHub's rate-limit reset), capped; null to back off as usual.</summary>
    private TimeSpan? ServerDelay(HttpResponseMessage? response)
    {
        if (response is null)
        {
            return null;
        }

        TimeSpan? wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow(),
            _ => null,
        };
        if (wait is null && RateLimited(response)
            && response.Headers.TryGetValues("x-ratelimit-reset", out var reset)
            && long.TryParse(reset.FirstOrDefault(), out var epoch))
        {
            wait = DateTimeOffset.FromUnixTimeSeconds(epoch) - _time.GetUtcNow();
        }

        return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, _options.MaxDelay.Ticks)) : null;
    }

    // GitHub answers an exhausted rate limit with 403 (or 429) and x-ratelimit-remaining: 0.
    private static bool RateLimited(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests
        && response.Headers.TryGetValues("x-ratelimit-remaining", out var remaining)
        && remaining.FirstOrDefault() == "0";
}

/// <summary>What a probe got: the last answer, after how many attempts, and how long that last attempt took.</summary>
public sealed record ProbeAnswer(HttpResponseMessage Response, int Attempts, TimeSpan LastAttempt);

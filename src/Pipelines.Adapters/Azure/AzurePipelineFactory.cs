using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Azure;

/// <summary>
/// Options of the Azure clients. Azure.Core keeps its own retry policy — it already retries 408, 429, 500, 502, 503,
/// 504 and dropped connections with jittered exponential backoff and honours Retry-After — set to the numbers every
/// other outside call uses (<see cref="HttpRetryOptions"/>); the total time, which Azure.Core does not bound, is
/// bounded where the clients send (<see cref="AzurePipelineFactory.SendWithinBudgetAsync"/>). The transport is the
/// process's shared HttpClient when the composition root gives one.
/// </summary>
public sealed class AzureClientOptions : ClientOptions
{
    public AzureClientOptions()
        : this(HttpRetryOptions.Default)
    {
    }

    public AzureClientOptions(HttpRetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        Retry.MaxRetries = retry.MaxRetries;
        Retry.Mode = RetryMode.Exponential;
        Retry.Delay = retry.BaseDelay;
        Retry.MaxDelay = retry.MaxDelay;
        Retry.NetworkTimeout = retry.AttemptTimeout;
        TotalTimeout = retry.TotalTimeout;
    }

    /// <summary>How long one call may take with all its retries and waits.</summary>
    public TimeSpan TotalTimeout { get; set; }
}

/// <summary>
/// Builds the Azure.Core pipeline our Azure calls go through: retries, diagnostics with secrets redacted, and a
/// bearer token for one scope from any <see cref="TokenCredential"/> (Azure.Identity in production).
/// </summary>
public static class AzurePipelineFactory
{
    // Each pipeline's total budget, so the clients, which are handed only the pipeline, send within it.
    private static readonly ConditionalWeakTable<HttpPipeline, StrongBox<TimeSpan>> Budgets = [];

    public static HttpPipeline Build(TokenCredential credential, string scope, AzureClientOptions? options = null) =>
        Build(options, new BearerTokenPolicy(credential, scope));

    /// <summary>The same pipeline with other policies run on every attempt (after the retry policy): another way to sign requests.</summary>
    public static HttpPipeline Build(AzureClientOptions? options, params HttpPipelinePolicy[] perRetryPolicies)
    {
        options ??= new AzureClientOptions();
        var pipeline = HttpPipelineBuilder.Build(options, perRetryPolicies);
        Budgets.Add(pipeline, new StrongBox<TimeSpan>(options.TotalTimeout));
        return pipeline;
    }

    /// <summary>
    /// Sends through the pipeline, retries included, within its total budget; past it, the system failed (exit 3).
    /// Azure.Core bounds each attempt and counts the retries, but waits whatever Retry-After a server asks for.
    /// </summary>
    internal static async Task SendWithinBudgetAsync(this HttpPipeline pipeline, HttpMessage message, string system, string what, CancellationToken cancellation)
    {
        var own = Budgets.TryGetValue(pipeline, out var budget) ? budget.Value : HttpRetryOptions.Default.TotalTimeout;

        // The command's budget for outside calls, when one is set, bounds this call too, and is charged for it.
        var command = CallBudget.Current;
        var left = command?.Remaining ?? own;
        if (command is not null && left <= TimeSpan.Zero)
        {
            throw command.Exhausted(system);
        }

        var total = left < own ? left : own;
        using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        within.CancelAfter(total);
        var began = TimeProvider.System.GetTimestamp();
        try
        {
            await pipeline.SendAsync(message, within.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellation.IsCancellationRequested)
        {
            if (command is not null && total < own)
            {
                throw command.Exhausted(system, ex);
            }

            throw new OutsideSystemException(system, string.Create(CultureInfo.InvariantCulture, $"could not {what}: no answer within {total.TotalSeconds:0.#} s, retries included"), ex);
        }
        catch (AggregateException ex) when (!cancellation.IsCancellationRequested)
        {
            // Azure.Core's retry policy, out of tries on timeouts or dropped connections, throws every attempt's exception together.
            var last = ex.InnerExceptions.Count > 0 ? ex.InnerExceptions[^1].Message.Split('.')[0] : ex.Message;
            throw new OutsideSystemException(system, string.Create(CultureInfo.InvariantCulture,
                $"could not {what}: gave up after {ex.InnerExceptions.Count} attempt{(ex.InnerExceptions.Count == 1 ? "" : "s")}: {last}"), ex);
        }
        finally
        {
            command?.Charge(TimeProvider.System.GetElapsedTime(began));
        }
    }

    /// <summary>
    /// Adds the token, cached until five minutes before it expires. Unlike Azure.Core's own policy it lets a loopback
    /// address go without TLS, so the same code path is tested against local servers; anything else must be https.
    /// </summary>
    internal sealed class BearerTokenPolicy(TokenCredential credential, string scope) : HttpPipelinePolicy
    {
        private AccessToken? _token;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var uri = message.Request.Uri.ToUri();
            if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
            {
                throw new InputException($"{uri.GetLeftPart(UriPartial.Authority)}: a token is only ever sent over https");
            }

            message.Request.Headers.SetValue("Authorization", "Bearer " + (await TokenAsync(message.CancellationToken).ConfigureAwait(false)).Token);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }

        // Two concurrent refreshes fetch two tokens, which is harmless; a lock would be the bigger cost.
        private async Task<AccessToken> TokenAsync(CancellationToken cancellation)
        {
            if (_token is not { } token || token.ExpiresOn < DateTimeOffset.UtcNow.AddMinutes(5))
            {
                token = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellation).ConfigureAwait(false);
                _token = token;
            }

            return token;
        }
    }
}

using Azure.Core;
using Azure.Core.Pipeline;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Azure;

/// <summary>Options of the Azure clients: Azure.Core's retries (429 with Retry-After, 5xx, timeouts) and transport.</summary>
public sealed class AzureClientOptions : ClientOptions
{
    public AzureClientOptions()
    {
        Retry.MaxRetries = 4;
        Retry.Mode = RetryMode.Exponential;
        Retry.Delay = TimeSpan.FromSeconds(1);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
    }
}

/// <summary>
/// Builds the Azure.Core pipeline our Azure calls go through: retries, diagnostics with secrets redacted, and a
/// bearer token for one scope from any <see cref="TokenCredential"/> (Azure.Identity in production).
/// </summary>
public static class AzurePipelineFactory
{
    public static HttpPipeline Build(TokenCredential credential, string scope, AzureClientOptions? options = null) =>
        HttpPipelineBuilder.Build(options ?? new AzureClientOptions(), new BearerTokenPolicy(credential, scope));

    /// <summary>
    /// Adds the token, cached until five minutes before it expires. Unlike Azure.Core's own policy it lets a loopback
    /// address go without TLS, so the same code path is tested against local servers; anything else must be https.
    /// </summary>
    private sealed class BearerTokenPolicy(TokenCredential credential, string scope) : HttpPipelinePolicy
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

using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Pipelines.Adapters.Azure;

namespace Pipelines.Cli.Composition;

/// <summary>
/// The one place the process's connections to the outside are made. One <see cref="HttpClient"/> for the process,
/// whose connections every adapter shares; each adapter puts the one retry policy on it
/// (<see cref="Adapters.Http.RetryingHttpClient"/>, with the budget for its kind of call in
/// <see cref="Adapters.Http.HttpRetryOptions"/>), and Azure's pipelines use it as their transport with the same numbers.
/// Nothing else in src/ makes an HttpClient or an Azure credential.
/// </summary>
public static class Connections
{
    // Connections are recycled so a long canary sees DNS changes; the client's own timeout is off because the retry
    // policy bounds every attempt and every call.
    private static readonly Lazy<HttpClient> SharedHttp = new(() =>
        new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan });

    // One credential per sign-in host (one per process in practice): its token cache is what makes it worth sharing.
    private static readonly ConcurrentDictionary<Uri, TokenCredential> SharedCredentials = new();

    /// <summary>The process's HTTP client.</summary>
    public static HttpClient Http => SharedHttp.Value;

    /// <summary>
    /// An Azure.Core pipeline with a bearer token for <paramref name="scope"/> from the ambient Azure credential
    /// (azure/login or AzureCLI@2, workload identity, managed identity, or AZURE_CLIENT_ID/AZURE_TENANT_ID with a secret
    /// or federated token; never an interactive sign-in), over the shared client.
    /// </summary>
    /// <param name="authorityHost">The cloud's sign-in host (<see cref="AzureEndpoints.AuthorityHost"/>).</param>
    public static HttpPipeline Azure(string scope, Uri authorityHost) => Azure(scope, Credential(authorityHost));

    /// <summary>The same over <paramref name="credential"/> (a test's).</summary>
    public static HttpPipeline Azure(string scope, TokenCredential credential) =>
        AzurePipelineFactory.Build(credential, scope, new AzureClientOptions { Transport = new HttpClientTransport(Http) });

    /// <summary>The ambient credential, signing in at the cloud's host (AZURE_AUTHORITY_HOST, when set, is that host).</summary>
    public static TokenCredential Credential(Uri authorityHost) =>
        SharedCredentials.GetOrAdd(authorityHost, host =>
            new DefaultAzureCredential(new DefaultAzureCredentialOptions { ExcludeInteractiveBrowserCredential = true, AuthorityHost = host }));
}

using Pipelines.Adapters.Azure;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;

namespace Pipelines.Cli.Composition;

/// <summary>
/// Where the Azure adapters send (README, "Azure clouds and endpoints"): the cloud from PIPELINES_AZURE_CLOUD
/// (public, usgovernment, china), else from AZURE_AUTHORITY_HOST when it is a known cloud's sign-in host, else the public
/// cloud; each endpoint overridable on its own (PIPELINES_ARM_ENDPOINT, PIPELINES_MONITOR_ENDPOINT,
/// PIPELINES_LOGANALYTICS_ENDPOINT, PIPELINES_KUDU_ENDPOINT). Token audiences follow the cloud, never an override.
/// </summary>
/// <param name="Monitor">Azure Monitor's metrics API: Resource Manager unless overridden.</param>
/// <param name="Kudu">Every slot's Kudu (SCM) API when overridden; null: each slot's own https://{slot}.scm.{domain}/.</param>
/// <param name="AuthorityHost">The sign-in host for the credential: AZURE_AUTHORITY_HOST, else the cloud's.</param>
public sealed record AzureEndpoints(AzureCloud Cloud, Uri ResourceManager, Uri Monitor, Uri LogAnalytics, Uri? Kudu, Uri AuthorityHost)
{
    public const string CloudVariable = "PIPELINES_AZURE_CLOUD";

    public static AzureEndpoints From(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var authority = Url(context, "AZURE_AUTHORITY_HOST");
        var cloud = context.Get(CloudVariable) is { } name
            ? AzureCloud.Named(name) ?? throw new InputException($"{CloudVariable}: expected public, usgovernment or china, got '{name}'")
            : (authority is null ? null : AzureCloud.WithAuthority(authority)) ?? AzureCloud.Public;
        var arm = Url(context, "PIPELINES_ARM_ENDPOINT") ?? cloud.ResourceManager;
        return new AzureEndpoints(
            cloud,
            arm,
            Url(context, "PIPELINES_MONITOR_ENDPOINT") ?? arm,
            Url(context, "PIPELINES_LOGANALYTICS_ENDPOINT") ?? cloud.LogAnalytics,
            Url(context, "PIPELINES_KUDU_ENDPOINT"),
            authority ?? cloud.AuthorityHost);
    }

    private static Uri? Url(CliContext context, string variable) => context.Get(variable) is { } text
        ? Uri.TryCreate(text.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InputException($"{variable}: expected an http(s) URL, e.g. https://management.usgovcloudapi.net/")
        : null;
}

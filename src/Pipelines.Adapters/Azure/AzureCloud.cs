namespace Pipelines.Adapters.Azure;

/// <summary>
/// An Azure cloud's endpoints and token audiences: the public cloud, Azure Government or Azure China (README, "Azure
/// clouds and endpoints"). Tokens are always asked for the cloud's audience, also when an endpoint is overridden
/// (a private link, or a local server in tests).
/// </summary>
/// <param name="AuthorityHost">Microsoft Entra ID's sign-in host for the cloud.</param>
/// <param name="ResourceManager">Azure Resource Manager: App Service and Azure Monitor metrics.</param>
/// <param name="LogAnalytics">The Log Analytics query API.</param>
/// <param name="AppServiceDomain">The domain of App Service's default host names (site.azurewebsites.net).</param>
public sealed record AzureCloud(string Name, Uri AuthorityHost, Uri ResourceManager, Uri LogAnalytics, string AppServiceDomain)
{
    public static AzureCloud Public { get; } = new("public", new("https://login.microsoftonline.com/"), new("https://management.azure.com/"),
        new("https://api.loganalytics.io/"), "azurewebsites.net");

    public static AzureCloud USGovernment { get; } = new("usgovernment", new("https://login.microsoftonline.us/"), new("https://management.usgovcloudapi.net/"),
        new("https://api.loganalytics.us/"), "azurewebsites.us");

    public static AzureCloud China { get; } = new("china", new("https://login.chinacloudapi.cn/"), new("https://management.chinacloudapi.cn/"),
        new("https://api.loganalytics.azure.cn/"), "chinacloudsites.cn");

    public static IReadOnlyList<AzureCloud> All { get; } = [Public, USGovernment, China];

    /// <summary>The audience of Resource Manager tokens: https://management.azure.com/.default in the public cloud.</summary>
    public string ManagementScope => ResourceManager.AbsoluteUri + ".default";

    /// <summary>The audience of Log Analytics tokens: https://api.loganalytics.io/.default in the public cloud.</summary>
    public string LogsScope => LogAnalytics.AbsoluteUri + ".default";

    /// <summary>The cloud named <paramref name="name"/> (public, usgovernment, china; Azure CLI's names too); null when none is.</summary>
    public static AzureCloud? Named(string name) => name.Trim().ToLowerInvariant() switch
    {
        "public" or "azurecloud" => Public,
        "usgovernment" or "azureusgovernment" => USGovernment,
        "china" or "azurechinacloud" => China,
        _ => null,
    };

    /// <summary>The cloud whose sign-in host is <paramref name="authority"/>; null for another (a private or test authority).</summary>
    public static AzureCloud? WithAuthority(Uri authority) =>
        All.FirstOrDefault(c => string.Equals(c.AuthorityHost.Host, authority.Host, StringComparison.OrdinalIgnoreCase));

    /// <summary>A site's Kudu (SCM) host from its default host name: shop-canary.azurewebsites.us → shop-canary.scm.azurewebsites.us.</summary>
    public static string ScmHost(string defaultHostName)
    {
        ArgumentNullException.ThrowIfNull(defaultHostName);
        var dot = defaultHostName.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? defaultHostName : defaultHostName[..dot] + ".scm" + defaultHostName[dot..];
    }
}

using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Metrics;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Cli.Composition;

/// <summary>The adapter for a gate's provider (file, scrape, prometheus, azure-monitor), for metrics-gate and canary alike.</summary>
public static class MetricsSources
{
    /// <param name="data">The file provider's measurements (metrics-gate --data); null where there are none.</param>
    public static IMetricsSource For(GateSpec gate, CliContext context, string? data)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(context);
        return gate.Provider switch
        {
            "file" => new FileMetricsSource(
                context.ResolvePath(data ?? throw new InputException("--data: the file provider reads its measurements from --data <file>")),
                data),
            "scrape" => new ScrapeMetricsSource(Connections.Http, Targets(gate, gate.Canary, "canary"), Targets(gate, gate.Baseline, "baseline"), gate.Interval, gate.Window, context.Time,
                canaryMatch: Match(gate, gate.Canary, "canary"), baselineMatch: Match(gate, gate.Baseline, "baseline")),
            // A query provider's look is one budget (CallBudgets.GateLook); scraping is bounded by its window and per-scrape bounds.
            "prometheus" => new BudgetedMetricsSource(
                new PrometheusMetricsSource(Connections.Http, Endpoint(gate), gate.Canary, gate.Baseline, gate.Interval, gate.Window, context.Time), () => CallBudgets.ForLook(context)),
            "azure-monitor" => new BudgetedMetricsSource(
                new AzureMonitorMetricsSource(AzureMonitor(AzureEndpoints.From(context)), gate.Endpoint, gate.Canary, gate.Baseline, gate.Interval, gate.Window, context.Time), () => CallBudgets.ForLook(context)),
            _ => throw new InputException($"gate.provider: '{gate.Provider}' is not available"),
        };
    }

    /// <summary>The instances' own /metrics, scraped: the hosts on one side against the hosts on the other (a fleet's waves).</summary>
    public static IMetricsSource Scrape(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, string metricsUrl, GateSpec gate, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(gate);
        List<Uri> Urls(IReadOnlyList<string> hosts) => [.. hosts.Select(h => new Uri(metricsUrl.Replace("{host}", h, StringComparison.Ordinal)))];
        return new ScrapeMetricsSource(Connections.Http, Urls(canary), Urls(baseline), gate.Interval, gate.Interval, time);
    }

    /// <summary>
    /// Azure Monitor with the ambient Azure credential (azure/login or AzureCLI@2, workload identity, managed identity,
    /// or AZURE_CLIENT_ID/AZURE_TENANT_ID with a secret or federated token); never an interactive sign-in.
    /// </summary>
    private static AzureMonitorClient AzureMonitor(AzureEndpoints endpoints) =>
        AzureMonitor(endpoints, Connections.Credential(endpoints.AuthorityHost));

    /// <summary>Azure Monitor at the cloud's (or the overridden) endpoints, with tokens for the cloud's audiences.</summary>
    public static AzureMonitorClient AzureMonitor(AzureEndpoints endpoints, global::Azure.Core.TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return new(Connections.Azure(endpoints.Cloud.LogsScope, credential), Connections.Azure(endpoints.Cloud.ManagementScope, credential),
            endpoints.LogAnalytics, endpoints.Monitor);
    }

    /// <summary>gate.endpoint: the server's base URL.</summary>
    private static Uri Endpoint(GateSpec gate)
    {
        var text = gate.Endpoint ?? throw new InputException($"{In(gate)}gate.endpoint: the {gate.Provider} provider needs the server's URL, e.g. http://prometheus:9090/");
        return Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InputException($"{In(gate)}gate.endpoint: '{text}' is not an http(s) URL");
    }

    /// <summary>gate.canary.targets / gate.baseline.targets: the instances' /metrics URLs, comma-separated.</summary>
    private static List<Uri> Targets(GateSpec gate, IReadOnlyDictionary<string, string> selectors, string side)
    {
        var text = selectors.GetValueOrDefault("targets")
            ?? throw new InputException($"{In(gate)}gate.{side}.targets: the scrape provider needs the {side} instances' /metrics URLs, comma-separated");
        var targets = new List<Uri>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(item, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new InputException($"{In(gate)}gate.{side}.targets: '{item}' is not an http(s) URL");
            }

            targets.Add(uri);
        }

        return targets.Count > 0 ? targets : throw new InputException($"{In(gate)}gate.{side}.targets: no URL given");
    }

    /// <summary>gate.canary.match / gate.baseline.match: label matchers that pick the side's series out of the same instances (cohort="on").</summary>
    private static IReadOnlyList<(string Label, string Operator, string Value)>? Match(GateSpec gate, IReadOnlyDictionary<string, string> selectors, string side)
    {
        if (selectors.GetValueOrDefault("match") is not { } text)
        {
            return null;
        }

        try
        {
            return ScrapeMetricsSource.ParseMatch(text);
        }
        catch (FormatException ex)
        {
            throw new InputException($"{In(gate)}gate.{side}.match: '{text}' is not label matchers such as cohort=\"on\": {ex.Message}", ex);
        }
    }

    /// <summary>"gate.yml: " before a message about the gate, when it came from a file.</summary>
    private static string In(GateSpec gate) => gate.File is { } file ? file + ": " : string.Empty;
}

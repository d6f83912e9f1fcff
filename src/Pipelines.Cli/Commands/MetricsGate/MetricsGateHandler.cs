using Pipelines.Adapters.Metrics;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Cli.Commands.MetricsGate;

/// <summary>Reads the gate, fetches the measurements from its provider, judges, writes the report.</summary>
public static class MetricsGateHandler
{
    public static CommandResult Run(CommandSession session, MetricsGateInputs inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var config = inputs.Gate is { } gateFile
            ? ConfigFile.Load(context.ResolvePath(gateFile), gateFile, mustExist: true)
            : ConfigLoader.Load(context, context.ResolvePath(inputs.Repo), inputs.Config);
        var gate = GateSection.Read(config).ForVersions(inputs.Version, inputs.Previous);
        if (inputs.Watch is { } watchText)
        {
            var duration = GateSection.ParseDuration(watchText) ?? throw new InputException($"--watch: expected a duration such as 30m or 2h, got '{watchText}'");
            return WatchAsync(session, inputs, gate, duration, cancellation).GetAwaiter().GetResult();
        }

        var source = Source(gate, context, inputs);

        var observations = source.FetchAsync([.. gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))], cancellation)
            .GetAwaiter().GetResult();
        var result = FromData(gate, inputs, () => Judge.Evaluate([.. gate.Metrics.Select(m => m.Spec)], observations, gate.Policy));
        var reportPath = context.ResolvePath(inputs.Report);
        var chartPath = Path.ChangeExtension(reportPath, ".svg");
        var markdown = MetricsGateReport.Markdown(result, gate, source.Name, observations, Path.GetFileName(chartPath));
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        File.WriteAllText(reportPath, markdown);
        File.WriteAllText(chartPath, GateChart.Svg(observations));
        var command = MetricsGateReport.Build(result, gate.Policy, inputs.Report, markdown, inputs.AllowMarginal);
        if (inputs.Status == "auto")
        {
            PostStatusAsync(session, result, command.ExitCode == ExitCodes.Success, inputs.StatusContext, cancellation).GetAwaiter().GetResult();
        }

        return command;
    }

    /// <summary>
    /// Watch mode: every interval, the last interval's measurements feed the sequential tests; the first alarm ends
    /// the watch with a fail, so a rollback can start at once.
    /// </summary>
    private static async Task<CommandResult> WatchAsync(CommandSession session, MetricsGateInputs inputs, GateSpec gate, TimeSpan duration, CancellationToken cancellation)
    {
        var context = session.Context;
        var perLook = gate with { Window = gate.Interval };
        var source = Source(perLook, context, inputs);
        var queries = gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query)).ToList();
        var looks = Math.Max(1, (int)Math.Floor(duration / gate.Interval));
        var watch = new Watch([.. gate.Metrics.Select(m => m.Spec)], gate.Policy, horizon: looks);
        for (var look = 1; look <= looks; look++)
        {
            var started = context.Time.GetUtcNow();
            var observations = await source.FetchAsync(queries, cancellation).ConfigureAwait(false);
            FromData(gate, inputs, () =>
            {
                watch.Look(observations);
                return true;
            });
            session.Log.WriteLine($"look {look}/{looks}: " + string.Join("; ", watch.Standings.Select(s => $"{s.Name} {(s.Alarm ? "ALARM " : string.Empty)}{s.Summary}")));
            if (watch.Verdict == WatchVerdict.Fail || look == looks)
            {
                break;
            }

            var wait = gate.Interval - (context.Time.GetUtcNow() - started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, context.Time, cancellation).ConfigureAwait(false);
            }
        }

        var reportPath = context.ResolvePath(inputs.Report);
        var markdown = MetricsGateReport.WatchMarkdown(watch, duration, gate.Interval, source.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        await File.WriteAllTextAsync(reportPath, markdown, cancellation).ConfigureAwait(false);
        return MetricsGateReport.BuildWatch(watch, inputs.Report, markdown);
    }

    /// <summary>Measurements the judge refuses came from the <c>--data</c> file when the provider is <c>file</c>: the message names it.</summary>
    private static T FromData<T>(GateSpec gate, MetricsGateInputs inputs, Func<T> judge)
    {
        try
        {
            return judge();
        }
        catch (InputException ex) when (gate.Provider == "file" && inputs.Data is { } data && ex is not FileInputException)
        {
            throw new InputException($"{data}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// On Azure Pipelines with System.AccessToken: the verdict as a pull request status when the run is for a pull
    /// request (a branch policy can require it), else as a commit status.
    /// </summary>
    private static async Task PostAzureStatusAsync(CommandSession session, AzurePipelines ci, GateResult result, bool passed, string statusContext, CancellationToken cancellation)
    {
        if (ci.Token is not { } token || ci.AzureDevOps is not { Collection: { } collection, Project: { } project, Repository: { } repository })
        {
            return;
        }

        session.AddSecret(token);
        var client = new Adapters.AzureDevOps.AzureReposClient(Connections.Http, new Uri(collection.TrimEnd('/') + "/"), project, repository, token);
        var link = ci.BuildLink;
        var slash = statusContext.LastIndexOf('/');
        var status = new Adapters.AzureDevOps.AzureStatus(
            passed ? "succeeded" : "failed",
            new Adapters.AzureDevOps.StatusContext(slash < 0 ? statusContext : statusContext[(slash + 1)..], slash < 0 ? "pipelines" : statusContext[..slash]),
            $"{MetricsGateReport.VerdictName(result.Verdict)}, score {result.Score:0.#}",
            link);
        if (ci.PullRequestId is { } pullRequest)
        {
            await client.CreatePullRequestStatusAsync(pullRequest, status, cancellation).ConfigureAwait(false);
        }
        else if (ci.Commit is { } sha)
        {
            await client.CreateCommitStatusAsync(sha, status, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>On GitHub with a token: the verdict as a commit status, so branch protection can require it.</summary>
    private static async Task PostStatusAsync(CommandSession session, GateResult result, bool passed, string statusContext, CancellationToken cancellation)
    {
        var ci = session.Context.Ci;
        if (ci is AzurePipelines azure)
        {
            await PostAzureStatusAsync(session, azure, result, passed, statusContext, cancellation).ConfigureAwait(false);
            return;
        }

        if (ci is not GitHubActions || ci.Token is not { } token || ci.GitHub.Repository is not { } repository || ci.Commit is not { } sha)
        {
            return;
        }

        session.AddSecret(token);
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        var description = $"{MetricsGateReport.VerdictName(result.Verdict)}, score {result.Score:0.#}";
        var client = new Adapters.GitHub.GitHubClient(Connections.Http, ci.GitHub.ApiRoot, token);
        await client.CreateStatusAsync(repository[..slash], repository[(slash + 1)..], sha,
            new Adapters.GitHub.NewStatus(passed ? "success" : "failure", ci.BuildLink, description, statusContext), cancellation).ConfigureAwait(false);
    }

    /// <summary>The adapter for the gate's provider.</summary>
    public static IMetricsSource Source(GateSpec gate, Hosting.CliContext context, MetricsGateInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inputs);
        return gate.Provider switch
        {
            "file" => new FileMetricsSource(
                context.ResolvePath(inputs.Data ?? throw new InputException("--data: the file provider reads its measurements from --data <file>")),
                inputs.Data),
            "scrape" => new ScrapeMetricsSource(Connections.Http, Targets(gate, gate.Canary, "canary"), Targets(gate, gate.Baseline, "baseline"), gate.Interval, gate.Window, context.Time),
            "prometheus" => new PrometheusMetricsSource(Connections.Http, Endpoint(gate), gate.Canary, gate.Baseline, gate.Interval, gate.Window, context.Time),
            "azure-monitor" => new AzureMonitorMetricsSource(AzureMonitor(), gate.Endpoint, gate.Canary, gate.Baseline, gate.Interval, gate.Window, context.Time),
            _ => throw new InputException($"gate.provider: '{gate.Provider}' is not available"),
        };
    }

    /// <summary>
    /// Azure Monitor with the ambient Azure credential (azure/login or AzureCLI@2, workload identity, managed identity,
    /// or AZURE_CLIENT_ID/AZURE_TENANT_ID with a secret or federated token); never an interactive sign-in.
    /// </summary>
    private static Adapters.Azure.AzureMonitorClient AzureMonitor()
    {
        return new Adapters.Azure.AzureMonitorClient(
            Connections.Azure(Adapters.Azure.AzureMonitorClient.LogsScope),
            Connections.Azure(Adapters.Azure.AzureMonitorClient.ManagementScope));
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

    /// <summary>"gate.yml: " before a message about the gate, when it came from a file.</summary>
    private static string In(GateSpec gate) => gate.File is { } file ? file + ": " : string.Empty;
}

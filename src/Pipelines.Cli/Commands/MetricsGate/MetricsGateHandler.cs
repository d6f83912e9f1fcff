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

        var source = MetricsSources.For(gate, context, inputs.Data);

        var observations = source.FetchAsync([.. gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query))], cancellation)
            .GetAwaiter().GetResult();
        var result = Judge.Evaluate([.. gate.Metrics.Select(m => m.Spec)], observations, gate.Policy);
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
        var source = MetricsSources.For(perLook, context, inputs.Data);
        var queries = gate.Metrics.Select(m => new MetricQuery(m.Spec.Name, m.Spec.Kind, m.Query)).ToList();
        var looks = Math.Max(1, (int)Math.Floor(duration / gate.Interval));
        var watch = new Watch([.. gate.Metrics.Select(m => m.Spec)], gate.Policy, horizon: looks);
        for (var look = 1; look <= looks; look++)
        {
            var started = context.Time.GetUtcNow();
            watch.Look(await source.FetchAsync(queries, cancellation).ConfigureAwait(false));
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
        var status = new Adapters.AzureDevOps.AzureStatus(passed ? "succeeded" : "failed", $"{MetricsGateReport.VerdictName(result.Verdict)}, score {result.Score:0.#}", link,
            new Adapters.AzureDevOps.StatusContext(slash < 0 ? statusContext : statusContext[(slash + 1)..], slash < 0 ? "pipelines" : statusContext[..slash]));
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
}

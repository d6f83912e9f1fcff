using System.CommandLine;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.MetricsGate;

/// <summary>The options of <c>pipelines metrics-gate</c>; what it does is in <see cref="MetricsGateHandler"/>.</summary>
public static class MetricsGateCommand
{
    public const string Name = "metrics-gate";

    public static Command Create(CliContext context)
    {
        var gate = new Option<string?>("--gate") { Description = "A file holding the gate (a 'gate:' section); default: the config file's gate section." };
        var data = new Option<string?>("--data") { Description = "With the file provider: the measurements ({\"metrics\": {\"<name>\": {\"canary\": …, \"baseline\": …}}})." };
        var report = new Option<string>("--report") { Description = "Where to write the markdown report.", DefaultValueFactory = _ => "gate-report.md" };
        var allowMarginal = new Option<bool>("--allow-marginal") { Description = "Exit 0 on a marginal verdict (default: only a pass exits 0)." };
        var status = new Option<string>("--status")
        {
            Description = "auto: set a status the branch rules can require — on GitHub with GITHUB_TOKEN a commit status on GITHUB_SHA, on Azure Pipelines with SYSTEM_ACCESSTOKEN a pull request status (or a commit status outside pull requests); off: never.",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "off");
        var statusContext = new Option<string>("--status-context") { Description = "The commit status's name.", DefaultValueFactory = _ => "pipelines/metrics-gate" };
        var watch = new Option<string?>("--watch")
        {
            Description = "After a full rollout: watch the release (canary) against the reference (baseline) for this long (e.g. 30m), looking every interval, and fail at the first alarm; repeated looks do not raise the false-alarm rate.",
        };
        var version = new Option<string?>("--version")
        {
            Description = "The version under test: put into the gate's selectors for {version} (e.g. canary: { application_Version: \"{version}\" }).",
        };
        var previous = new Option<string?>("--previous") { Description = "The version it is compared with: put into the gate's selectors for {previous}." };
        var repo = CommonOptions.Repo();
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command(Name, "Judge the canary against the baseline on technical and business metrics: pass, marginal, fail or inconclusive.")
        {
            gate, data, report, allowMarginal, status, statusContext, watch, version, previous, repo, config, json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(PipelinesCli.Execute(context, Name, parse.GetValue(json), session =>
            MetricsGateHandler.Run(session, new MetricsGateInputs(
                Gate: parse.GetValue(gate),
                Data: parse.GetValue(data),
                Report: parse.GetValue(report)!,
                AllowMarginal: parse.GetValue(allowMarginal),
                Status: parse.GetValue(status)!,
                StatusContext: parse.GetValue(statusContext)!,
                Watch: parse.GetValue(watch),
                Repo: parse.GetValue(repo)!,
                Config: parse.GetValue(config),
                Version: parse.GetValue(version),
                Previous: parse.GetValue(previous)), cancellation))));
        return command;
    }
}

/// <summary>The inputs of one <c>metrics-gate</c> run, as given.</summary>
public sealed record MetricsGateInputs(
    string? Gate, string? Data, string Report, bool AllowMarginal, string Status, string StatusContext, string? Watch, string Repo, string? Config, string? Version, string? Previous);

using System.CommandLine;
using Pipelines.Adapters.AppConfiguration;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.Release;

/// <summary>
/// <c>pipelines release run|ramp|promote|watch|rollback</c>: a feature flag's share of users ramped in steps, each
/// judged by the gate comparing the users with the flag on against those with it off, on the same engine and state
/// file as <c>canary</c>; each phase its own subcommand, so a workflow can put a manual approval before 100%.
/// </summary>
public static class ReleaseCommand
{
    public const string Name = "release";

    public static readonly IReadOnlyList<string> Phases = ["run", "ramp", "promote", "watch", "rollback"];

    /// <summary>The environment variable an App Configuration connection string is read from (never an option: it would show in process lists).</summary>
    public const string ConnectionStringVariable = AppConfigurationFlagStore.ConnectionStringVariable;

    public static Command Create(CliContext context)
    {
        var command = new Command(Name, "Ramp a feature flag's share of users in steps, each judged by the gate (flag on against off); the kill switch sets it to 0% at once.");
        foreach (var phase in Phases)
        {
            command.Subcommands.Add(Phase(context, phase));
        }

        return command;
    }

    private static Command Phase(CliContext context, string phase)
    {
        var flag = new Option<string?>("--flag") { Description = "The feature flag to release, by its id in the store (run, ramp)." };
        var store = new Option<string?>("--store") { Description = "Where the flag lives: a Microsoft Feature Management JSON file (feature_management.feature_flags), e.g. appsettings.json." };
        var steps = new Option<string?>("--steps") { Description = "Shares of users, rising; a last 100 is reached by promote (default 1,5,25,50,100)." };
        var gate = new Option<string?>("--gate") { Description = "A file holding the gate (a 'gate:' section) whose sides select the cohorts; default: the config file's gate section; none: no judging, only the bake." };
        var bake = new Option<string?>("--bake") { Description = "How long each step runs before it is judged, e.g. 1m (default 1m); min-bake and max-bake default from it." };
        var minBake = new Option<string?>("--min-bake") { Description = "The shortest bake: a step whose metrics are all shown within tolerance may stop after it (default the bake)." };
        var maxBake = new Option<string?>("--max-bake") { Description = "The longest bake: a step still undecided then is settled by --undecided (default 3x the bake)." };
        var undecided = new Option<string?>("--undecided") { Description = "At max-bake, a step the evidence has not decided is: hold (inconclusive, exit 1, flag back to 0%; the default) or pass." };
        var watch = new Option<string?>("--watch") { Description = "run, promote, watch: after 100%, watch the users with the flag on against a holdout kept off (--holdout) for this long, e.g. 30m; an alarm sets the flag to 0%." };
        var holdout = new Option<string?>("--holdout") { Description = "The share of users kept off while watching, in percent (default 5)." };
        var state = new Option<string>("--state") { Description = "The state file: written before every change, read to resume or roll back.", DefaultValueFactory = _ => "release-state.json" };
        var report = new Option<string>("--report") { Description = "Where to write the markdown timeline.", DefaultValueFactory = _ => "release-report.md" };
        var repo = CommonOptions.Repo();
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var description = phase switch
        {
            "run" => "Every step, each judged, then 100% (and the watch, if asked); resumes from the state file.",
            "ramp" => "The steps only, each judged; stops before 100% (put an approval after it).",
            "promote" => "Set the flag to 100% after a ramp (from the state file), then watch if asked.",
            "watch" => "After promote, watch the users with the flag on against a holdout kept off for --watch; an alarm sets the flag to 0%.",
            _ => "The kill switch: set the flag to 0% of users now (from the state file).",
        };
        var command = new Command(phase, description) { flag, store, steps, gate, bake, minBake, maxBake, undecided, watch, holdout, state, report, repo, config, json };
        command.SetAction((parse, cancellation) => Task.FromResult(PipelinesCli.Execute(context, $"{Name} {phase}", parse.GetValue(json), session =>
            ReleaseHandler.Run(session, new ReleaseInputs(
                phase,
                parse.GetValue(flag),
                parse.GetValue(store),
                parse.GetValue(steps),
                parse.GetValue(gate),
                parse.GetValue(bake),
                parse.GetValue(minBake),
                parse.GetValue(maxBake),
                parse.GetValue(undecided),
                parse.GetValue(watch),
                parse.GetValue(holdout),
                parse.GetValue(state)!,
                parse.GetValue(report)!,
                parse.GetValue(repo)!,
                parse.GetValue(config)), cancellation))));
        return command;
    }
}

/// <summary>The inputs of one <c>release</c> phase, as given.</summary>
public sealed record ReleaseInputs(
    string Phase,
    string? Flag,
    string? Store,
    string? Steps,
    string? Gate,
    string? Bake,
    string? MinBake,
    string? MaxBake,
    string? Undecided,
    string? Watch,
    string? Holdout,
    string State,
    string Report,
    string Repo,
    string? Config);

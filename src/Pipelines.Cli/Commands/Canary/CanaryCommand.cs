using System.CommandLine;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// <c>pipelines canary run|ramp|promote|rollback</c>: each phase is its own subcommand, so a workflow can put a
/// manual approval between ramp and promote; all share the state file.
/// </summary>
public static class CanaryCommand
{
    public const string Name = "canary";

    public static readonly IReadOnlyList<string> Phases = ["run", "deploy", "ramp", "promote", "watch", "rollback", "self-test"];

    public static Command Create(CliContext context)
    {
        var command = new Command(Name, "Deploy to a fleet in waves with a self-test and the metrics gate, promote, or roll back — from a state file that survives crashes.");
        foreach (var phase in Phases)
        {
            command.Subcommands.Add(Phase(context, phase));
        }

        return command;
    }

    private static Command Phase(CliContext context, string phase)
    {
        var hosts = new Option<string?>("--hosts") { Description = "The fleet: hosts comma-separated, or a file with one per line (default canary.hosts)." };
        var version = new Option<string?>("--version") { Description = "The version to roll out (run, ramp)." };
        var previous = new Option<string?>("--previous") { Description = "The version the fleet runs now, to roll back to (run, ramp)." };
        var deploy = new Option<string?>("--deploy-command") { Description = "Run per host to deploy, e.g. \"ssh {host} deploy {version}\"; {host}, {version}, {previous} are put into the arguments, never through a shell (default canary.deploy-command)." };
        var rollback = new Option<string?>("--rollback-command") { Description = "Run per host to roll back, e.g. \"ssh {host} deploy {previous}\" (default canary.rollback-command)." };
        var steps = new Option<string?>("--steps") { Description = "Wave sizes (1,2,4) or cumulative shares (5%,25%); the rest is deployed by promote (default canary.steps, else 1,2,4)." };
        var bake = new Option<string?>("--bake") { Description = "How long each wave runs and is measured before it is judged, e.g. 1m (default canary.bake, else 1m)." };
        var minBake = new Option<string?>("--min-bake") { Description = "The shortest bake: a wave whose metrics are all shown within tolerance may stop after it (default canary.min-bake, else the bake)." };
        var maxBake = new Option<string?>("--max-bake") { Description = "The longest bake: a wave still undecided then is settled by --undecided (default canary.max-bake, else 3x the bake)." };
        var undecided = new Option<string?>("--undecided") { Description = "At max-bake, a wave the evidence has not decided is: hold (inconclusive, exit 1, traffic back; the default) or pass (promoted without evidence, said loudly)." };
        var watch = new Option<string?>("--watch") { Description = "appservice, run and promote: after the swap, watch the release against a holdout of the previous version (canary.holdout, 5%) for this long, e.g. 30m; an alarm swaps back." };
        var state = new Option<string>("--state") { Description = "The state file: written before every change, read to resume or roll back.", DefaultValueFactory = _ => "canary-state.json" };
        var report = new Option<string>("--report") { Description = "Where to write the markdown timeline.", DefaultValueFactory = _ => "canary-report.md" };
        var repo = CommonOptions.Repo();
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var description = phase switch
        {
            "run" => "Every phase: waves, then promote; resumes from the state file.",
            "deploy" => "Deploy the first wave (or the slot) and self-test it, with no judging or traffic yet; ramp carries on from there.",
            "ramp" => "The waves only, each judged; stops before promote (put an approval after it).",
            "promote" => "Deploy the hosts left after the waves (from the state file).",
            "watch" => "appservice: after promote, watch the release against a holdout of the previous version for --watch; an alarm swaps back.",
            "self-test" => "Run the self-test checks (canary.self-test) against the hosts now, e.g. after a manual deploy.",
            _ => "Put every host the rollout touched back on the previous version (from the state file).",
        };
        var command = new Command(phase, description) { hosts, version, previous, deploy, rollback, steps, bake, minBake, maxBake, undecided, watch, state, report, repo, config, json };
        command.SetAction((parse, cancellation) => Task.FromResult(PipelinesCli.Execute(context, $"{Name} {phase}", parse.GetValue(json), session =>
            CanaryHandler.Run(session, new CanaryInputs(
                phase,
                parse.GetValue(hosts),
                parse.GetValue(version),
                parse.GetValue(previous),
                parse.GetValue(deploy),
                parse.GetValue(rollback),
                parse.GetValue(steps),
                parse.GetValue(bake),
                parse.GetValue(watch),
                parse.GetValue(state)!,
                parse.GetValue(report)!,
                parse.GetValue(repo)!,
                parse.GetValue(config),
                parse.GetValue(minBake),
                parse.GetValue(maxBake),
                parse.GetValue(undecided)), cancellation))));
        return command;
    }
}

/// <summary>The inputs of one <c>canary</c> phase, as given.</summary>
public sealed record CanaryInputs(
    string Phase,
    string? Hosts,
    string? Version,
    string? Previous,
    string? DeployCommand,
    string? RollbackCommand,
    string? Steps,
    string? Bake,
    string? Watch,
    string State,
    string Report,
    string Repo,
    string? Config,
    string? MinBake = null,
    string? MaxBake = null,
    string? Undecided = null);

using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Commands.Canary;

/// <summary>
/// One <c>canary</c> phase's inputs read and checked against the config: what the rollout is asked to do (for the
/// core's <see cref="RolloutRules"/>), how long to bake, the fleet's commands, how long to watch.
/// </summary>
/// <param name="DeployCommand">A fleet's deploy command; null for a rollback, which never deploys, and for a slot.</param>
/// <param name="RollbackCommand">A fleet's rollback command; null for a slot.</param>
public sealed record CanaryRequest(RolloutRequest Rollout, BakePolicy Bake, IReadOnlyList<string>? DeployCommand, IReadOnlyList<string>? RollbackCommand, TimeSpan? Watch)
{
    public static CanaryRequest Read(CanaryInputs inputs, CanarySettings settings)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(settings);
        var action = Enum.Parse<RolloutAction>(inputs.Phase, ignoreCase: true);
        var kind = settings.AppService is null ? RolloutKind.Fleet : RolloutKind.Slot;
        var bake = inputs.Bake is { } bakeText
            ? GateSection.DurationOption(bakeText, "--bake")
            : settings.Bake ?? TimeSpan.FromMinutes(1);
        IReadOnlyList<string>? deploy = null, rollback = null;
        if (kind == RolloutKind.Fleet)
        {
            deploy = Command(inputs.DeployCommand, "--deploy-command") ?? settings.DeployCommand;
            rollback = Command(inputs.RollbackCommand, "--rollback-command") ?? settings.RollbackCommand
                ?? throw new InputException("--rollback-command: required (or canary.rollback-command): how to put a host back on {previous}");
            if (deploy is null && action != RolloutAction.Rollback)
            {
                throw new InputException("--deploy-command: required (or canary.deploy-command): how to put {version} on {host}");
            }
        }

        var bakePolicy = BakePolicy.From(bake,
            inputs.MinBake is { } min ? GateSection.DurationOption(min, "--min-bake") : settings.MinBake,
            inputs.MaxBake is { } max ? GateSection.DurationOption(max, "--max-bake") : settings.MaxBake,
            inputs.Undecided is { } undecided ? CanarySection.ParseUndecided(undecided, "--undecided") : settings.Undecided);
        var steps = inputs.Steps?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? settings.Steps;
        var rollout = new RolloutRequest(action, kind, Version(inputs.Version, "--version"), Version(inputs.Previous, "--previous"),
            kind == RolloutKind.Fleet ? HostNames(Hosts(inputs.Hosts) ?? settings.Hosts) : null, steps, inputs.Watch is not null);
        return new CanaryRequest(rollout, bakePolicy, deploy, rollback, inputs.Watch is { } watch ? GateSection.DurationOption(watch, "--watch") : null);
    }

    /// <summary>The hosts given: comma-separated, or a file with one per line (# comments).</summary>
    public static IReadOnlyList<string>? Hosts(string? given)
    {
        if (given is null)
        {
            return null;
        }

        var lines = File.Exists(given) ? File.ReadAllLines(given) : given.Split(',');
        return [.. lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    private static IReadOnlyList<string>? HostNames(IReadOnlyList<string>? hosts)
    {
        var bad = hosts?.FirstOrDefault(h => h.Length == 0 || h.StartsWith('-') || h.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)));
        return bad is null
            ? hosts
            : throw new InputException($"--hosts: '{UntrustedText.ForLine(bad)}' is not a host name (empty, starts with '-', or holds spaces or control characters)");
    }

    /// <summary>A version goes into the deploy command's arguments: it cannot look like an option or hold control characters.</summary>
    private static string? Version(string? value, string option) =>
        value is not null && (value.StartsWith('-') || value.Any(char.IsControl))
            ? throw new InputException($"{option}: '{UntrustedText.ForLine(value)}' cannot be a version (it starts with '-' or holds control characters)")
            : value;

    private static IReadOnlyList<string>? Command(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? null : ArgumentSplitter.Split(text, option);
}

using Pipelines.Adapters.Processes;
using Pipelines.Core.Rollout;

namespace Pipelines.Adapters.Fleet;

/// <summary>
/// A fleet driven by the team's own deploy and rollback commands, run once per host with <c>{host}</c>,
/// <c>{version}</c> and <c>{previous}</c> put into the argument list — each a whole argument or part of one, never
/// text for a shell — so a hostile host name or version cannot become a command. Works for VMs over ssh
/// (<c>ssh {host} deploy {version}</c>) and for local processes.
/// </summary>
public sealed class CommandFleet(IReadOnlyList<string> deployCommand, IReadOnlyList<string> rollbackCommand, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null) : IFleet
{
    public Task<(bool Ok, string Detail)> DeployAsync(string host, string version, string previous, CancellationToken cancellation) =>
        RunAsync(deployCommand, host, version, previous, cancellation);

    public Task<(bool Ok, string Detail)> RollbackAsync(string host, string version, string previous, CancellationToken cancellation) =>
        RunAsync(rollbackCommand, host, version, previous, cancellation);

    /// <summary>The command for one host: placeholders replaced inside each argument, the argument list kept as it is.</summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> template, string host, string version, string previous)
    {
        ArgumentNullException.ThrowIfNull(template);
        return [.. template.Select(a => a.Replace("{host}", host, StringComparison.Ordinal).Replace("{version}", version, StringComparison.Ordinal).Replace("{previous}", previous, StringComparison.Ordinal))];
    }

    private async Task<(bool Ok, string Detail)> RunAsync(IReadOnlyList<string> template, string host, string version, string previous, CancellationToken cancellation)
    {
        var command = Expand(template, host, version, previous);
        var result = await ProcessRunner.RunAsync(command[0], command.Skip(1), workingDirectory, environment, cancellation).ConfigureAwait(false);
        var output = (result.StandardError.Trim().Length > 0 ? result.StandardError : result.StandardOutput).Trim();
        var last = output.Split('\n').LastOrDefault()?.Trim() ?? string.Empty;
        return (result.Succeeded, result.Succeeded ? "ok" : $"exit {result.ExitCode}{(last.Length > 0 ? ": " + last : string.Empty)}");
    }
}

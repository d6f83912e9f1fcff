namespace Pipelines.Core.Rollout;

/// <summary>
/// Where versions run: a fleet of hosts (VMs over ssh, local processes) or App Service slots. Every call is safe to
/// repeat: deploying a host to the version it already runs changes nothing.
/// </summary>
public interface IFleet
{
    /// <summary>Puts <paramref name="version"/> on <paramref name="host"/>; false, with the reason, when it did not take.</summary>
    Task<(bool Ok, string Detail)> DeployAsync(string host, string version, string previous, CancellationToken cancellation);

    /// <summary>Puts <paramref name="host"/> back on <paramref name="previous"/>.</summary>
    Task<(bool Ok, string Detail)> RollbackAsync(string host, string version, string previous, CancellationToken cancellation);
}

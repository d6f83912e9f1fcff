namespace Pipelines.Cli.Hosting;

/// <summary>Picks the host from the variables each CI system sets on every step.</summary>
public static class CiHosts
{
    public static ICiHost Detect(CliContext context, TextWriter log, string commandName)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.Equals(context.Get("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return new GitHubActionsHost(context, log);
        }

        if (string.Equals(context.Get("TF_BUILD"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return new AzurePipelinesHost(context, log, commandName);
        }

        return new LocalHost(log);
    }
}

using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Configuration;

/// <summary>Finds and reads the config file the way every command does.</summary>
public static class ConfigLoader
{
    /// <param name="context">For resolving a relative <c>--config</c> against the working folder.</param>
    /// <param name="repositoryRoot">Where the default <c>.pipelines/pipelines.yml</c> lives.</param>
    /// <param name="configOption">The <c>--config</c> value, or null for the default (which may be absent).</param>
    public static ConfigFile Load(CliContext context, string repositoryRoot, string? configOption)
    {
        ArgumentNullException.ThrowIfNull(context);
        var explicitPath = configOption is not null;
        var path = explicitPath ? context.ResolvePath(configOption!) : Path.Combine(repositoryRoot, ConfigFile.DefaultPath);
        var relative = Path.GetRelativePath(repositoryRoot, path);
        var display = relative.StartsWith("..", StringComparison.Ordinal) ? path : relative.Replace('\\', '/');
        return ConfigFile.Load(path, display, mustExist: explicitPath);
    }
}

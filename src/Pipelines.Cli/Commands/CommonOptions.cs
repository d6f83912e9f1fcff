using System.CommandLine;

namespace Pipelines.Cli.Commands;

/// <summary>Options every command has, with the same names and meaning everywhere.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Write one JSON document with every output (camelCase keys) to standard output; text goes to standard error.",
    };

    public static Option<string?> Config() => new("--config")
    {
        Description = "The config file (default: .pipelines/pipelines.yml in the repository).",
    };

    public static Option<string> Repo() => new("--repo")
    {
        Description = "The git repository to work on.",
        DefaultValueFactory = _ => ".",
    };
}

using System.CommandLine;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Inputs;

/// <summary>
/// Lets every option also come from the environment as <c>INPUT_&lt;NAME&gt;</c>, the way GitHub and Azure
/// Pipelines hand inputs to actions and tasks. The command line wins; an empty variable counts as unset, because
/// runners set inputs nobody gave to "".
/// </summary>
public static class EnvironmentInputs
{
    /// <summary>
    /// The arguments with one <c>--name=value</c> appended for each option of the invoked command that the command
    /// line leaves out and the environment sets, and where each came from (for error messages).
    /// </summary>
    public static (string[] Arguments, IReadOnlyDictionary<string, string> Sources) Apply(
        RootCommand root, IReadOnlyList<string> arguments, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(environment);
        var parsed = root.Parse(arguments);
        var command = parsed.CommandResult.Command;
        var added = new List<string>(arguments);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in OptionsOf(parsed.CommandResult))
        {
            if (option.Hidden || parsed.GetResult(option) is { Implicit: false })
            {
                continue;
            }

            var name = option.Name.TrimStart('-');
            foreach (var variable in NameMapping.ToEnvironment(name))
            {
                var value = environment(variable);
                if (string.IsNullOrEmpty(value))
                {
                    continue;
                }

                // "--name=value" keeps a value that starts with '-' (e.g. dotnet test arguments) an argument.
                added.Add($"--{name}={value}");
                sources[option.Name] = variable;
                break;
            }
        }

        _ = command;
        return ([.. added], sources);
    }

    private static IEnumerable<Option> OptionsOf(System.CommandLine.Parsing.CommandResult result)
    {
        foreach (var option in result.Command.Options)
        {
            yield return option;
        }

        for (var parent = result.Parent as System.CommandLine.Parsing.CommandResult; parent is not null;
             parent = parent.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var option in parent.Command.Options.Where(o => o.Recursive))
            {
                yield return option;
            }
        }
    }
}

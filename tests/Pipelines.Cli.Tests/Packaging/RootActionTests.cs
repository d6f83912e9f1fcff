using System.Text;
using System.Text.Json;
using Pipelines.Core.Text;
using Pipelines.Testing;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// The root action.yml (the only one the Marketplace lists) is generated from actions/*/action.yml: every command's
/// inputs and outputs, dispatched by a checked command input. This test is the generator: it fails when the file is
/// stale, and rewrites it when run with PIPELINES_UPDATE_GENERATED=1.
/// </summary>
[TestClass]
public sealed class RootActionTests
{
    /// <summary>The commands the root action runs, in the order the loop uses them.</summary>
    public static readonly string[] Commands = ["select-tests", "plan-tests", "run-tests", "revert-on-red", "metrics-gate", "canary", "release", "record-impact"];

    [TestMethod]
    public void The_root_action_is_generated_from_the_command_actions()
    {
        var generated = Generate();
        var path = SourceTree.PathOf("action.yml");
        if (Environment.GetEnvironmentVariable("PIPELINES_UPDATE_GENERATED") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.AreEqual(generated, File.ReadAllText(path), "action.yml is stale: run the tests with PIPELINES_UPDATE_GENERATED=1 to regenerate it");
    }

    public static string Generate()
    {
        var inputs = new List<(string Name, List<string> Commands, string Description)>();
        var outputs = new List<(string Name, List<string> Commands, string Description)>();
        foreach (var command in Commands)
        {
            var action = Load($"actions/{command}/action.yml");
            Collect(inputs, Section(action, "inputs"), command);
            Collect(outputs, Section(action, "outputs"), command);
        }

        var yaml = new StringBuilder();
        yaml.Append("""
            name: Pipelines
            description: Continuous deployment the IMVU/kaChing way — select tests, plan shards, revert a red trunk, canary with a metrics gate.
            author: Pipelines
            branding:
              icon: git-commit
              color: green
            # Generated from actions/*/action.yml by tests/Pipelines.Cli.Tests/Packaging/RootActionTests.cs (PIPELINES_UPDATE_GENERATED=1):
            # every input of every command, passed to the one the command input names.
            inputs:
              command:

            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        yaml.Append("    description: The pipelines command to run — ").Append(string.Join(", ", Commands)).Append(".\n");
        yaml.Append("    required: true\n");
        foreach (var (name, commands, description) in inputs)
        {
            yaml.Append("  ").Append(name).Append(":\n");
            yaml.Append("    description: ").Append(Quote(string.Join(", ", commands) + " — " + description)).Append('\n');
            yaml.Append("    required: false\n");
            yaml.Append("    default: \"\"\n");
        }

        yaml.Append("outputs:\n");
        foreach (var (name, commands, description) in outputs)
        {
            yaml.Append("  ").Append(name).Append(":\n");
            yaml.Append("    description: ").Append(Quote(string.Join(", ", commands) + " — " + description)).Append('\n');
            yaml.Append("    value: ${{ steps.run.outputs.").Append(name).Append(" }}\n");
        }

        yaml.Append("runs:\n  using: composite\n  steps:\n");
        yaml.Append(SetupSteps.Replace("{path}", "actions/", StringComparison.Ordinal));
        yaml.Append("    - id: run\n      shell: bash\n      env:\n");
        foreach (var name in new[] { "command" }.Concat(inputs.Select(i => i.Name)))
        {
            yaml.Append("        ").Append(NameMapping.ToEnvironment(name)[0]).Append(": ${{ inputs.").Append(name).Append(" }}\n");
        }

        var list = string.Join(", ", Commands);
        yaml.Append("      # The command is checked against the known names so an input can never become extra arguments.\n");
        yaml.Append("      run: |\n");
        yaml.Append("        case \"$INPUT_COMMAND\" in\n");
        yaml.Append("          ").Append(string.Join('|', Commands)).Append(") ;;\n");
        yaml.Append("          *) echo \"::error title=Pipelines::input 'command' must be one of: ").Append(list)
            .Append(" (got '${INPUT_COMMAND//[^a-z-]/?}')\"; exit 2 ;;\n");
        yaml.Append("        esac\n");
        yaml.Append("        if [ \"$INPUT_COMMAND\" = canary ]; then\n");
        yaml.Append("          case \"${INPUT_PHASE:-run}\" in\n");
        yaml.Append("            run|deploy|ramp|promote|watch|rollback|self-test) ;;\n");
        yaml.Append("            *) echo \"::error title=Pipelines::input 'phase' must be one of: run, deploy, ramp, promote, watch, rollback, self-test (got '${INPUT_PHASE//[^a-z-]/?}')\"; exit 2 ;;\n");
        yaml.Append("          esac\n");
        yaml.Append("          exec \"$GITHUB_ACTION_PATH/actions/run-pipelines.sh\" canary \"${INPUT_PHASE:-run}\"\n");
        yaml.Append("        fi\n");
        yaml.Append("        \"$GITHUB_ACTION_PATH/actions/run-pipelines.sh\" \"$INPUT_COMMAND\"\n");
        return yaml.ToString();
    }

    /// <summary>The steps every action starts with (checked equal in each actions/*/action.yml by the packaging tests).</summary>
    public const string SetupSteps = """
            # .NET is installed only when this ref has no binary for the runner's platform and the runner has no .NET 10.
            - id: setup
              shell: bash
              run: '"$GITHUB_ACTION_PATH/{path}run-pipelines.sh" --setup'
            - if: steps.setup.outputs.need-dotnet == 'true'
              uses: actions/setup-dotnet@d4c94342e560b34958eacfc5d055d21461ed1c5d # v5.0.0
              with:
                dotnet-version: 10.0.x

        """;

    private static void Collect(List<(string Name, List<string> Commands, string Description)> into, YamlMappingNode section, string command)
    {
        foreach (var (key, value) in section.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            var description = ((YamlScalarNode)((YamlMappingNode)value).Children[new YamlScalarNode("description")]).Value!.Trim();
            var index = into.FindIndex(i => i.Name == name);
            if (index < 0)
            {
                into.Add((name, [command], description));
            }
            else
            {
                into[index].Commands.Add(command);
            }
        }
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // A JSON string is a valid YAML double-quoted scalar.
    private static string Quote(string text) => JsonSerializer.Serialize(text, Readable);

    private static YamlMappingNode Load(string relative) => ActionYaml.Load(relative);

    private static YamlMappingNode Section(YamlMappingNode node, string key) => ActionYaml.Section(node, key);
}

using System.CommandLine;
using System.Text.Json;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Text;
using Pipelines.Testing;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// The GitHub actions and the Azure DevOps task are thin wrappers: every input they declare must reach the CLI option
/// of the same meaning, every option must have an input, and every output the command writes must be declared.
/// </summary>
[TestClass]
public sealed class ActionPackagingTests
{
    private static readonly string[] CliOnlyOptions = ["--json", "--help", "-h", "-?", "/?"];

    private static readonly string[] Commands = RootActionTests.Commands;

    /// <summary>The options of the commands, and of their phases for a command that has them (canary run, ramp, …).</summary>
    private static IReadOnlyList<string> CliOptions(params string[] commands)
    {
        var root = PipelinesCli.BuildRoot(new CliContext(new Dictionary<string, string?>(), ".", TextWriter.Null, TextWriter.Null));
        return [.. root.Subcommands.Where(c => commands.Contains(c.Name)).SelectMany(c => c.Options.Concat(c.Subcommands.SelectMany(p => p.Options)))
            .Where(o => !CliOnlyOptions.Contains(o.Name)).Select(o => o.Name.TrimStart('-')).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>Inputs that name a phase (a subcommand) rather than an option.</summary>
    private static readonly string[] PhaseInputs = ["phase"];

    private static YamlMappingNode LoadYaml(string relative) => ActionYaml.Load(relative);

    private static YamlMappingNode Section(YamlMappingNode node, string key) => ActionYaml.Section(node, key);

    private static List<string> Keys(YamlMappingNode node) =>
        [.. node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal)];

    [TestMethod]
    [DataRow("select-tests")]
    [DataRow("plan-tests")]
    [DataRow("run-tests")]
    [DataRow("revert-on-red")]
    [DataRow("metrics-gate")]
    [DataRow("canary")]
    [DataRow("release")]
    [DataRow("record-impact")]
    public void Every_action_input_is_a_cli_option_and_every_option_an_input(string command)
    {
        var inputs = Keys(Section(LoadYaml($"actions/{command}/action.yml"), "inputs")).Where(i => !PhaseInputs.Contains(i)).ToList();

        CollectionAssert.AreEqual(CliOptions(command).ToList(), inputs, $"actions/{command}/action.yml inputs vs {command} options");
    }

    [TestMethod]
    public void The_root_action_takes_every_commands_inputs_and_declares_every_commands_outputs()
    {
        var root = LoadYaml("action.yml");
        var outputs = Commands.SelectMany(c => Keys(Section(LoadYaml($"actions/{c}/action.yml"), "outputs"))).Distinct().Order(StringComparer.Ordinal).ToList();

        CollectionAssert.AreEqual(CliOptions(Commands).ToList(), Keys(Section(root, "inputs")).Where(i => i != "command" && !PhaseInputs.Contains(i)).ToList());
        CollectionAssert.AreEqual(outputs, Keys(Section(root, "outputs")));
        var run = ((YamlScalarNode)((YamlMappingNode)((YamlSequenceNode)Section(root, "runs").Children[new YamlScalarNode("steps")]).Children.Last()).Children[new YamlScalarNode("run")]).Value!;
        StringAssert.Contains(run, string.Join('|', Commands) + ")", "the command input is checked against every command");
    }

    [TestMethod]
    [DataRow("actions/select-tests/action.yml")]
    [DataRow("actions/plan-tests/action.yml")]
    [DataRow("actions/run-tests/action.yml")]
    [DataRow("actions/revert-on-red/action.yml")]
    [DataRow("actions/metrics-gate/action.yml")]
    [DataRow("actions/canary/action.yml")]
    [DataRow("actions/release/action.yml")]
    [DataRow("actions/record-impact/action.yml")]
    [DataRow("action.yml")]
    public void Every_action_input_is_passed_as_the_environment_variable_the_cli_reads_and_never_expanded_in_run(string actionFile)
    {
        var action = LoadYaml(actionFile);
        var step = (YamlMappingNode)((YamlSequenceNode)Section(action, "runs").Children[new YamlScalarNode("steps")]).Children.Last();
        var text = File.ReadAllText(SourceTree.PathOf(actionFile)).Replace("\r", string.Empty, StringComparison.Ordinal);
        StringAssert.Contains(text, "  steps:\n" + RootActionTests.SetupSteps.Replace("{path}", actionFile == "action.yml" ? "actions/" : "../", StringComparison.Ordinal) + "    - id: run\n",
            $"{actionFile}: starts with the shared setup steps");
        var env = Section(step, "env").Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);

        foreach (var input in Keys(Section(action, "inputs")))
        {
            var variable = NameMapping.ToEnvironment(input)[0];
            Assert.IsTrue(env.TryGetValue(variable, out var value), $"{actionFile}: input '{input}' is not passed as {variable}");
            Assert.AreEqual($"${{{{ inputs.{input} }}}}", value, $"{actionFile}: {variable}");
        }

        var run = ((YamlScalarNode)step.Children[new YamlScalarNode("run")]).Value!;
        Assert.DoesNotContain("${{", run, $"{actionFile}: template expansion inside run: is a script-injection hole");
        var syntax = Programs.Run("bash", ["-n", "-c", run]);
        Assert.AreEqual(0, syntax.ExitCode, $"{actionFile}: the run script is not valid bash: {syntax.StandardError}");
    }

    [TestMethod]
    [DataRow("SelectTests", "select-tests")]
    [DataRow("RevertOnRed", "revert-on-red")]
    [DataRow("MetricsGate", "metrics-gate")]
    [DataRow("PlanTests", "plan-tests")]
    [DataRow("RunTests", "run-tests")]
    [DataRow("Canary", "canary")]
    [DataRow("Release", "release")]
    [DataRow("RecordImpact", "record-impact")]
    public void The_task_inputs_map_to_the_cli_options_by_the_camel_case_rule(string task, string command)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(SourceTree.PathOf($"tasks/{task}/task.json")));
        var inputs = json.RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();

        CollectionAssert.AreEquivalent(CliOptions(command).Select(NameMapping.ToAzure).ToList(), inputs.Where(i => !PhaseInputs.Contains(i)).ToList(), task);
        Assert.IsTrue(inputs.All(i => !i.Contains('-', StringComparison.Ordinal)), "Azure DevOps input names cannot contain '-'");
        Assert.AreEqual("Pipelines" + task, json.RootElement.GetProperty("name").GetString(), "the shim reads the command from the task's name");
    }

    [TestMethod]
    [DataRow("SelectTests", "select-tests")]
    [DataRow("RevertOnRed", "revert-on-red")]
    [DataRow("MetricsGate", "metrics-gate")]
    [DataRow("PlanTests", "plan-tests")]
    [DataRow("RunTests", "run-tests")]
    [DataRow("Canary", "canary")]
    [DataRow("Release", "release")]
    [DataRow("RecordImpact", "record-impact")]
    public void The_action_and_the_task_declare_the_same_outputs(string task, string command)
    {
        var actionOutputs = Keys(Section(LoadYaml($"actions/{command}/action.yml"), "outputs"));
        using var json = JsonDocument.Parse(File.ReadAllText(SourceTree.PathOf($"tasks/{task}/task.json")));
        var taskOutputs = json.RootElement.GetProperty("outputVariables").EnumerateArray().Select(o => o.GetProperty("name").GetString()!).ToList();

        CollectionAssert.AreEquivalent(actionOutputs.Select(NameMapping.ToAzure).ToList(), taskOutputs, task);
    }

    [TestMethod]
    public void Every_task_runs_the_one_shim_and_has_a_stable_id_and_a_place_in_the_extension()
    {
        var tasks = Directory.GetDirectories(SourceTree.PathOf("tasks")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.IsTrue(File.Exists(SourceTree.PathOf("tasks/index.js")), "the shim, kept once; release.sh copies it into every task");
        using var extension = JsonDocument.Parse(File.ReadAllText(SourceTree.PathOf("vss-extension.json")));
        var contributed = extension.RootElement.GetProperty("contributions").EnumerateArray().Select(c => c.GetProperty("properties").GetProperty("name").GetString()).ToList();
        var ids = new HashSet<string>(StringComparer.Ordinal);

        foreach (var task in tasks)
        {
            Assert.IsFalse(File.Exists(SourceTree.PathOf($"tasks/{task}/index.js")), $"tasks/{task}/index.js: no copy of the shim in the source tree");
            using var json = JsonDocument.Parse(File.ReadAllText(SourceTree.PathOf($"tasks/{task}/task.json")));
            Assert.IsTrue(Guid.TryParse(json.RootElement.GetProperty("id").GetString(), out _) && ids.Add(json.RootElement.GetProperty("id").GetString()!), $"{task}: a GUID of its own");
            CollectionAssert.Contains(contributed, $"tasks/{task}");
            var handlers = json.RootElement.GetProperty("execution").EnumerateObject().Select(h => h.Name).ToList();
            CollectionAssert.IsSubsetOf(new[] { "Node20_1", "Node24" }, handlers, task);
        }
    }

    [TestMethod]
    public void Every_output_the_commands_write_is_declared_by_their_actions()
    {
        using var repo = new TemporaryRepository();
        repo.Write("src/App/App.cs", "class App {}").Commit("initial");
        repo.Write("src/App/App.cs", "class App { }").Write("tests.txt", "").Commit("change");
        string[][] runs = [["select-tests"], ["plan-tests", "--tests", "tests.txt", "--shards", "1"], ["run-tests"]];

        foreach (var args in runs)
        {
            using var dir = new TempDirectory();
            var outputFile = Path.Combine(dir.Path, "output");
            var env = new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_OUTPUT"] = outputFile };

            var run = CliRunner.Run(repo.Path, env, args);

            Assert.AreEqual(0, run.ExitCode, run.StandardError);
            var written = GitHubOutputFile.Parse(File.ReadAllText(outputFile)).Keys.ToList();
            var declared = Keys(Section(LoadYaml($"actions/{args[0]}/action.yml"), "outputs"));
            Assert.IsNotEmpty(written);
            CollectionAssert.IsSubsetOf(written, declared, args[0]);
        }
    }

    [TestMethod]
    public void The_task_shim_renames_agent_inputs_for_the_cli_and_fails_the_task_on_a_non_zero_exit()
    {
        using var dir = new TempDirectory();
        // A stand-in for the binary that shows what it received, so the test is about the shim alone.
        var fake = dir.Write("fake-pipelines", "#!/bin/sh\necho \"args=$*\"\necho \"syntax=$INPUT_FILTER_SYNTAX agentName=${INPUT_FILTERSYNTAX:-unset} head=$INPUT_HEAD\"\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var run = Programs.Run("node", [StagedShim(dir, "SelectTests")], environment: new Dictionary<string, string>
        {
            ["PIPELINES_CLI"] = fake,
            ["INPUT_FILTERSYNTAX"] = "xunit",
            ["INPUT_HEAD"] = "abc123",
        });
        var (exit, output) = (run.ExitCode, run.StandardOutput + run.StandardError);
        var revert = Programs.Run("node", [StagedShim(dir, "RevertOnRed")], environment: new Dictionary<string, string> { ["PIPELINES_CLI"] = fake });

        Assert.AreEqual(1, exit, output);
        StringAssert.Contains(output, "args=select-tests");
        StringAssert.Contains(output, "syntax=xunit agentName=unset head=abc123");
        StringAssert.Contains(output, "##vso[task.complete result=Failed;]pipelines select-tests exited with code 1");
        StringAssert.Contains(revert.StandardOutput, "args=revert-on-red", "the same shim runs the command its task names");

        var ramp = Programs.Run("node", [StagedShim(dir, "Canary")], environment: new Dictionary<string, string> { ["PIPELINES_CLI"] = fake, ["INPUT_PHASE"] = "ramp" });
        var hostile = Programs.Run("node", [StagedShim(dir, "Canary")], environment: new Dictionary<string, string> { ["PIPELINES_CLI"] = fake, ["INPUT_PHASE"] = "ramp; rm -rf /" });
        StringAssert.Contains(ramp.StandardOutput, "args=canary ramp", "the phase becomes the subcommand");
        Assert.AreEqual(2, hostile.ExitCode);
        StringAssert.Contains(hostile.StandardOutput, "input 'phase' must be one of: run, deploy, ramp, promote, watch, rollback, self-test");
        Assert.IsFalse(hostile.StandardOutput.Contains("args=", StringComparison.Ordinal), "an unknown phase never reaches the program");
    }

    /// <summary>A task folder as the release lays it out: its task.json and the one shim beside it.</summary>
    private static string StagedShim(TempDirectory dir, string task)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "tasks", task)).FullName;
        File.Copy(SourceTree.PathOf($"tasks/{task}/task.json"), Path.Combine(folder, "task.json"), overwrite: true);
        File.Copy(SourceTree.PathOf("tasks/index.js"), Path.Combine(folder, "index.js"), overwrite: true);
        return Path.Combine(folder, "index.js");
    }

    [TestMethod]
    public void Every_action_file_passes_action_validator_and_a_broken_one_does_not()
    {
        var validator = TestTools.PathOf("@action-validator/cli/cli.mjs");
        var actions = Directory.GetFiles(SourceTree.PathOf("actions"), "action.yml", SearchOption.AllDirectories).Append(SourceTree.PathOf("action.yml")).ToList();
        using var dir = new TempDirectory();
        var broken = dir.Write("action.yml", "name: x\ndescription: y\ninputs:\n  a:\n    descriptio: typo\nruns:\n  using: composite\n  steps:\n    - run: echo\n");

        foreach (var action in actions)
        {
            var run = Programs.Run("node", [validator, action]);
            Assert.AreEqual(0, run.ExitCode, $"{action}: {run.StandardOutput}{run.StandardError}");
        }

        var bad = Programs.Run("node", [validator, broken]);
        Assert.AreEqual(1, bad.ExitCode);
        StringAssert.Contains(bad.StandardOutput + bad.StandardError, "Additional property 'descriptio' is not allowed");
    }
}

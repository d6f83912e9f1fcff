using System.Text.RegularExpressions;
using Pipelines.Testing;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>What a composite action's run left behind, as the runner would read it; <paramref name="Used"/>: the actions its steps ran.</summary>
internal sealed record ActionRun(int ExitCode, string Log, IReadOnlyDictionary<string, string> Outputs, string Summary, IReadOnlyList<string> Used);

/// <summary>
/// Runs a composite action.yml the way the GitHub runner does: inputs from <c>with:</c> over their defaults, each step's
/// <c>env:</c> with <c>${{ inputs.* }}</c> put in, its script through <c>bash --noprofile --norc -eo pipefail</c> with
/// <c>GITHUB_ACTION_PATH</c>, a fresh <c>GITHUB_OUTPUT</c> per step, one <c>GITHUB_STEP_SUMMARY</c>, and the job's
/// <c>GITHUB_PATH</c> additions in front of PATH; <c>if: steps.&lt;id&gt;.outputs.&lt;name&gt; == '…'</c> conditions;
/// then the action's outputs from <c>${{ steps.&lt;id&gt;.outputs.&lt;name&gt; }}</c>. A <c>uses:</c> step runs a
/// stand-in that does what that action does to the job (setup-dotnet: .NET on the PATH). Expressions beyond those are
/// refused, so an action that starts to need more shows up here first.
/// </summary>
internal static partial class CompositeActionRunner
{
    [GeneratedRegex(@"^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$")]
    private static partial Regex InputExpression();

    [GeneratedRegex(@"^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$")]
    private static partial Regex StepOutputExpression();

    [GeneratedRegex(@"^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+) == '([^']*)'$")]
    private static partial Regex StepOutputCondition();

    /// <summary>What the actions our steps use do to the job, by name: setup-dotnet puts .NET on the job's PATH.</summary>
    private static readonly Dictionary<string, Action<string>> StandIns = new(StringComparer.Ordinal)
    {
        ["actions/setup-dotnet"] = githubPath => File.AppendAllText(githubPath, DotnetFolder() + "\n"),
    };

    /// <summary>Runs <paramref name="actionFolder"/>/action.yml in <paramref name="workspace"/>.</summary>
    /// <param name="runnerEnvironment">What the runner sets for every step of the job (GITHUB_EVENT_PATH, GITHUB_SHA, RUNNER_TEMP, …); PATH and HOME come from this process.</param>
    public static ActionRun Run(string actionFolder, string workspace, IReadOnlyDictionary<string, string> with, IReadOnlyDictionary<string, string> runnerEnvironment)
    {
        var action = ActionYaml.LoadFile(Path.Combine(actionFolder, "action.yml"));
        var declared = Mapping(action, "inputs");
        var unknown = with.Keys.Where(k => !declared.Children.ContainsKey(new YamlScalarNode(k))).ToList();
        Assert.IsEmpty(unknown, $"inputs the action does not declare: {string.Join(", ", unknown)}");
        var inputs = declared.Children.ToDictionary(
            e => ((YamlScalarNode)e.Key).Value!,
            e => with.TryGetValue(((YamlScalarNode)e.Key).Value!, out var given) ? given : Scalar((YamlMappingNode)e.Value, "default") ?? "");

        var runs = Mapping(action, "runs");
        Assert.AreEqual("composite", Scalar(runs, "using"));
        using var runnerTemp = new TempDirectory("runner");
        var temp = runnerTemp.Path;
        var summary = Path.Combine(temp, "step_summary");
        File.WriteAllText(summary, "");
        var log = new System.Text.StringBuilder();
        var stepOutputs = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var exit = 0;
        var index = 0;
        var used = new List<string>();
        var githubPath = runnerEnvironment.TryGetValue("GITHUB_PATH", out var jobPath) ? jobPath : Path.Combine(temp, "path");
        foreach (var step in ((YamlSequenceNode)runs.Children[new YamlScalarNode("steps")]).Cast<YamlMappingNode>())
        {
            index++;
            if (Scalar(step, "if") is { } condition)
            {
                var test = StepOutputCondition().Match(condition.Trim());
                Assert.IsTrue(test.Success, $"step {index}: only steps.<id>.outputs.<name> == '<value>' conditions are emulated (got '{condition}')");
                var actual = stepOutputs.TryGetValue(test.Groups[1].Value, out var written) && written.TryGetValue(test.Groups[2].Value, out var value) ? value : "";
                if (actual != test.Groups[3].Value)
                {
                    continue;
                }
            }

            if (Scalar(step, "uses") is { } uses)
            {
                var name = uses.Split('@')[0];
                Assert.IsTrue(StandIns.TryGetValue(name, out var standIn), $"step {index}: no stand-in for {uses}");
                standIn(githubPath);
                used.Add(uses);
                continue;
            }

            var script = Scalar(step, "run") ?? throw new AssertFailedException($"step {index} has neither run: nor uses:");
            Assert.AreEqual("bash", Scalar(step, "shell"), $"step {index} shell");
            Assert.DoesNotContain("${{", script, $"step {index}: an expression inside run: is script injection");

            var output = Path.Combine(temp, $"output_{index}");
            File.WriteAllText(output, "");
            var scriptFile = Path.Combine(temp, $"step_{index}.sh");
            File.WriteAllText(scriptFile, script);
            var environment = new Dictionary<string, string>
            {
                ["GITHUB_ACTIONS"] = "true",
                ["CI"] = "true",
                ["GITHUB_WORKSPACE"] = workspace,
                ["RUNNER_TEMP"] = temp,
                ["RUNNER_OS"] = "Linux",
            };
            foreach (var (name, value) in runnerEnvironment)
            {
                environment[name] = value;
            }

            environment["PATH"] = string.Join(Path.PathSeparator, (File.Exists(githubPath) ? File.ReadAllLines(githubPath) : []).Reverse()
                .Append(runnerEnvironment.TryGetValue("PATH", out var basePath) ? basePath : Environment.GetEnvironmentVariable("PATH") ?? ""));
            environment["GITHUB_PATH"] = githubPath;
            environment["GITHUB_ACTION_PATH"] = actionFolder;
            environment["GITHUB_OUTPUT"] = output;
            environment["GITHUB_STEP_SUMMARY"] = summary;
            if (step.Children.TryGetValue(new YamlScalarNode("env"), out var env))
            {
                foreach (var (name, value) in ((YamlMappingNode)env).Children)
                {
                    environment[((YamlScalarNode)name).Value!] = Evaluate(((YamlScalarNode)value).Value ?? "", inputs);
                }
            }

            var run = Programs.RunIsolated("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], workspace, environment);
            log.Append(run.StandardOutput).Append(run.StandardError);
            if (Scalar(step, "id") is { } id)
            {
                stepOutputs[id] = GitHubOutputFile.Parse(File.ReadAllText(output));
            }

            if (run.ExitCode != 0)
            {
                exit = run.ExitCode;
                break;
            }
        }

        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (action.Children.TryGetValue(new YamlScalarNode("outputs"), out var declaredOutputs))
        {
            foreach (var (name, node) in ((YamlMappingNode)declaredOutputs).Children)
            {
                var value = Scalar((YamlMappingNode)node, "value") ?? "";
                var match = StepOutputExpression().Match(value);
                Assert.IsTrue(match.Success, $"output {name}: only ${{{{ steps.<id>.outputs.<name> }}}} is emulated (got '{value}')");
                if (stepOutputs.TryGetValue(match.Groups[1].Value, out var written) && written.TryGetValue(match.Groups[2].Value, out var text))
                {
                    outputs[((YamlScalarNode)name).Value!] = text;
                }
            }
        }

        return new ActionRun(exit, log.ToString(), outputs, File.ReadAllText(summary), used);
    }

    /// <summary>The folder of the dotnet this machine runs, as setup-dotnet would put it on the PATH.</summary>
    private static string DotnetFolder()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
            {
                var target = File.ResolveLinkTarget(candidate, returnFinalTarget: true);
                return Path.GetDirectoryName(target?.FullName ?? candidate)!;
            }
        }

        throw new AssertFailedException("no dotnet on PATH");
    }

    private static string Evaluate(string value, Dictionary<string, string> inputs)
    {
        if (!value.Contains("${{", StringComparison.Ordinal))
        {
            return value;
        }

        var match = InputExpression().Match(value.Trim());
        Assert.IsTrue(match.Success, $"only ${{{{ inputs.<name> }}}} is emulated in env: (got '{value}')");
        return inputs.TryGetValue(match.Groups[1].Value, out var input)
            ? input
            : throw new AssertFailedException($"env: uses inputs.{match.Groups[1].Value}, which the action does not declare");
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string? Scalar(YamlMappingNode node, string key) => WorkflowYaml.Scalar(node, key);
}

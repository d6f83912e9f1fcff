using System.Text.Json;
using System.Text.RegularExpressions;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>What a task run left behind, as the agent would read it.</summary>
internal sealed record TaskRun(int ExitCode, string Log, IReadOnlyDictionary<string, string> OutputVariables);

/// <summary>
/// Runs a task folder the way the Azure Pipelines agent does: <c>node</c> on the <c>Node24</c> handler's target, in the
/// sources directory, with every input of task.json as <c>INPUT_&lt;NAME&gt;</c> (the given value, else its default, else
/// empty, with <c>$(Variable)</c> macros put in) and the agent's own variables, in an environment that holds nothing else of this test process.
/// </summary>
internal static partial class AzureTaskRunner
{
    /// <summary>The agent puts variables into input values (defaults too) as <c>$(Build.SourcesDirectory)</c>; an unknown one stays as written.</summary>
    [GeneratedRegex(@"\$\(([A-Za-z0-9_.]+)\)")]
    private static partial Regex Macro();

    public static TaskRun Run(string taskFolder, string sourcesDirectory, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string>? variables = null)
    {
        using var task = JsonDocument.Parse(File.ReadAllText(Path.Combine(taskFolder, "task.json")));
        var declared = task.RootElement.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!, i => i);
        var unknown = inputs.Keys.Where(k => !declared.ContainsKey(k)).ToList();
        Assert.IsEmpty(unknown, $"inputs the task does not declare: {string.Join(", ", unknown)}");
        var target = task.RootElement.GetProperty("execution").GetProperty("Node24").GetProperty("target").GetString()!;

        using var agentTemp = new TempDirectory("agent-temp");
        var environment = new Dictionary<string, string>
        {
            ["TF_BUILD"] = "True",
            ["AGENT_OS"] = "Linux",
            ["AGENT_TEMPDIRECTORY"] = agentTemp.Path,
            ["BUILD_SOURCESDIRECTORY"] = sourcesDirectory,
            ["SYSTEM_DEFAULTWORKINGDIRECTORY"] = sourcesDirectory,
            ["SYSTEM_TEAMFOUNDATIONCOLLECTIONURI"] = "https://dev.azure.com/contoso/",
            ["SYSTEM_TEAMPROJECT"] = "Shop",
            ["BUILD_BUILDID"] = "42",
        };
        foreach (var (name, value) in variables ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        foreach (var (name, input) in declared)
        {
            var value = inputs.TryGetValue(name, out var given) ? given
                : input.TryGetProperty("defaultValue", out var fallback) ? fallback.GetString() ?? "" : "";
            environment["INPUT_" + name.ToUpperInvariant()] = Macro().Replace(value, m =>
                environment.TryGetValue(m.Groups[1].Value.Replace('.', '_').ToUpperInvariant(), out var variable) ? variable : m.Value);
        }

        var run = Programs.RunIsolated("node", [Path.Combine(taskFolder, target)], sourcesDirectory, environment);
        return new TaskRun(run.ExitCode, run.StandardOutput + run.StandardError, AzureLog.OutputVariables(run.StandardOutput));
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Pipelines.Testing;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// The samples users copy, and this repository's own workflows, use our actions and tasks only by the inputs they
/// declare and read only the outputs they write: a renamed input must fail here, not in a user's first run.
/// </summary>
[TestClass]
public sealed partial class SampleTests
{
    [GeneratedRegex(@"^(?:your-org/pipelines|\.)(?:/actions/([a-z-]+))?/?(?:@|$)")]
    private static partial Regex OurAction();

    [GeneratedRegex(@"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)")]
    private static partial Regex StepOutput();

    private static IEnumerable<string> Files(string folder, string pattern) =>
        Directory.Exists(SourceTree.PathOf(folder))
            ? Directory.GetFiles(SourceTree.PathOf(folder), pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    private static HashSet<string> Keys(YamlMappingNode action, string section) =>
        action.Children.TryGetValue(new YamlScalarNode(section), out var node)
            ? [.. ((YamlMappingNode)node).Children.Keys.Select(k => ((YamlScalarNode)k).Value!)]
            : [];

    private static IEnumerable<YamlMappingNode> Mappings(YamlNode node)
    {
        if (node is YamlMappingNode mapping)
        {
            yield return mapping;
            foreach (var child in mapping.Children.Values.SelectMany(Mappings))
            {
                yield return child;
            }
        }
        else if (node is YamlSequenceNode sequence)
        {
            foreach (var child in sequence.Children.SelectMany(Mappings))
            {
                yield return child;
            }
        }
    }

    private static string? Scalar(YamlMappingNode node, string key) => WorkflowYaml.Scalar(node, key);

    /// <summary>Problems in one workflow: unknown inputs to our actions, and outputs read from them that they never write.</summary>
    private static List<string> GitHubProblems(string file)
    {
        var problems = new List<string>();
        var name = Path.GetRelativePath(SourceTree.Root, file);
        var text = File.ReadAllText(file);
        // A job's steps are a list; a `steps:` scalar is an action's input (release's share steps), not a job.
        foreach (var job in Mappings(ActionYaml.LoadFile(file)).Where(m => m.Children.TryGetValue(new YamlScalarNode("steps"), out var steps) && steps is YamlSequenceNode))
        {
            var ours = new Dictionary<string, YamlMappingNode>(StringComparer.Ordinal);
            foreach (var step in ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).OfType<YamlMappingNode>())
            {
                var match = OurAction().Match(Scalar(step, "uses") ?? "");
                if (!match.Success)
                {
                    continue;
                }

                // ./actions/<name> and your-org/pipelines/actions/<name>@…, or the root action (./, your-org/pipelines@…).
                var label = match.Groups[1].Success ? match.Groups[1].Value : "the root action";
                var action = ActionYaml.LoadFile(SourceTree.PathOf(match.Groups[1].Success ? $"actions/{label}/action.yml" : "action.yml"));
                var inputs = Keys(action, "inputs");
                if (step.Children.TryGetValue(new YamlScalarNode("with"), out var with))
                {
                    problems.AddRange(((YamlMappingNode)with).Children.Keys.Select(k => ((YamlScalarNode)k).Value!)
                        .Where(k => !inputs.Contains(k)).Select(k => $"{name}: {label} has no input '{k}'"));
                }

                if (Scalar(step, "id") is { } id)
                {
                    ours[id] = action;
                }
            }

            foreach (Match read in StepOutput().Matches(text))
            {
                if (ours.TryGetValue(read.Groups[1].Value, out var action) && !Keys(action, "outputs").Contains(read.Groups[2].Value))
                {
                    problems.Add($"{name}: step '{read.Groups[1].Value}' has no output '{read.Groups[2].Value}'");
                }
            }
        }

        return problems;
    }

    /// <summary>Problems in one Azure Pipelines file: unknown inputs to our tasks, or a major version we do not ship.</summary>
    private static List<string> AzureProblems(string file)
    {
        var problems = new List<string>();
        var name = Path.GetRelativePath(SourceTree.Root, file);
        foreach (var step in Mappings(ActionYaml.LoadFile(file)))
        {
            var task = Scalar(step, "task");
            if (task is null || !task.StartsWith("Pipelines", StringComparison.Ordinal))
            {
                continue;
            }

            var (taskName, major) = (task.Split('@')[0], task.Split('@').ElementAtOrDefault(1));
            var folder = SourceTree.PathOf($"tasks/{taskName["Pipelines".Length..]}/task.json");
            if (!File.Exists(folder))
            {
                problems.Add($"{name}: no task {taskName}");
                continue;
            }

            using var json = JsonDocument.Parse(File.ReadAllText(folder));
            if (major != json.RootElement.GetProperty("version").GetProperty("Major").ToString())
            {
                problems.Add($"{name}: {task} is not the major version the task ships");
            }

            var inputs = json.RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
            if (step.Children.TryGetValue(new YamlScalarNode("inputs"), out var given) && given is YamlMappingNode mapping)
            {
                problems.AddRange(mapping.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)
                    .Where(k => !inputs.Contains(k)).Select(k => $"{name}: {taskName} has no input '{k}'"));
            }
        }

        return problems;
    }

    [TestMethod]
    public void Every_workflow_passes_our_actions_only_inputs_they_declare_and_reads_only_outputs_they_write()
    {
        var files = Files("samples/github", "*.yml").Concat(Files(".github/workflows", "*.yml")).ToList();
        Assert.IsNotEmpty(files);

        CollectionAssert.AreEqual(Array.Empty<string>(), files.SelectMany(GitHubProblems).ToArray());
        Assert.IsGreaterThan(0, files.Sum(f => Regex.Count(File.ReadAllText(f), @"uses: (?:your-org/pipelines/actions/|\./actions/)")), "the samples use our actions");
    }

    [TestMethod]
    public void Every_azure_pipelines_sample_passes_our_tasks_only_inputs_they_declare()
    {
        var files = Files("samples/azure-pipelines", "*.yml").ToList();
        Assert.IsNotEmpty(files);

        CollectionAssert.AreEqual(Array.Empty<string>(), files.SelectMany(AzureProblems).ToArray());
        Assert.IsGreaterThan(0, files.Sum(f => Regex.Count(File.ReadAllText(f), @"task: Pipelines[A-Za-z]+@")), "the samples use our tasks");
    }

    [TestMethod]
    public void A_misspelled_input_or_output_in_a_workflow_is_named()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("bad.yml", """
            on: push
            permissions: {}
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - id: select
                    uses: your-org/pipelines/actions/select-tests@v1
                    with:
                      filtersyntax: xunit
                  - id: root
                    uses: ./
                    with:
                      command: plan-tests
                      shard-count: "2"
                  - env:
                      F: ${{ steps.select.outputs.filters }}
                      S: ${{ steps.root.outputs.shards }}
                    run: echo "$F $S"
            """);

        var problems = GitHubProblems(file);

        var name = Path.GetRelativePath(SourceTree.Root, file);
        CollectionAssert.AreEquivalent(
            new[] { $"{name}: select-tests has no input 'filtersyntax'", $"{name}: step 'select' has no output 'filters'", $"{name}: the root action has no input 'shard-count'" },
            problems);
    }

    [TestMethod]
    public void A_misspelled_task_input_or_an_unshipped_major_version_is_named()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("bad.yml", """
            steps:
              - task: PipelinesSelectTests@1
                inputs:
                  filter-syntax: xunit
              - task: PipelinesRunTests@2
            """);

        var problems = AzureProblems(file);

        var name = Path.GetRelativePath(SourceTree.Root, file);
        CollectionAssert.AreEquivalent(new[] { $"{name}: PipelinesSelectTests has no input 'filter-syntax'", $"{name}: PipelinesRunTests@2 is not the major version the task ships" }, problems);
    }
}

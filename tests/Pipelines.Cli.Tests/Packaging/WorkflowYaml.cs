using Pipelines.Testing;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>A workflow or action.yml, by the repository-relative name that problems are reported under.</summary>
internal sealed record YamlFile(string Name, YamlMappingNode Root)
{
    /// <summary>A workflow has jobs; an action.yml has runs.</summary>
    public bool IsWorkflow => Root.Children.ContainsKey(new YamlScalarNode("jobs"));

    /// <summary>The examples users copy, where this project's own actions go by a placeholder owner.</summary>
    public bool IsSample => Name.StartsWith("samples/", StringComparison.Ordinal);
}

/// <summary>A workflow job, or the steps of a composite action (which have no job of their own).</summary>
internal sealed record YamlJob(string Label, YamlMappingNode Node);

/// <summary>A step, numbered from 1 as GitHub's log shows it, with a label for messages.</summary>
internal sealed record YamlStep(int Number, YamlMappingNode Node)
{
    public string Label
    {
        get
        {
            var name = WorkflowYaml.Scalar(Node, "name") ?? WorkflowYaml.Scalar(Node, "id") ?? WorkflowYaml.Scalar(Node, "uses")
                ?? WorkflowYaml.Scalar(Node, "run")?.Split('\n')[0];
            return name is null ? $"step {Number}" : $"step {Number} ('{name}')";
        }
    }
}

/// <summary>Finds the repository's workflows and actions by globbing, and walks their YAML for the packaging tests.</summary>
internal static class WorkflowYaml
{
    /// <summary>
    /// A small workflow that keeps every rule the tests check (and that actionlint accepts), so the checks are shown to
    /// pass something real even before the repository has workflows. Its commit SHAs are placeholders of the right shape.
    /// </summary>
    public const string ValidWorkflow = """
        name: fixture
        on:
          pull_request:
          push:
            branches: [main]
        permissions:
          contents: read
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567
                with:
                  persist-credentials: false
              - name: Select tests
                env:
                  HEAD_REF: ${{ github.head_ref }}
                run: echo "testing $HEAD_REF"
              - name: Notify
                env:
                  WEBHOOK: ${{ secrets.WEBHOOK_URL }}
                run: curl --fail --silent --data done "$WEBHOOK"
          deploy:
            needs: test
            if: github.event_name == 'push'
            runs-on: ubuntu-latest
            permissions:
              contents: read
              id-token: write
            steps:
              - uses: azure/login@89abcdef0123456789abcdef0123456789abcdef
                with:
                  client-id: ${{ vars.AZURE_CLIENT_ID }}
                  tenant-id: ${{ vars.AZURE_TENANT_ID }}
                  subscription-id: ${{ vars.AZURE_SUBSCRIPTION_ID }}
              - env:
                  SLOT: staging
                run: echo "deploying to $SLOT"

        """;

    /// <summary>Every workflow: the project's own (.github/workflows) and the ones users copy (samples/github).</summary>
    public static IReadOnlyList<string> WorkflowPaths() => [.. Glob(".github/workflows"), .. Glob("samples/github")];

    /// <summary>The root action.yml and every actions/*/action.yml.</summary>
    public static IReadOnlyList<string> ActionPaths() =>
        [.. new[] { "action.yml" }.Concat(Directory.GetDirectories(SourceTree.PathOf("actions")).Select(d => $"actions/{Path.GetFileName(d)}/action.yml"))
            .Where(p => File.Exists(SourceTree.PathOf(p))).Order(StringComparer.Ordinal)];

    public static YamlFile Load(string relative) => new(relative, ActionYaml.Load(relative));

    public static YamlFile Parse(string name, string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return new YamlFile(name, (YamlMappingNode)stream.Documents[0].RootNode);
    }

    public static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(YamlNode? node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    /// <summary>The jobs of a workflow, or the one step list of a composite action.</summary>
    public static IEnumerable<YamlJob> Jobs(YamlFile file)
    {
        if (file.IsWorkflow)
        {
            foreach (var (key, value) in ((YamlMappingNode)Child(file.Root, "jobs")!).Children)
            {
                yield return new YamlJob($"job '{((YamlScalarNode)key).Value}'", (YamlMappingNode)value);
            }
        }
        else if (Child(file.Root, "runs") is YamlMappingNode runs && Child(runs, "steps") is not null)
        {
            yield return new YamlJob("runs.steps", runs);
        }
    }

    public static IEnumerable<YamlStep> Steps(YamlJob job) =>
        (Child(job.Node, "steps") as YamlSequenceNode)?.Children.Select((s, i) => new YamlStep(i + 1, (YamlMappingNode)s)) ?? [];

    /// <summary>The scalar values of an env: mapping (or of any mapping), by name.</summary>
    public static Dictionary<string, string> Env(YamlNode? node) =>
        (node as YamlMappingNode)?.Children.Where(p => p.Value is YamlScalarNode)
            .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? string.Empty, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The action a uses: names, without its ref, in lower case (GitHub owners and repositories ignore case).</summary>
    public static string ActionName(string uses) => uses.Split('@')[0].ToLowerInvariant();

    private static IEnumerable<string> Glob(string folder)
    {
        var path = SourceTree.PathOf(folder);
        return Directory.Exists(path)
            ? Directory.GetFiles(path, "*.yml").Concat(Directory.GetFiles(path, "*.yaml")).Select(f => $"{folder}/{Path.GetFileName(f)}").Order(StringComparer.Ordinal)
            : [];
    }
}

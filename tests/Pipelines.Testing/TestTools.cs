using System.Text.Json.Nodes;

namespace Pipelines.Testing;

/// <summary>The pinned npm tools in <c>tools/</c> (GitHub's recordings, API description, webhook payloads), installed on first use.</summary>
public static class TestTools
{
    private static readonly Lock Gate = new();

    /// <summary>A file under tools/node_modules; a fresh clone installs the tools once, so 'dotnet test' alone is enough.</summary>
    public static string PathOf(string relative)
    {
        var path = SourceTree.PathOf("tools/node_modules/" + relative);
        lock (Gate)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                Programs.RunOrThrow("npm", ["ci", "--prefix", SourceTree.PathOf("tools"), "--no-audit", "--no-fund", "--loglevel=error"]);
            }
        }

        return path;
    }

    /// <summary>A real webhook payload GitHub sent, from @octokit/webhooks-examples: the <paramref name="index"/>th example of the event.</summary>
    public static JsonObject WebhookExample(string eventName, string? action = null, int index = 0)
    {
        var all = JsonNode.Parse(File.ReadAllText(PathOf("@octokit/webhooks-examples/api.github.com/index.json")))!.AsArray();
        var examples = all.Single(e => (string?)e!["name"] == eventName)!["examples"]!.AsArray()
            .Where(e => action is null || (string?)e!["action"] == action).ToList();
        return examples[index]!.DeepClone().AsObject();
    }
}

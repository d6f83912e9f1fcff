using System.Text.Json.Nodes;

namespace Pipelines.Testing;

/// <summary>One of Microsoft's published REST examples in tests/data/contracts: the request it shows and its answers.</summary>
public sealed record ContractExample(string Method, Uri Url, JsonNode? Body, IReadOnlyDictionary<int, JsonNode?> Responses)
{
    public (int Status, JsonNode? Body) FirstResponse => Responses.OrderBy(r => r.Key).Select(r => (r.Key, r.Value)).First();
}

/// <summary>
/// Microsoft's REST examples, copied into the repository (tests/data/contracts, sources in tests/data/README.md) so
/// that every clone checks against them: a missing example fails the test, it never skips it.
/// </summary>
public static class SharedContracts
{
    public static string Root => SourceTree.PathOf(Path.Combine("tests", "data", "contracts"));

    /// <summary>Reads an example; Azure DevOps' carry the request URL, ARM's only parameters (<paramref name="url"/> then names it).</summary>
    public static ContractExample Load(string relative, string? method = null, string? url = null)
    {
        var path = Path.Combine(Root, relative);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: copy Microsoft's example into tests/data/contracts and name its source in tests/data/README.md", path);
        }

        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var parameters = root["parameters"]?.AsObject();
        var body = parameters?.FirstOrDefault(p => p.Key is "body" or "siteEnvelope" or "slotSwapEntity" or "siteConfig" or "batchRequest").Value;
        var responses = root["responses"]!.AsObject().ToDictionary(
            r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture), r => r.Value?["body"]);
        return new ContractExample(
            // Older Azure DevOps examples name the method only in the file name (POST__git_…).
            method ?? (string?)root["x-ms-vss-request-method"] ?? MethodFromName(Path.GetFileName(relative).Split('_')[0]),
            new Uri(url ?? (string?)root["x-ms-vss-request-url"] ?? "https://example.invalid/" + Path.GetFileNameWithoutExtension(relative).Replace("__", "/", StringComparison.Ordinal)),
            body, responses);
    }

    private static string MethodFromName(string prefix) => prefix is "POST" or "PATCH" or "PUT" or "DELETE" ? prefix : "GET";

    /// <summary>
    /// The property names of <paramref name="ours"/> that the example's body does not have (case-insensitively,
    /// through nested objects and the first element of arrays): a request we send must be made of documented parts.
    /// </summary>
    public static IReadOnlyList<string> UndocumentedProperties(JsonNode? ours, JsonNode? example, string path = "$")
    {
        var missing = new List<string>();
        switch (ours)
        {
            case JsonObject mine when example is JsonObject theirs:
                foreach (var (name, value) in mine)
                {
                    var match = theirs.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
                    if (match.Key is null)
                    {
                        missing.Add($"{path}.{name}");
                    }
                    else
                    {
                        missing.AddRange(UndocumentedProperties(value, match.Value, $"{path}.{name}"));
                    }
                }

                break;
            case JsonArray mine when example is JsonArray theirs && mine.Count > 0 && theirs.Count > 0:
                missing.AddRange(UndocumentedProperties(mine[0], theirs[0], path + "[0]"));
                break;
            case JsonObject or JsonArray:
                missing.Add(path + " (the example has no such structure)");
                break;
        }

        return missing;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Adapters.Files;
using Pipelines.Core.Rollout;

namespace Pipelines.Adapters.Flags;

/// <summary>
/// The embedded flag store: a JSON file in the Microsoft Feature Management schema
/// (<c>feature_management.feature_flags[]</c>), which the service reads with <c>reloadOnChange</c>. A flag's share of
/// users is its <c>Microsoft.Targeting</c> filter's <c>parameters.Audience.DefaultRolloutPercentage</c>, or else the
/// first range of its <c>allocation.percentile</c> (the variant from 0 to the share; the other from there to 100) — both
/// hash the user id, so a user stays in one cohort as the share grows. A flag whose only split is
/// <c>Microsoft.Percentage</c> is refused: it draws anew on every check, so users would flip between cohorts.
/// The version is a hash of the flag's JSON (compacted, so reformatting is no change); a write re-reads the file and writes only if the flag is as it was seen,
/// then replaces the file atomically (a temporary file renamed over it), keeping every other member and flag.
/// </summary>
public sealed class FeatureFlagFile(string path, string display) : IFlagStore
{
    private const string What = "feature flag file";

    public string Describe => display;

    public Task<FlagSnapshot> ReadAsync(string flag, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(flag);
        return Task.FromResult(Find(Load(), flag).Snapshot);
    }

    public Task<FlagSnapshot> SetPercentAsync(FlagSnapshot seen, double percent, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(seen);
        if (!double.IsFinite(percent) || percent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "a share of users from 0 to 100");
        }

        // Two releases of different flags in one file would each rewrite the whole file: a lock beside it makes
        // read, compare and replace one step, so neither loses the other's change.
        using var exclusive = Lock();
        var bytes = Load();
        var found = Find(bytes, seen.Flag);
        if (found.Snapshot.Version != seen.Version)
        {
            // A retry of a write that already took finds the share it asked for: nothing to do again.
            return found.Snapshot.Percent == percent && seen.Percent != percent
                ? Task.FromResult(found.Snapshot)
                : throw new FlagChangedException(seen.Flag, $"{display} holds a different {seen.Flag} now, at {Share(found.Snapshot.Percent)}% of users");
        }

        var root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = InputLimits.MaxJsonDepth })!;
        var node = root["feature_management"]!["feature_flags"]![found.Index]!.AsObject();
        if (percent > 0)
        {
            node["enabled"] = true;
        }

        if (found.Filter is { } filter)
        {
            var filterNode = node["conditions"]!["client_filters"]![filter]!.AsObject();
            var parameters = filterNode["parameters"] as JsonObject ?? (JsonObject)(filterNode["parameters"] = new JsonObject());
            var audience = parameters["Audience"] as JsonObject ?? (JsonObject)(parameters["Audience"] = new JsonObject());
            audience["DefaultRolloutPercentage"] = Number(percent);
        }
        else
        {
            var ranges = node["allocation"]!["percentile"]!.AsArray();
            ranges[0]!["to"] = Number(percent);
            ranges[1]!["from"] = Number(percent);
        }

        Write(root);
        var written = Find(Load(), seen.Flag).Snapshot;
        return Task.FromResult(written);
    }

    /// <summary>Waits up to <see cref="LockWait"/> for the lock file beside the flag file (held only while a write is made).</summary>
    private FileStream Lock()
    {
        var full = Path.GetFullPath(path);
        var lockPath = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.lock");
        var until = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < until)
            {
                Thread.Sleep(20);
            }
            catch (IOException ex)
            {
                throw new Core.Errors.OutsideSystemException("feature flag file", $"{display} stayed locked by another writer for {LockWait.TotalSeconds:0} s ({ex.Message})", ex);
            }
        }
    }

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    /// <summary>A whole share is written as a whole number, as people write it.</summary>
    private static JsonValue Number(double percent) =>
        percent == Math.Floor(percent) ? JsonValue.Create((int)percent) : JsonValue.Create(percent);

    private byte[] Load()
    {
        InputLimits.CheckSize(path, display, InputLimits.MaxConfigFileBytes, What);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Core.Errors.InputException($"{display}: cannot read the {What}: {ex.Message}", ex);
        }
    }

    /// <summary>The temporary file sits beside the file, so the rename is atomic and a reader sees the old file or the new one.</summary>
    private void Write(JsonNode root)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = File.Create(temporary))
            {
                using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                root.WriteTo(writer);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <param name="Index">The flag's place in <c>feature_flags</c>.</param>
    /// <param name="Filter">The targeting filter's place in <c>client_filters</c>; null when the share is the percentile allocation.</param>
    private sealed record Found(FlagSnapshot Snapshot, int Index, int? Filter);

    private Found Find(byte[] bytes, string flag)
    {
        var (json, document) = JsonInput.FromBytes(bytes, display, What);
        using var _ = document;
        var root = document.RootElement;
        if (Duplicate(root) is { } duplicate)
        {
            throw json.Error(duplicate.Path, $"\"{duplicate.Name}\" is given twice in one object; which one the service reads is unclear, and a rewrite would drop one");
        }

        var management = json.Member(root, "feature_management", "$");
        var flags = json.Member(management, "feature_flags", "$.feature_management");
        var ids = new List<string>();
        foreach (var (item, at) in json.Items(flags, "$.feature_management.feature_flags"))
        {
            var id = json.Text(json.Member(item, "id", at), at + ".id");
            if (id != flag)
            {
                ids.Add(id);
                continue;
            }

            var index = ids.Count;
            var enabled = json.Optional(item, "enabled", at) is { } e && json.Bool(e, at + ".enabled");
            var (share, filter) = Share(json, item, at, flag);
            // Hashed in a canonical form: rewriting the file reformats it, which must not count as a change.
            var canonical = JsonNode.Parse(item.GetRawText(), documentOptions: new JsonDocumentOptions { MaxDepth = InputLimits.MaxJsonDepth })!.ToJsonString();
            var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
            return new Found(new FlagSnapshot(flag, enabled ? share : 0, version), index, filter);
        }

        throw json.Error("$.feature_management.feature_flags", $"no flag with id \"{flag}\" (the flags are: {(ids.Count == 0 ? "none" : string.Join(", ", ids.Take(20)))})");
    }

    /// <summary>The first member name given twice in one object, with the object's JSON path; null when there is none.</summary>
    private static (string Path, string Name)? Duplicate(JsonElement root)
    {
        var pending = new Stack<(JsonElement Value, string Path)>();
        pending.Push((root, "$"));
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            if (value.ValueKind == JsonValueKind.Object)
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in value.EnumerateObject())
                {
                    if (!names.Add(member.Name))
                    {
                        return (path, member.Name);
                    }

                    pending.Push((member.Value, $"{path}.{member.Name}"));
                }
            }
            else if (value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    pending.Push((item, $"{path}[{index++}]"));
                }
            }
        }

        return null;
    }

    /// <summary>The flag's sticky share and where it is: the targeting filter's default rollout percentage, or the percentile allocation.</summary>
    private static (double Share, int? Filter) Share(JsonInput json, JsonElement item, string at, string flag)
    {
        int? targeting = null;
        string? percentage = null;
        if (json.Optional(item, "conditions", at) is { } conditions && json.Optional(conditions, "client_filters", at + ".conditions") is { } filters)
        {
            foreach (var (filter, filterAt) in json.Items(filters, at + ".conditions.client_filters"))
            {
                var name = json.Text(json.Member(filter, "name", filterAt), filterAt + ".name");
                if (name is "Microsoft.Targeting" or "Targeting")
                {
                    targeting = targeting is null ? int.Parse(filterAt[(filterAt.LastIndexOf('[') + 1)..^1], CultureInfo.InvariantCulture)
                        : throw json.Error(filterAt, $"flag \"{flag}\" has two targeting filters; which one holds the share is unclear");
                }
                else if (name is "Microsoft.Percentage" or "Percentage")
                {
                    percentage = filterAt;
                }
            }
        }

        if (percentage is not null)
        {
            throw json.Error(percentage, $"flag \"{flag}\" uses Microsoft.Percentage, which draws anew on every check, so a user would flip between the cohorts on and off; "
                + "use a Microsoft.Targeting filter (parameters.Audience.DefaultRolloutPercentage), which is sticky per user");
        }

        if (targeting is { } index)
        {
            var filterAt = $"{at}.conditions.client_filters[{index}]";
            var filter = item.GetProperty("conditions").GetProperty("client_filters")[index];
            if (json.Optional(filter, "parameters", filterAt) is not { } parameters
                || json.Optional(parameters, "Audience", filterAt + ".parameters") is not { } audience
                || json.Optional(audience, "DefaultRolloutPercentage", filterAt + ".parameters.Audience") is not { } percent)
            {
                return (0, index);
            }

            return (json.Number(percent, filterAt + ".parameters.Audience.DefaultRolloutPercentage", 0, 100), index);
        }

        if (json.Optional(item, "allocation", at) is { } allocation && json.Optional(allocation, "percentile", at + ".allocation") is { } percentile)
        {
            var rangesAt = at + ".allocation.percentile";
            var ranges = json.Items(percentile, rangesAt).Select(r => (
                From: json.Number(json.Member(r.Item, "from", r.Path), r.Path + ".from", 0, 100),
                To: json.Number(json.Member(r.Item, "to", r.Path), r.Path + ".to", 0, 100))).ToList();
            return ranges is [{ From: 0 } first, var second] && second.From == first.To && second.To == 100
                ? (first.To, null)
                : throw json.Error(rangesAt, $"flag \"{flag}\": expected two ranges, the feature's variant from 0 to its share and the other from there to 100 (e.g. [{{\"from\": 0, \"to\": 5}}, {{\"from\": 5, \"to\": 100}}])");
        }

        throw json.Error(at, $"flag \"{flag}\" has no Microsoft.Targeting filter and no allocation.percentile, so it has no share of users to set; "
            + "add a client filter {\"name\": \"Microsoft.Targeting\", \"parameters\": {\"Audience\": {\"DefaultRolloutPercentage\": 0}}}");
    }

    private static string Share(double percent) => percent.ToString("0.##", CultureInfo.InvariantCulture);
}

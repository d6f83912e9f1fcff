using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.AppConfiguration;

/// <summary>Where a flag keeps its share of users.</summary>
public enum FlagShareKind
{
    /// <summary>A <c>Microsoft.Targeting</c> client filter's <c>parameters.Audience.DefaultRolloutPercentage</c>.</summary>
    Targeting,

    /// <summary>The boundary of <c>allocation.percentile</c>: the feature's variant from 0 to the share, the other from there to 100.</summary>
    Percentile,
}

/// <summary>
/// A feature flag in the Microsoft Feature Management schema (the value of an App Configuration feature flag, one
/// entry of a file's <c>feature_management.feature_flags</c>): its sticky share of users, read and rewritten with
/// everything else in the flag kept as it was. Pure: no I/O. A flag whose share is not sticky per user is bad input:
/// <c>Microsoft.Percentage</c> draws anew on every check, so users would flip between cohorts.
/// </summary>
public sealed class FeatureFlagValue
{
    private readonly JsonObject _root;
    private readonly string _flag;
    private readonly string _where;

    private FeatureFlagValue(JsonObject root, string flag, string where, FlagShareKind kind, double share, bool enabled)
    {
        _root = root;
        _flag = flag;
        _where = where;
        Kind = kind;
        Share = share;
        Enabled = enabled;
    }

    public FlagShareKind Kind { get; }

    /// <summary>The share written in the flag, whether or not the flag is enabled.</summary>
    public double Share { get; }

    public bool Enabled { get; }

    /// <summary>The share of users who see the feature: none while the flag is disabled.</summary>
    public double Percent => Enabled ? Share : 0;

    /// <summary>Reads a flag's JSON; bad input (naming <paramref name="flag"/> and <paramref name="where"/>) when it is not a flag with a sticky share.</summary>
    /// <param name="where">Where the flag was read, for messages: an endpoint and key, a file.</param>
    public static FeatureFlagValue Parse(string json, string flag, string where)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var root = JsonNode.Parse(json, null, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false }) as JsonObject
                ?? throw Bad(flag, where, "its value is not a JSON object");
            return Read(root, flag, where);
        }
        catch (JsonException ex)
        {
            throw Bad(flag, where, $"its value is not JSON ({ex.Message})");
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            // A node of an unexpected kind where the schema wants another; a name that is not whole UTF-16 (a lone surrogate).
            throw Bad(flag, where, $"its value does not follow the feature flag schema ({ex.Message})");
        }
    }

    /// <summary>The flag's JSON with the share set to <paramref name="percent"/> (and enabled, above 0); every other part as it was.</summary>
    public string WithPercent(double percent)
    {
        if (!double.IsFinite(percent) || percent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "a share of users is between 0 and 100");
        }

        var root = (JsonObject)_root.DeepClone();
        if (percent > 0 && !Enabled)
        {
            root["enabled"] = true;
        }

        if (Kind == FlagShareKind.Targeting)
        {
            var filter = TargetingFilter(root)!;
            var parameters = filter["parameters"] as JsonObject ?? (JsonObject)(filter["parameters"] = new JsonObject());
            var audience = parameters["Audience"] as JsonObject ?? (JsonObject)(parameters["Audience"] = new JsonObject());
            audience["DefaultRolloutPercentage"] = Number(percent);
        }
        else
        {
            var ranges = Ranges(root["allocation"]!["percentile"]!.AsArray());
            ranges[0]["to"] = Number(percent);
            if (ranges.Count == 2)
            {
                ranges[1]["from"] = Number(percent);
            }
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static FeatureFlagValue Read(JsonObject root, string flag, string where)
    {
        var enabled = root["enabled"] switch
        {
            null => false,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw Bad(flag, where, "'enabled' is not true or false"),
        };

        var filters = root["conditions"]?["client_filters"] as JsonArray ?? [];
        if (filters.Any(f => IsNamed(f, "Percentage")))
        {
            throw Bad(flag, where, "it uses a Microsoft.Percentage filter, which draws anew on every check, so users would flip between cohorts; "
                + "use a Microsoft.Targeting filter's parameters.Audience.DefaultRolloutPercentage (or allocation.percentile) instead");
        }

        var targeting = filters.Where(f => IsNamed(f, "Targeting")).ToList();
        if (targeting.Count > 1)
        {
            throw Bad(flag, where, $"it has {targeting.Count} Microsoft.Targeting filters; a ramp moves the share of exactly one");
        }

        if (targeting.Count == 1)
        {
            var share = targeting[0]!["parameters"]?["Audience"]?["DefaultRolloutPercentage"];
            return new FeatureFlagValue(root, flag, where, FlagShareKind.Targeting,
                share is null ? 0 : Percentage(share, flag, where, "Microsoft.Targeting's DefaultRolloutPercentage"), enabled);
        }

        if (root["allocation"]?["percentile"] is JsonArray percentile && percentile.Count > 0)
        {
            var ranges = Ranges(percentile);
            var first = ranges[0];
            var from = Percentage(first["from"], flag, where, "allocation.percentile's first 'from'");
            var to = Percentage(first["to"], flag, where, "allocation.percentile's first 'to'");
            if (from != 0 || to < from)
            {
                throw Bad(flag, where, "allocation.percentile does not start at 0; a ramp moves the end of the feature's range, which starts at 0");
            }

            if (ranges.Count > 2)
            {
                throw Bad(flag, where, $"allocation.percentile has {ranges.Count} ranges; a ramp moves the boundary between exactly two (the feature's variant from 0, the other up to 100)");
            }

            if (ranges.Count == 2
                && (Percentage(ranges[1]["from"], flag, where, "allocation.percentile's second 'from'") != to
                    || Percentage(ranges[1]["to"], flag, where, "allocation.percentile's second 'to'") != 100))
            {
                throw Bad(flag, where, "allocation.percentile's two ranges do not meet and reach 100 (expected [0, share) then [share, 100])");
            }

            return new FeatureFlagValue(root, flag, where, FlagShareKind.Percentile, to, enabled);
        }

        throw Bad(flag, where, "it has no share of users to ramp: add a Microsoft.Targeting client filter with parameters.Audience.DefaultRolloutPercentage, or allocation.percentile");
    }

    private static JsonObject? TargetingFilter(JsonObject root) =>
        (root["conditions"]?["client_filters"] as JsonArray)?.FirstOrDefault(f => IsNamed(f, "Targeting")) as JsonObject;

    private static List<JsonObject> Ranges(JsonArray percentile) =>
        [.. percentile.Select(r => r as JsonObject ?? throw new InvalidOperationException("an allocation.percentile entry is not an object"))
            .OrderBy(r => r["from"] is JsonValue v && v.TryGetValue<double>(out var from) ? from : double.MaxValue)];

    // Microsoft.FeatureManagement matches names case-insensitively, and a name without the namespace matches Microsoft's filter.
    private static bool IsNamed(JsonNode? filter, string name) =>
        filter?["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
        && v.GetValue<string>() is var text
        && (string.Equals(text, name, StringComparison.OrdinalIgnoreCase) || string.Equals(text, "Microsoft." + name, StringComparison.OrdinalIgnoreCase));

    private static double Percentage(JsonNode? node, string flag, string where, string what) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var value) && double.IsFinite(value) && value is >= 0 and <= 100
            ? value
            : throw Bad(flag, where, $"{what} is not a number between 0 and 100");

    private static JsonValue Number(double percent) =>
        percent == Math.Floor(percent) ? JsonValue.Create((int)percent) : JsonValue.Create(percent);

    private static InputException Bad(string flag, string where, string why) =>
        new($"feature flag '{flag}' at {where}: {why}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_flag} at {_where}: {Percent:0.##}% ({Kind})");
}

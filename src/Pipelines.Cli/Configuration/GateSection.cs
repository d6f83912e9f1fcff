using System.Globalization;
using Pipelines.Core.Judging;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Configuration;

/// <summary>A metric of the gate, with the query its provider runs.</summary>
public sealed record GateMetric(MetricSpec Spec, string? Query);

/// <summary>The gate (config section <c>gate</c>, or a file given with <c>--gate</c>).</summary>
/// <param name="Endpoint">The provider's server: Prometheus' base URL, or Azure Monitor's Log Analytics workspace id.</param>
public sealed record GateSpec(
    string Provider,
    TimeSpan Interval,
    TimeSpan Window,
    IReadOnlyDictionary<string, string> Canary,
    IReadOnlyDictionary<string, string> Baseline,
    IReadOnlyList<GateMetric> Metrics,
    GatePolicy Policy,
    string? Endpoint = null)
{
    /// <summary>
    /// The gate with <c>{version}</c> and <c>{previous}</c> filled into both sides' selectors: the versions tell canary
    /// from baseline (e.g. <c>canary: { application_Version: "{version}" }</c>), where a slot's name goes stale after a swap.
    /// </summary>
    public GateSpec ForVersions(string? version, string? previous)
    {
        Dictionary<string, string> Fill(IReadOnlyDictionary<string, string> side, string label) => side.ToDictionary(p => p.Key, p =>
        {
            var value = p.Value;
            value = Fill1(value, "{version}", version, $"gate.{label}.{p.Key}", "--version (the version under test)");
            return Fill1(value, "{previous}", previous, $"gate.{label}.{p.Key}", "--previous (the version it is compared with)");
        }, StringComparer.Ordinal);

        return this with { Canary = Fill(Canary, "canary"), Baseline = Fill(Baseline, "baseline") };
    }

    private static string Fill1(string value, string placeholder, string? with, string key, string option) =>
        !value.Contains(placeholder, StringComparison.Ordinal) ? value
            : !string.IsNullOrEmpty(with) ? value.Replace(placeholder, with, StringComparison.Ordinal)
            : throw new Core.Errors.InputException($"{key}: '{placeholder}' needs {option}");
}

/// <summary>Reads the <c>gate</c> section.</summary>
public static class GateSection
{
    public static readonly IReadOnlyList<string> Keys = ["provider", "endpoint", "interval", "window", "canary", "baseline", "metrics", "score", "min-samples", "no-data", "family-alpha"];

    public static readonly IReadOnlyList<string> MetricKeys = ["name", "query", "kind", "bad", "tolerance", "critical", "weight"];

    public static readonly IReadOnlyDictionary<string, string> Providers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["file"] = "file",
        ["scrape"] = "scrape",
        ["prometheus"] = "prometheus",
        ["azure-monitor"] = "azure-monitor",
    };

    private static readonly IReadOnlyDictionary<string, MetricKind> Kinds = new Dictionary<string, MetricKind>(StringComparer.Ordinal)
    {
        ["continuous"] = MetricKind.Continuous,
        ["ratio"] = MetricKind.Ratio,
        ["count"] = MetricKind.Count,
    };

    private static readonly IReadOnlyDictionary<string, BadDirection> Directions = new Dictionary<string, BadDirection>(StringComparer.Ordinal)
    {
        ["increase"] = BadDirection.Increase,
        ["decrease"] = BadDirection.Decrease,
        ["both"] = BadDirection.Both,
    };

    private static readonly IReadOnlyDictionary<string, NoDataPolicy> NoData = new Dictionary<string, NoDataPolicy>(StringComparer.Ordinal)
    {
        ["inconclusive"] = NoDataPolicy.Inconclusive,
        ["fail"] = NoDataPolicy.Fail,
        ["pass"] = NoDataPolicy.Pass,
    };

    /// <summary>The gate of <paramref name="config"/>; exit 2 naming the file and line when it is missing or wrong.</summary>
    public static GateSpec Read(ConfigFile config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.Section("gate")
            ?? throw new Core.Errors.InputException($"{config.DisplayPath}: no 'gate' section; define the metrics to judge there, or pass --gate <file>");
        section.ExpectOnly(Keys);
        var defaults = GatePolicy.Default;
        var score = section.Map("score");
        score?.ExpectOnly(["pass", "marginal"]);
        var metricsNode = section.Node("metrics") as YamlSequenceNode
            ?? throw section.ErrorAt(section.Node("metrics") ?? new YamlScalarNode(), "gate.metrics", "expected a list of metrics, each with at least a name and a kind");
        var metrics = new List<GateMetric>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < metricsNode.Children.Count; i++)
        {
            var metric = YamlMap.From(metricsNode.Children[i], section.File, $"gate.metrics[{i}]");
            metric.ExpectOnly(MetricKeys);
            var name = metric.Scalar("name") ?? throw metric.ErrorAt(metricsNode.Children[i], metric.KeyPath, "every metric needs a name");
            if (!names.Add(name))
            {
                throw metric.ErrorAt(metric.Node("name")!, metric.KeyPath + ".name", $"'{name}' appears twice");
            }

            metrics.Add(new GateMetric(
                new MetricSpec(
                    name,
                    metric.Choice("kind", Kinds) ?? throw metric.ErrorAt(metricsNode.Children[i], metric.KeyPath, "every metric needs a kind: continuous, ratio or count"),
                    metric.Choice("bad", Directions) ?? BadDirection.Increase,
                    Percent(metric, "tolerance") ?? 0.1,
                    Bool(metric, "critical") ?? false,
                    metric.Number("weight", 0, 1000) ?? 1),
                metric.Scalar("query")));
        }

        if (metrics.Count == 0)
        {
            throw section.ErrorAt(metricsNode, "gate.metrics", "expected at least one metric");
        }

        return new GateSpec(
            section.Scalar("provider") is { } provider ? Providers.GetValueOrDefault(provider)
                ?? throw section.ErrorAt(section.Node("provider")!, "gate.provider", $"expected one of {string.Join(", ", Providers.Keys)}, got '{provider}'") : "file",
            Duration(section, "interval") ?? TimeSpan.FromMinutes(1),
            Duration(section, "window") ?? TimeSpan.FromMinutes(10),
            Selectors(section, "canary"),
            Selectors(section, "baseline"),
            metrics,
            new GatePolicy(
                score?.Number("pass", 0, 100) ?? defaults.PassScore,
                score?.Number("marginal", 0, 100) ?? defaults.MarginalScore,
                (int?)section.Number("min-samples", 1, 100_000) ?? defaults.MinSamples,
                section.Choice("no-data", NoData) ?? defaults.NoData,
                section.Number("family-alpha", 1e-6, 0.5) ?? defaults.FamilyAlpha),
            section.Scalar("endpoint"));
    }

    /// <summary>"10%" or 0.1.</summary>
    private static double? Percent(YamlMap map, string key)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return null;
        }

        var percent = text.EndsWith('%');
        if (!double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw map.ErrorAt(map.Node(key)!, YamlMap.Join(map.KeyPath, key), $"expected a share such as 10% or 0.1, got '{text}'");
        }

        return percent ? value / 100 : value;
    }

    private static bool? Bool(YamlMap map, string key) => map.Scalar(key) switch
    {
        null => null,
        "true" or "yes" => true,
        "false" or "no" => false,
        var other => throw map.ErrorAt(map.Node(key)!, YamlMap.Join(map.KeyPath, key), $"expected true or false, got '{other}'"),
    };

    /// <summary>"30s", "1m", "2h"; null when the text is not one.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
            }
        }

        return null;
    }

    /// <summary>"30s", "1m", "2h".</summary>
    private static TimeSpan? Duration(YamlMap map, string key)
    {
        var text = map.Scalar(key);
        return text is null
            ? null
            : ParseDuration(text) ?? throw map.ErrorAt(map.Node(key)!, YamlMap.Join(map.KeyPath, key), $"expected a duration such as 30s, 1m or 2h, got '{text}'");
    }

    private static Dictionary<string, string> Selectors(YamlMap section, string key)
    {
        var map = section.Map(key);
        return map is null ? [] : map.Entries.ToDictionary(e => e.Key, e => map.Scalar(e.Key) ?? string.Empty, StringComparer.Ordinal);
    }
}

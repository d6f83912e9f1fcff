using System.Globalization;
using Pipelines.Adapters.Metrics;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Configuration;

/// <summary>A metric of the gate, with the query its provider runs.</summary>
public sealed record GateMetric(MetricSpec Spec, string? Query);

/// <summary>The gate (config section <c>gate</c>, or a file given with <c>--gate</c>).</summary>
/// <param name="Endpoint">The provider's server: Prometheus' base URL, or Azure Monitor's Log Analytics workspace id.</param>
/// <param name="File">The file the gate was read from, as messages name it.</param>
public sealed record GateSpec(
    string Provider,
    TimeSpan Interval,
    TimeSpan Window,
    IReadOnlyDictionary<string, string> Canary,
    IReadOnlyDictionary<string, string> Baseline,
    IReadOnlyList<GateMetric> Metrics,
    GatePolicy Policy,
    string? Endpoint = null,
    string? File = null)
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
    public static readonly IReadOnlyList<string> Keys = ["provider", "endpoint", "interval", "window", "canary", "baseline", "metrics", "score", "min-samples", "no-data", "family-alpha", "pass-alpha"];

    public static readonly IReadOnlyList<string> MetricKeys = ["name", "query", "kind", "bad", "tolerance", "critical", "weight", "floor"];

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
    };

    /// <summary>The gate of <paramref name="config"/>; exit 2 naming the file and line when it is missing or wrong.</summary>
    public static GateSpec Read(ConfigFile config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.Section("gate")
            ?? throw new Core.Errors.InputException($"{config.DisplayPath}: no 'gate' section; define the metrics to judge there, or pass --gate <file>");
        section.ExpectOnly(Keys);
        var provider = section.Scalar("provider") is { } named
            ? Providers.GetValueOrDefault(named) ?? throw section.ErrorAt(section.Node("provider")!, "gate.provider", $"expected one of {string.Join(", ", Providers.Keys)}, got '{named}'")
            : "file";
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

            var kind = metric.Choice("kind", Kinds) ?? throw metric.ErrorAt(metricsNode.Children[i], metric.KeyPath, "every metric needs a kind: continuous, ratio or count");
            var bad = metric.Choice("bad", Directions) ?? BadDirection.Increase;
            var floor = Percent(metric, "floor") ?? 0;
            if (floor > 0 && (kind != MetricKind.Ratio || bad != BadDirection.Increase))
            {
                throw metric.ErrorAt(metric.Node("floor")!, metric.KeyPath + ".floor", "a floor applies to ratio metrics whose bad direction is increase (an error rate)");
            }

            if (floor >= 1)
            {
                throw metric.ErrorAt(metric.Node("floor")!, metric.KeyPath + ".floor", $"expected a rate below 100%, such as 0.5%, got '{metric.Scalar("floor")}'");
            }

            var tolerance = Percent(metric, "tolerance") ?? Tolerances.For(kind);
            if (bad != BadDirection.Increase && tolerance >= 1)
            {
                throw metric.ErrorAt(metric.Node("tolerance")!, metric.KeyPath + ".tolerance", "a tolerance of 100% or more can never be crossed downwards; expected less than 100%");
            }

            var query = metric.Scalar("query");
            if (provider == "scrape" && query is not null)
            {
                try
                {
                    // Checked when the gate is read, not after a window of scraping.
                    ScrapeMetricsSource.ParseQuery(query);
                }
                catch (FormatException ex)
                {
                    throw metric.ErrorAt(metric.Node("query")!, metric.KeyPath + ".query", ex.Message);
                }
            }

            metrics.Add(new GateMetric(
                new MetricSpec(name, kind, bad, tolerance, Bool(metric, "critical") ?? false, metric.Number("weight", 0, 1000) ?? 1, floor),
                query));
        }

        if (metrics.Count == 0)
        {
            throw section.ErrorAt(metricsNode, "gate.metrics", "expected at least one metric");
        }

        if (section.Scalar("no-data") == "pass")
        {
            throw section.ErrorAt(section.Node("no-data")!, "gate.no-data", "'pass' is no longer allowed: a metric without data is never shown within tolerance; expected inconclusive (undecided) or fail");
        }

        var familyAlpha = section.Number("family-alpha", 1e-6, 0.5) ?? defaults.FamilyAlpha;
        var policy = new GatePolicy(
            score?.Number("pass", 0, 100) ?? defaults.PassScore,
            score?.Number("marginal", 0, 100) ?? defaults.MarginalScore,
            (int?)section.Number("min-samples", 1, 100_000) ?? defaults.MinSamples,
            section.Choice("no-data", NoData) ?? defaults.NoData,
            familyAlpha,
            section.Number("pass-alpha", 1e-6, 0.5) ?? defaults.PassAlpha);
        try
        {
            GateChecks.ValidatePolicy([.. metrics.Select(m => m.Spec)], policy);
        }
        catch (Core.Errors.InputException ex)
        {
            var key = ex.Message.StartsWith("gate.pass-alpha", StringComparison.Ordinal) ? "pass-alpha" : "min-samples";
            throw section.ErrorAt(section.Node(key) ?? section.Node("metrics")!, "gate." + key, ex.Message[(ex.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
        }

        var interval = Duration(section, "interval") ?? TimeSpan.FromMinutes(1);
        var window = Duration(section, "window") ?? TimeSpan.FromMinutes(30);
        if (section.Scalar("provider") is { } live && live != "file" && metrics.Any(m => m.Spec.Kind == MetricKind.Continuous) && window / interval < policy.MinSamples)
        {
            throw section.ErrorAt(section.Node("window") ?? section.Node("min-samples") ?? section.Node("metrics")!, "gate.window",
                $"a window of {window.TotalMinutes:0.##} min at one sample per {interval.TotalSeconds:0.#} s gives {Math.Floor(window / interval):0} samples a side, fewer than min-samples {policy.MinSamples}: a continuous metric could never be judged; lengthen the window or shorten the interval");
        }

        var canary = Selectors(section, "canary");
        var baseline = Selectors(section, "baseline");
        if (provider == "scrape")
        {
            Urls(section, "canary", canary);
            Urls(section, "baseline", baseline);
        }

        if (provider == "prometheus" && section.Scalar("endpoint") is { } endpoint && !IsHttpUrl(endpoint.TrimEnd('/') + "/"))
        {
            throw section.ErrorAt(section.Node("endpoint")!, "gate.endpoint", $"'{endpoint}' is not an http(s) URL");
        }

        return new GateSpec(provider, interval, window, canary, baseline, metrics, policy, section.Scalar("endpoint"), config.DisplayPath);
    }

    /// <summary>The scrape provider's <c>targets</c>: comma-separated http(s) URLs of the instances' /metrics.</summary>
    private static void Urls(YamlMap section, string side, Dictionary<string, string> selectors)
    {
        if (!selectors.TryGetValue("targets", out var text))
        {
            return; // a canary fills them in from its hosts; metrics-gate says when they are missing
        }

        var map = section.Map(side)!;
        if (map.Node("targets") is not { } node)
        {
            return;
        }

        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsHttpUrl(item))
            {
                throw map.ErrorAt(node, $"gate.{side}.targets", $"'{item}' is not an http(s) URL");
            }
        }
    }

    private static bool IsHttpUrl(string text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

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

    /// <summary>A command-line option's duration; bad input naming <paramref name="option"/> when the text is not one.</summary>
    public static TimeSpan DurationOption(string text, string option) =>
        ParseDuration(text) ?? throw new InputException($"{option}: expected a duration such as 30s, 1m or 2h, got '{text}'");

    /// <summary>"30s", "1m", "2h" (at most 30 days); null when the text is not one.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Longer than 30 days is no bake or interval anyone means, and past TimeSpan's range it would overflow.
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0
            && amount * (text[^1] switch { 'h' => 3600, 'm' => 60, _ => 1 }) <= TimeSpan.FromDays(30).TotalSeconds)
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
        var selectors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (section.Map(key) is not { } map)
        {
            return selectors;
        }

        foreach (var (name, keyNode, value) in map.Entries)
        {
            var path = YamlMap.Join(map.KeyPath, name);
            var text = value switch
            {
                _ when YamlMap.IsNull(value) => string.Empty,
                YamlScalarNode scalar => scalar.Value ?? string.Empty,
                _ => throw map.ErrorAt(value, path, "expected a single value"),
            };
            if (!selectors.TryAdd(name, text))
            {
                throw map.ErrorAt(keyNode, path, "this key appears twice");
            }
        }

        return selectors;
    }
}

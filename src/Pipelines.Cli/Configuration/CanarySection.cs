using Pipelines.Adapters.Fleet;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;
using Pipelines.Core.Text;

namespace Pipelines.Cli.Configuration;

/// <summary>The <c>canary</c> section: the fleet, its commands, the steps, the self-test.</summary>
/// <param name="AppService">The appservice target's site, slot and where its versions come from; null for a fleet.</param>
public sealed record CanarySettings(
    IReadOnlyList<string>? Hosts,
    IReadOnlyList<string>? DeployCommand,
    IReadOnlyList<string>? RollbackCommand,
    IReadOnlyList<string>? Steps,
    TimeSpan? Bake,
    string MetricsUrl,
    string SelfTestUrl,
    IReadOnlyList<SelfTestCheck> Checks,
    TimeSpan SelfTestDeadline,
    AppServiceSettings? AppService = null,
    double Holdout = 5,
    TimeSpan? MinBake = null,
    TimeSpan? MaxBake = null,
    UndecidedPolicy Undecided = UndecidedPolicy.Hold);

/// <summary>canary.appservice: the site, its canary slot, and how to find a version's package and production's version.</summary>
public sealed record AppServiceSettings(string? Subscription, string ResourceGroup, string Site, string Slot, string? Location, string Package, string VersionUrl, string VersionPath, string? BaselineSlot = null);

/// <summary>Reads the <c>canary</c> section.</summary>
public static class CanarySection
{
    public static readonly IReadOnlyList<string> Keys = ["target", "hosts", "deploy-command", "rollback-command", "steps", "bake", "min-bake", "max-bake", "undecided", "metrics-url", "self-test", "appservice", "holdout"];

    private static readonly Dictionary<string, UndecidedPolicy> Undecided = new(StringComparer.Ordinal)
    {
        ["hold"] = UndecidedPolicy.Hold,
        ["pass"] = UndecidedPolicy.Pass,
    };

    /// <summary>"hold" or "pass", from an option.</summary>
    public static UndecidedPolicy ParseUndecided(string text, string option) =>
        Undecided.TryGetValue(text, out var policy) ? policy : throw new Core.Errors.InputException($"{option}: expected hold or pass, got '{text}'");

    public static CanarySettings Read(ConfigFile config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.Section("canary");
        if (section is null)
        {
            return new CanarySettings(null, null, null, null, null, "http://{host}/metrics", "http://{host}", [], TimeSpan.FromSeconds(60));
        }

        if (section.Node("inconclusive") is { } old)
        {
            throw section.ErrorAt(old, "canary.inconclusive",
                "replaced by canary.undecided (hold or pass) with canary.min-bake and canary.max-bake: a wave now bakes until its evidence decides, up to max-bake");
        }

        section.ExpectOnly(Keys);
        var target = section.Scalar("target") ?? "fleet";
        if (target is not ("fleet" or "appservice"))
        {
            throw section.ErrorAt(section.Node("target")!, "canary.target", $"expected fleet or appservice, got '{target}'");
        }

        AppServiceSettings? appService = null;
        if (target == "appservice")
        {
            var app = section.Map("appservice") ?? throw section.ErrorAt(section.Node("target")!, "canary.appservice", "the appservice target needs a canary.appservice section (site, resource-group, subscription, package)");
            app.ExpectOnly(["subscription", "resource-group", "site", "slot", "location", "package", "version-url", "version-path", "baseline-slot"]);
            string Required(string key, string example) => app.Scalar(key) ?? throw app.ErrorAt(app.Node("site") ?? section.Node("appservice")!, "canary.appservice." + key, $"required, e.g. {example}");
            var site = Required("site", "shop");
            appService = new AppServiceSettings(
                app.Scalar("subscription"),
                Required("resource-group", "shop-rg"),
                site,
                app.Scalar("slot") ?? "canary",
                app.Scalar("location"),
                Required("package", "artifacts/shop-{version}.zip"),
                app.Scalar("version-url") ?? $"https://{site}.azurewebsites.net/health",
                app.Scalar("version-path") ?? "version",
                app.Scalar("baseline-slot"));
        }

        var selfTest = section.Map("self-test");
        selfTest?.ExpectOnly(["url", "deadline", "checks"]);
        var checks = new List<SelfTestCheck>();
        if (selfTest?.Node("checks") is YamlDotNet.RepresentationModel.YamlSequenceNode list)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                var check = YamlMap.From(list.Children[i], section.File, $"canary.self-test.checks[{i}]");
                check.ExpectOnly(["path", "status", "contains", "json-path", "equals", "max-latency"]);
                checks.Add(new SelfTestCheck(
                    check.Scalar("path") ?? throw check.ErrorAt(list.Children[i], check.KeyPath, "every check needs a path, e.g. /health"),
                    (int?)check.Number("status", 100, 599) ?? 200,
                    check.Scalar("contains"),
                    check.Scalar("json-path"),
                    check.Scalar("equals"),
                    Duration(check, "max-latency")));
            }
        }

        return new CanarySettings(
            section.StringList("hosts")?.Select(h => h.Value).ToList(),
            Command(section, "deploy-command"),
            Command(section, "rollback-command"),
            section.Scalar("steps")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            Duration(section, "bake"),
            section.Scalar("metrics-url") ?? "http://{host}/metrics",
            selfTest?.Scalar("url") ?? "http://{host}",
            checks,
            (selfTest is null ? null : Duration(selfTest, "deadline")) ?? TimeSpan.FromSeconds(60),
            appService,
            section.Number("holdout", 0.1, 50) ?? 5,
            Duration(section, "min-bake"),
            Duration(section, "max-bake"),
            section.Choice("undecided", Undecided) ?? UndecidedPolicy.Hold);
    }

    /// <summary>A command as one string split like a command line (no shell), e.g. "./deploy.sh {host} {version}".</summary>
    public static IReadOnlyList<string>? Command(YamlMap map, string key)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Scalar(key) is not { } text)
        {
            return null;
        }

        try
        {
            return ArgumentSplitter.Split(text, YamlMap.Join(map.KeyPath, key));
        }
        catch (Core.Errors.InputException ex) when (ex is not Core.Errors.FileInputException)
        {
            // The splitter names the key; the file and line come from the node.
            var keyPath = YamlMap.Join(map.KeyPath, key);
            throw map.ErrorAt(map.Node(key)!, keyPath, ex.Message.StartsWith(keyPath + ": ", StringComparison.Ordinal) ? ex.Message[(keyPath.Length + 2)..] : ex.Message);
        }
    }

    private static TimeSpan? Duration(YamlMap map, string key)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return null;
        }

        return text.EndsWith("ms", StringComparison.Ordinal) && double.TryParse(text[..^2], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : GateSection.ParseDuration(text) ?? throw map.ErrorAt(map.Node(key)!, YamlMap.Join(map.KeyPath, key), $"expected a duration such as 500ms, 30s or 1m, got '{text}'");
    }
}

using Pipelines.Core.Globbing;
using Pipelines.Core.Planning;

namespace Pipelines.Cli.Configuration;

/// <summary>The repository's planning policy (<c>tests.plan</c>); options override it.</summary>
public sealed record PlanPolicy(
    PlanBy? By,
    PlanOrder? Order,
    double? TargetMinutes,
    int? MaxShards,
    double? DefaultSeconds,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Dependencies,
    GlobSet FixedOrder);

/// <summary>Reads <c>tests.plan</c>.</summary>
public static class PlanSection
{
    public static readonly IReadOnlyList<string> Keys = ["by", "order", "target-minutes", "max-shards", "default-seconds", "dependencies", "fixed-order"];

    public static readonly IReadOnlyDictionary<string, PlanBy> ByValues = new Dictionary<string, PlanBy>(StringComparer.Ordinal)
    {
        ["test"] = PlanBy.Test,
        ["class"] = PlanBy.Class,
        ["file"] = PlanBy.File,
    };

    public static readonly IReadOnlyDictionary<string, PlanOrder> OrderValues = new Dictionary<string, PlanOrder>(StringComparer.Ordinal)
    {
        ["slowest-first"] = PlanOrder.SlowestFirst,
        ["random"] = PlanOrder.Random,
        ["declared"] = PlanOrder.Declared,
    };

    public static PlanPolicy Read(ConfigFile config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.Section("tests")?.Map("plan");
        if (section is null)
        {
            return new PlanPolicy(null, null, null, null, null, new Dictionary<string, IReadOnlyList<string>>(), GlobSet.Empty);
        }

        section.ExpectOnly(Keys);
        var dependencies = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (section.Map("dependencies") is { } map)
        {
            foreach (var (unit, _, value) in map.Entries)
            {
                dependencies[unit] = [.. map.StringList(value, YamlMap.Join(map.KeyPath, unit)).Select(v => v.Value)];
            }
        }

        var maxShards = section.Number("max-shards", 1, 256);
        return new PlanPolicy(
            section.Choice("by", ByValues),
            section.Choice("order", OrderValues),
            section.Number("target-minutes", 0.1, 24 * 60),
            maxShards is { } m ? (int)m : null,
            section.Number("default-seconds", 0, 24 * 3600),
            dependencies,
            TestsSection.Globs(section, section.StringList("fixed-order") ?? [], "tests.plan.fixed-order"));
    }
}

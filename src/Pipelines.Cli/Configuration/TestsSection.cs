using Pipelines.Core.Globbing;
using Pipelines.Core.Selection;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Configuration;

/// <summary>Reads the <c>tests:</c> section into a <see cref="SelectionPolicy"/>.</summary>
public static class TestsSection
{
    public static readonly IReadOnlyList<string> Keys = ["tags", "always", "ignore", "untagged", "infer", "filter-syntax", "plan", "housekeeping", "untested-projects"];

    public static readonly IReadOnlyDictionary<string, UntestedProjectPolicy> UntestedProjectValues = new Dictionary<string, UntestedProjectPolicy>
    {
        ["known"] = UntestedProjectPolicy.Known,
        ["untagged"] = UntestedProjectPolicy.Untagged,
    };

    public static readonly IReadOnlyDictionary<string, UntaggedPolicy> UntaggedValues = new Dictionary<string, UntaggedPolicy>
    {
        ["run-all"] = UntaggedPolicy.RunAll,
        ["warn"] = UntaggedPolicy.Warn,
        ["fail"] = UntaggedPolicy.Fail,
    };

    public static readonly IReadOnlyDictionary<string, InferMode> InferValues = new Dictionary<string, InferMode>
    {
        ["none"] = InferMode.None,
        ["dotnet"] = InferMode.DotNet,
    };

    public static readonly IReadOnlyDictionary<string, FilterSyntax> FilterSyntaxValues = new Dictionary<string, FilterSyntax>
    {
        ["mstest"] = FilterSyntax.MSTest,
        ["xunit"] = FilterSyntax.XUnit,
        ["nunit"] = FilterSyntax.NUnit,
    };

    public static SelectionPolicy Read(ConfigFile config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.Section("tests");
        if (section is null)
        {
            return SelectionPolicy.Default;
        }

        section.ExpectOnly(Keys);
        var defaults = SelectionPolicy.Default;
        return new SelectionPolicy(
            Tags: ReadTags(section),
            Always: [.. (section.StringList("always") ?? []).Select(t => ValidTag(section, t.Value, t.Node, "tests.always"))],
            Ignore: Globs(section, section.StringList("ignore") ?? [], "tests.ignore"),
            Untagged: section.Choice("untagged", UntaggedValues) ?? defaults.Untagged,
            Infer: section.Choice("infer", InferValues) ?? defaults.Infer,
            FilterSyntax: section.Choice("filter-syntax", FilterSyntaxValues) ?? defaults.FilterSyntax)
        {
            // A list replaces the built-in housekeeping files; [] turns them off.
            Housekeeping = section.StringList("housekeeping") is { } housekeeping
                ? Globs(section, housekeeping, "tests.housekeeping")
                : defaults.Housekeeping,
            UntestedProjects = section.Choice("untested-projects", UntestedProjectValues) ?? defaults.UntestedProjects,
        };
    }

    private static List<TagRule> ReadTags(YamlMap section)
    {
        var tags = section.Map("tags");
        if (tags is null)
        {
            return [];
        }

        var rules = new List<TagRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, keyNode, value) in tags.Entries)
        {
            var path = YamlMap.Join("tests.tags", name);
            ValidTag(tags, name, keyNode, path);
            if (!names.Add(name))
            {
                throw tags.ErrorAt(keyNode, path, "this tag appears twice");
            }

            var patterns = tags.StringList(value, path);
            if (patterns.Count == 0)
            {
                throw tags.ErrorAt(value, path, "expected at least one path glob, e.g. [\"src/Billing/**\"]");
            }

            rules.Add(new TagRule(name, Globs(tags, patterns, path)));
        }

        return rules;
    }

    internal static GlobSet Globs(YamlMap map, IReadOnlyList<(string Value, YamlNode Node)> patterns, string path)
    {
        var globs = new List<Glob>();
        foreach (var (pattern, node) in patterns)
        {
            try
            {
                globs.Add(Glob.Compile(pattern));
            }
            catch (GlobException ex)
            {
                throw map.ErrorAt(node, path, ex.Message);
            }
        }

        return new GlobSet(globs);
    }

    private static string ValidTag(YamlMap map, string name, YamlNode node, string path)
    {
        // Tags travel comma-separated in outputs and become test categories: keep them to one plain token.
        if (name.Length == 0 || name.Trim() != name || name.Contains(',', StringComparison.Ordinal) || name.Any(char.IsControl))
        {
            throw map.ErrorAt(node, path, $"'{name}' is not a usable tag name: expected a category name without commas or surrounding spaces");
        }

        return name;
    }
}

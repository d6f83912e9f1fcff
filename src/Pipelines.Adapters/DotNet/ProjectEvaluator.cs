using System.Xml;
using System.Xml.Linq;
using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.DotNet;

/// <summary>What evaluating one project found.</summary>
internal sealed record ProjectEvaluation(
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyList<string> ImportedFiles,
    IReadOnlyList<string> ProjectReferences,
    IReadOnlyList<string> PackageReferences,
    IReadOnlyList<string> Capabilities,
    IReadOnlyList<string> Sdks,
    IReadOnlyList<string> OutsideItems);

/// <summary>
/// Evaluates one project the way MSBuild does, as far as it can be done statically: first properties and imports
/// in file order (implicit <c>Directory.Build.props</c> and <c>Directory.Packages.props</c> first,
/// <c>Directory.Build.targets</c> last), then items with the final property values.
/// </summary>
internal sealed class ProjectEvaluator
{
    private const int MaxImportDepth = 32;

    /// <summary>How deep <see cref="Walk"/> may go through imports and groups together (frames on the stack).</summary>
    private const int MaxWalkNesting = 256;

    // Items that name files the build reads; everything else (PackageReference, Using, …) is not a path.
    private static readonly HashSet<string> FileItems = new(StringComparer.OrdinalIgnoreCase)
    {
        "Compile", "Content", "None", "EmbeddedResource", "AdditionalFiles", "Page", "Resource",
        "ApplicationDefinition", "Protobuf", "TypeScriptCompile", "Watch",
        "GlobalAnalyzerConfigFiles", "EditorConfigFiles", "AnalyzerConfigFiles",
    };

    // Properties whose value is a file the build reads: the strong-name key, the ruleset, the icon and manifest.
    private static readonly string[] FileProperties =
    [
        "AssemblyOriginatorKeyFile", "CodeAnalysisRuleSet", "ApplicationIcon", "ApplicationManifest", "Win32Resource",
        "RunSettingsFilePath",
    ];

    private readonly IFileTree _tree;
    private readonly MsBuildXml _xml;
    private readonly string _project;
    private readonly MsBuildExpander _expander;
    private readonly List<string> _imported = [];
    private readonly HashSet<string> _importing = new(StringComparer.Ordinal);
    private readonly List<(XElement Group, string File)> _itemGroups = [];
    private readonly List<string> _sdks = [];
    private int _nesting;

    private ProjectEvaluator(IFileTree tree, MsBuildXml xml, string project)
    {
        _tree = tree;
        _xml = xml;
        _project = project;
        var directory = MsBuildPaths.DirectoryOf(project);
        var fileName = project[(project.LastIndexOf('/') + 1)..];
        _expander = new MsBuildExpander(tree, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["MSBuildProjectDirectory"] = directory.TrimEnd('/'),
            ["MSBuildProjectFile"] = fileName,
            ["MSBuildProjectName"] = Path.GetFileNameWithoutExtension(fileName),
            ["MSBuildProjectExtension"] = Path.GetExtension(fileName),
            ["MSBuildProjectFullPath"] = MsBuildPaths.Root + project,
            ["MSBuildStartupDirectory"] = MsBuildPaths.Root.TrimEnd('/'),
        });
    }

    public static ProjectEvaluation Evaluate(IFileTree tree, MsBuildXml xml, string project)
    {
        var evaluator = new ProjectEvaluator(tree, xml, project);
        return evaluator.Run();
    }

    private ProjectEvaluation Run()
    {
        var document = _xml.Load(_project)!;
        var root = document.Root!;
        _sdks.AddRange(SdksOf(root));

        // What Microsoft.Common.props and the NuGet props import before the project body...
        ImportNearest("Directory.Build.props", "ImportDirectoryBuildProps");
        ImportNearest("Directory.Packages.props", "ImportDirectoryPackagesProps");
        Walk(root, _project, depth: 0);

        // ...and what Microsoft.Common.targets imports after it.
        ImportNearest("Directory.Build.targets", "ImportDirectoryBuildTargets");

        var references = new List<string>();
        var packages = new List<string>();
        var capabilities = new List<string>();
        var outside = new List<string>();
        var projectDirectory = MsBuildPaths.DirectoryOf(_project);
        var projectFolder = projectDirectory[MsBuildPaths.Root.Length..];
        foreach (var (group, file) in _itemGroups)
        {
            foreach (var item in group.Elements())
            {
                var include = (string?)item.Attribute("Include");
                if (include is null || !AtLimits(item, file, () => MsBuildConditions.Holds((string?)item.Attribute("Condition"), _expander, file)))
                {
                    continue;
                }

                var values = AtLimits(item, file, () => _expander.Expand(include, file)).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                switch (item.Name.LocalName)
                {
                    case "ProjectReference":
                        references.AddRange(Files(values, projectDirectory));
                        break;
                    case "PackageReference":
                        packages.AddRange(values);
                        break;
                    case "ProjectCapability":
                        capabilities.AddRange(values);
                        break;
                    case var name when FileItems.Contains(name):
                        outside.AddRange(Files(values, projectDirectory).Where(f => projectFolder.Length > 0 && !f.StartsWith(projectFolder, StringComparison.Ordinal)));
                        break;
                }
            }
        }

        foreach (var name in FileProperties)
        {
            if (_expander.Properties.GetValueOrDefault(name) is { Length: > 0 } value)
            {
                outside.AddRange(Files([value], projectDirectory).Where(f => projectFolder.Length > 0 && !f.StartsWith(projectFolder, StringComparison.Ordinal)));
            }
        }

        return new ProjectEvaluation(_expander.Properties, _imported, Distinct(references), Distinct(packages), capabilities, _sdks, Distinct(outside));
    }

    /// <summary>Item paths (relative to the project, as MSBuild reads them even in imports) that exist in the tree.</summary>
    private IEnumerable<string> Files(IEnumerable<string> values, string projectDirectory)
    {
        foreach (var value in values.Where(v => !MsBuildExpander.IsUnknown(v)))
        {
            if (MsBuildPaths.HasWildcard(value))
            {
                foreach (var match in MsBuildPaths.Expand(value, projectDirectory, _tree))
                {
                    yield return match;
                }
            }
            else if (MsBuildPaths.ToRelative(value, projectDirectory) is { } path && _tree.FileExists(path))
            {
                yield return path;
            }
        }
    }

    private void ImportNearest(string name, string switchProperty)
    {
        if (string.Equals(_expander.Properties.GetValueOrDefault(switchProperty), "false", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var folder = MsBuildPaths.DirectoryOf(_project)[MsBuildPaths.Root.Length..].TrimEnd('/');
        while (true)
        {
            var candidate = folder.Length == 0 ? name : folder + "/" + name;
            if (_tree.FileExists(candidate))
            {
                Import(candidate, depth: 0);
                return;
            }

            if (folder.Length == 0)
            {
                return;
            }

            folder = folder.LastIndexOf('/') is var slash and > 0 ? folder[..slash] : string.Empty;
        }
    }

    private void Import(string file, int depth)
    {
        // A file imported twice is skipped, as MSBuild does (with a warning); a cycle ends here too.
        if (depth > MaxImportDepth || !_importing.Add(file) || _xml.Load(file) is not { Root: { } root })
        {
            return;
        }

        _imported.Add(file);
        Walk(root, file, depth + 1);
    }

    private void Walk(XElement parent, string file, int depth)
    {
        // Groups in groups and imports in imports: each level is a frame here, so the sum is bounded too.
        if (++_nesting > MaxWalkNesting)
        {
            throw InputException.At(file, ((IXmlLineInfo)parent).LineNumber, ((IXmlLineInfo)parent).LinePosition,
                $"imports, import groups and Choose/When are nested more than {MaxWalkNesting} deep in all here (the limit, README \"Limits\")");
        }

        foreach (var element in parent.Elements())
        {
            AtLimits(element, file, () =>
            {
                WalkElement(element, file, depth);
                return true;
            });
        }

        _nesting--;
    }

    /// <summary>
    /// Runs <paramref name="evaluate"/> on <paramref name="element"/>; a value or condition past a limit of
    /// <see cref="InputLimits"/> becomes bad input at the element's line.
    /// </summary>
    private static T AtLimits<T>(XElement element, string file, Func<T> evaluate)
    {
        try
        {
            return evaluate();
        }
        catch (MsBuildLimitException ex)
        {
            var line = (IXmlLineInfo)element;
            throw InputException.At(file, line.LineNumber, line.LinePosition, $"<{element.Name.LocalName}>: {ex.Message}");
        }
    }

    private void WalkElement(XElement element, string file, int depth)
    {
        var condition = (string?)element.Attribute("Condition");
        switch (element.Name.LocalName)
        {
            case "PropertyGroup" when MsBuildConditions.Holds(condition, _expander, file):
                foreach (var property in element.Elements())
                {
                    AtLimits(property, file, () =>
                    {
                        if (MsBuildConditions.Evaluate((string?)property.Attribute("Condition") ?? "true", _expander, file) is not false)
                        {
                            _expander.Properties[property.Name.LocalName] = _expander.Expand(property.Value.Trim(), file);
                        }

                        return true;
                    });
                }

                break;
            case "ItemGroup" when MsBuildConditions.Holds(condition, _expander, file):
                _itemGroups.Add((element, file));
                break;
            case "ImportGroup" when MsBuildConditions.Holds(condition, _expander, file):
                Walk(element, file, depth);
                break;
            case "Import" when MsBuildConditions.Holds(condition, _expander, file):
                ImportElement(element, file, depth);
                break;
            case "Sdk":
                _sdks.AddRange(((string?)element.Attribute("Name") ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries));
                break;
            case "Choose":
                var branch = element.Elements().FirstOrDefault(w => w.Name.LocalName == "When"
                    && MsBuildConditions.Evaluate((string?)w.Attribute("Condition") ?? "false", _expander, file) is not false)
                    ?? element.Elements().FirstOrDefault(o => o.Name.LocalName == "Otherwise");
                if (branch is not null)
                {
                    Walk(branch, file, depth);
                }

                break;
        }
    }

    private void ImportElement(XElement element, string file, int depth)
    {
        if (element.Attribute("Sdk") is { } sdk)
        {
            _sdks.Add(sdk.Value);
            return; // SDK files live outside the repository
        }

        var project = _expander.Expand((string?)element.Attribute("Project") ?? string.Empty, file);
        var directory = MsBuildPaths.DirectoryOf(file);
        foreach (var value in project.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (MsBuildExpander.IsUnknown(value))
            {
                continue;
            }

            var targets = MsBuildPaths.HasWildcard(value)
                ? MsBuildPaths.Expand(value, directory, _tree)
                : MsBuildPaths.ToRelative(value, directory) is { } path ? [path] : [];
            foreach (var target in targets)
            {
                Import(target, depth);
            }
        }
    }

    private static string[] SdksOf(XElement root) =>
        ((string?)root.Attribute("Sdk") ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static List<string> Distinct(List<string> values) => [.. values.Distinct(StringComparer.Ordinal)];
}

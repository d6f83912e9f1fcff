using Pipelines.Adapters.Files;
using Pipelines.Core.Selection;

namespace Pipelines.Adapters.DotNet;

/// <summary>
/// Reads the .NET project graph of a tree (a commit, or a folder) straight from the project files, following
/// imports, <c>Directory.Build.*</c> and property functions, without running MSBuild: fast enough to evaluate a
/// 500-project repository twice per change.
/// </summary>
public static class ProjectGraphReader
{
    private static readonly string[] ProjectExtensions = [".csproj", ".fsproj", ".vbproj"];

    // A project is a test project when one of these is referenced: the test SDK, or a framework package that
    // brings its own runner and sets IsTestProject from props we cannot see.
    private static readonly HashSet<string> TestPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        "Microsoft.NET.Test.Sdk", "MSTest", "MSTest.TestAdapter", "xunit.runner.visualstudio", "xunit.v3",
        "xunit.v3.core", "NUnit3TestAdapter", "TUnit", "TUnit.Engine",
    };

    // A library that references one of these (and is no test project) holds code only tests run: assertions, fixtures,
    // test hosts. A benchmark or tool referencing it too does not make it production code.
    private static readonly HashSet<string> TestSupportPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        "MSTest.TestFramework", "xunit.assert", "xunit.core", "xunit.extensibility.core", "xunit.v3.assert",
        "xunit.v3.extensibility.core", "NUnit", "TUnit.Core", "TUnit.Assertions", "FluentAssertions", "AwesomeAssertions",
        "Shouldly", "Microsoft.AspNetCore.Mvc.Testing",
    };

    /// <summary>A C#, F# or Visual Basic project file.</summary>
    public static bool IsProjectFile(string path) =>
        ProjectExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    public static ProjectGraph Read(IFileTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var xml = new MsBuildXml(tree);
        var nodes = new List<ProjectNode>();
        foreach (var project in tree.Files.Where(IsProjectFile))
        {
            var evaluation = ProjectEvaluator.Evaluate(tree, xml, project);
            var isTest = IsTestProject(evaluation);
            nodes.Add(new ProjectNode(
                project,
                isTest,
                [.. evaluation.ProjectReferences.Where(r => r != project)],
                [.. evaluation.ImportedFiles.Concat(evaluation.OutsideItems).Distinct(StringComparer.Ordinal)],
                IsTestSupport: !isTest && evaluation.PackageReferences.Any(TestSupportPackages.Contains)));
        }

        return new ProjectGraph(nodes);
    }

    private static bool IsTestProject(ProjectEvaluation evaluation)
    {
        var property = evaluation.Properties.GetValueOrDefault("IsTestProject");
        if (string.Equals(property, "false", StringComparison.OrdinalIgnoreCase))
        {
            return false; // an explicit "no" wins over packages (test utility libraries reference test frameworks)
        }

        return string.Equals(property, "true", StringComparison.OrdinalIgnoreCase)
            || evaluation.PackageReferences.Any(TestPackages.Contains)
            || evaluation.Sdks.Any(s => s.Split('/')[0].Trim().Equals("MSTest.Sdk", StringComparison.OrdinalIgnoreCase))
            || evaluation.Capabilities.Contains("TestContainer", StringComparer.OrdinalIgnoreCase);
    }
}

using System.Globalization;
using System.Text;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Git;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;

namespace Pipelines.Cli.Commands.SelectTests;

/// <summary>The <c>--json</c> document of <c>select-tests --audit</c>.</summary>
public sealed record SelectTestsAuditJson(
    int TestCount,
    int UntaggedTestCount,
    IReadOnlyList<string> UntaggedTests,
    IReadOnlyList<DiscoveredTest> UntaggedDetails,
    IReadOnlyDictionary<string, int> UnknownCategories,
    IReadOnlyList<AssemblyAudit> Assemblies);

/// <summary>
/// <c>select-tests --audit</c>: reads the built test assemblies and lists the tests no tag can select. Under
/// <c>untagged: fail</c> any such test fails the step, like an untagged change does.
/// </summary>
public static class SelectTestsAudit
{
    /// <summary>
    /// The <c>untagged-tests</c> output lists at most this many ids, and only ids (it is split on commas by what reads
    /// it): <c>untagged-test-count</c> tells a cut list. The JSON and the summary have them all.
    /// </summary>
    public const int MaxListedInOutput = 1000;

    public static CommandResult Run(CommandSession session, GitRepository repository, SelectionPolicy policy, SelectTestsInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(inputs);
        var assemblies = inputs.Assemblies.Count > 0 ? TestAssemblies.Given(repository.Root, inputs.Assemblies) : TestAssemblies.Built(repository);
        if (assemblies.Count == 0)
        {
            throw new InputException("--assemblies: no built test assemblies found below the test projects' bin/ folders; build first (dotnet build) or pass --assemblies");
        }

        var tests = assemblies.SelectMany(a => TestAssemblyReader.Read(a, Display(repository.Root, a))).ToList();
        var audit = TestAudit.Audit(tests, policy);
        var failed = policy.Untagged == UntaggedPolicy.Fail && audit.Untagged.Count > 0;

        var ids = audit.Untagged.Select(t => t.Id).ToList();
        var result = new CommandResult(failed ? ExitCodes.NegativeVerdict : ExitCodes.Success)
            .Output("untagged-tests", ids.Take(MaxListedInOutput))
            .Output("untagged-test-count", ids.Count.ToString(CultureInfo.InvariantCulture))
            .Output("test-count", audit.TestCount.ToString(CultureInfo.InvariantCulture));
        foreach (var test in audit.Untagged)
        {
            result.Annotations.Add(new Annotation(
                failed ? AnnotationLevel.Error : AnnotationLevel.Warning,
                $"{test.Id} has no category: only a full run runs it. Give it a category that a tag in the config selects.",
                test.SourceFile is { } file ? Display(repository.Root, file) : null,
                test.SourceLine,
                "Untagged test"));
        }

        result.WithJson(new SelectTestsAuditJson(audit.TestCount, ids.Count, ids, audit.Untagged, audit.UnknownCategories, audit.Assemblies), c => c.SelectTestsAuditJson);
        result.Report = Readable(audit, assemblies.Count);
        result.Summary = Summary(audit);
        return result;
    }

    private static string Display(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
        return relative.StartsWith("../", StringComparison.Ordinal) ? path : relative;
    }

    private static string Readable(TestAuditResult audit, int assemblies)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"select-tests --audit: {audit.TestCount} tests in {assemblies} assembl{(assemblies == 1 ? "y" : "ies")}, {audit.Untagged.Count} without any category").AppendLine();
        foreach (var assembly in audit.Assemblies)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {UntrustedText.ForLine(assembly.Assembly)} ({assembly.Framework}): {assembly.Tests} tests, {assembly.Untagged} untagged").AppendLine();
        }

        foreach (var test in audit.Untagged)
        {
            text.Append("  untagged ").AppendLine(UntrustedText.ForLine(test.Id));
        }

        if (audit.UnknownCategories.Count > 0)
        {
            text.Append("  categories no tag selects: ")
                .AppendLine(UntrustedText.ForLine(string.Join(", ", audit.UnknownCategories.Select(c => $"{c.Key} ({c.Value})"))));
        }

        return text.ToString();
    }

    private static string Summary(TestAuditResult audit)
    {
        var md = new StringBuilder();
        md.AppendLine("## Test audit: tests no tag can select").AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"**{audit.Untagged.Count}** of **{audit.TestCount}** tests carry no category: only a full run runs them.").AppendLine().AppendLine();
        Markdown.Table(md, ["assembly", "framework", "tests", "untagged"], audit.Assemblies.Select(a => (IReadOnlyList<string>)
        [
            Markdown.Code(a.Assembly), a.Framework, a.Tests.ToString(CultureInfo.InvariantCulture), a.Untagged.ToString(CultureInfo.InvariantCulture),
        ]));
        if (audit.Untagged.Count > 0)
        {
            md.AppendLine().AppendLine("<details><summary>Untagged tests</summary>").AppendLine();
            foreach (var test in audit.Untagged)
            {
                md.Append("- ").AppendLine(Markdown.Code(test.Id));
            }

            md.AppendLine().AppendLine("</details>");
        }

        if (audit.UnknownCategories.Count > 0)
        {
            md.AppendLine().Append("Categories in code that no tag or `always` entry selects: ")
                .AppendLine(string.Join(", ", audit.UnknownCategories.Select(c => $"{Markdown.Code(c.Key)} ({c.Value})")));
        }

        return md.ToString();
    }
}

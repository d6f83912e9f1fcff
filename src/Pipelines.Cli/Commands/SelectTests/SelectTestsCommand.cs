using System.CommandLine;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.SelectTests;

/// <summary>The options of <c>pipelines select-tests</c>; what it does is in <see cref="SelectTestsHandler"/>.</summary>
public static class SelectTestsCommand
{
    public const string Name = "select-tests";

    public static Command Create(CliContext context)
    {
        var baseOption = new Option<string?>("--base")
        {
            Description = "The commit to compare with (default: the pull request's target, else the merge base with the default branch; on the default branch itself, the previous commit).",
        };
        var head = new Option<string>("--head") { Description = "The commit under test.", DefaultValueFactory = _ => "HEAD" };
        var repo = CommonOptions.Repo();
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var untagged = new Option<string?>("--untagged")
        {
            Description = "Override tests.untagged: what a changed file no tag or project covers does.",
        }.AcceptOnlyFromAmong([.. TestsSection.UntaggedValues.Keys]);
        var infer = new Option<string?>("--infer")
        {
            Description = "Override tests.infer: add test projects found through the .NET project graph.",
        }.AcceptOnlyFromAmong([.. TestsSection.InferValues.Keys]);
        var filterSyntax = new Option<string?>("--filter-syntax")
        {
            Description = "Override tests.filter-syntax: the test framework whose filter names to use.",
        }.AcceptOnlyFromAmong([.. TestsSection.FilterSyntaxValues.Keys]);
        var audit = new Option<bool>("--audit")
        {
            Description = "Instead of selecting, list the tests in the built test assemblies that carry no category at all.",
        };
        var assemblies = new Option<string[]>("--assemblies")
        {
            Description = "With --audit: the test assemblies to read (paths or globs; default: the newest build of each test project).",
            AllowMultipleArgumentsPerToken = true,
        };

        var impactMap = new Option<string?>("--impact-map")
        {
            Description = "An impact map from 'pipelines record-impact': narrow the selected test projects to the tests that executed what changed since its commit.",
        };
        var impactMaxAge = new Option<int>("--impact-max-age")
        {
            Description = "The oldest impact map still used, in commits behind --head; an older one leaves every project whole.",
            DefaultValueFactory = _ => Core.Selection.Impact.ImpactSelector.DefaultMaxAge,
        };
        var impactOut = new Option<string>("--impact-out")
        {
            Description = "With --impact-map: where to write what to run (every dotnet test invocation, with its filter).",
            DefaultValueFactory = _ => "impact-selection.json",
        };

        var impactAudit = new Option<string[]>("--impact-audit")
        {
            Description = "With --impact-map: result files of a full run of head (TRX, JUnit or NUnit XML; paths or globs). Exits 1 naming every failed test the selection would have left out.",
            AllowMultipleArgumentsPerToken = true,
        };

        var command = new Command(Name, "Select the tests a change needs: changed files → tags and affected test projects → a test filter.")
        {
            baseOption, head, repo, config, json, untagged, infer, filterSyntax, audit, assemblies, impactMap, impactMaxAge, impactOut, impactAudit,
        };
        command.SetAction(parse => PipelinesCli.Execute(context, Name, parse.GetValue(json), session =>
            SelectTestsHandler.Run(session, new SelectTestsInputs(
                Base: parse.GetValue(baseOption),
                Head: parse.GetValue(head)!,
                Repo: parse.GetValue(repo)!,
                Config: parse.GetValue(config),
                Untagged: parse.GetValue(untagged),
                Infer: parse.GetValue(infer),
                FilterSyntax: parse.GetValue(filterSyntax),
                Audit: parse.GetValue(audit),
                Assemblies: parse.GetValue(assemblies) ?? [])
            {
                ImpactMap = parse.GetValue(impactMap),
                ImpactMaxAge = parse.GetValue(impactMaxAge),
                ImpactOut = parse.GetValue(impactOut)!,
                ImpactAudit = parse.GetValue(impactAudit) ?? [],
            })));
        return command;
    }
}

/// <summary>The inputs of one <c>select-tests</c> run, as given.</summary>
public sealed record SelectTestsInputs(
    string? Base,
    string Head,
    string Repo,
    string? Config,
    string? Untagged,
    string? Infer,
    string? FilterSyntax,
    bool Audit,
    IReadOnlyList<string> Assemblies)
{
    /// <summary>The impact map to narrow with; null for the project-level answer alone.</summary>
    public string? ImpactMap { get; init; }

    public int ImpactMaxAge { get; init; } = Core.Selection.Impact.ImpactSelector.DefaultMaxAge;

    public string ImpactOut { get; init; } = "impact-selection.json";

    /// <summary>Result files of a full run to check the selection against.</summary>
    public IReadOnlyList<string> ImpactAudit { get; init; } = [];
}

using System.CommandLine;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.RecordImpact;

/// <summary>The options of <c>pipelines record-impact</c>; what it does is in <see cref="RecordImpactHandler"/>.</summary>
public static class RecordImpactCommand
{
    public const string Name = "record-impact";

    public static Command Create(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var output = new Option<string>("--out") { Description = "Where to write the impact map.", DefaultValueFactory = _ => "impact-map.json" };
        var projects = new Option<string[]>("--projects")
        {
            Description = "The test projects to record (paths or globs, relative to the repository; default: every test project at HEAD).",
            AllowMultipleArgumentsPerToken = true,
        };
        var configuration = new Option<string>("--configuration", "-c") { Description = "The build configuration.", DefaultValueFactory = _ => "Debug" };
        var noBuild = new Option<bool>("--no-build") { Description = "Use the test projects' existing build output instead of building them." };
        var update = new Option<string?>("--update")
        {
            Description = "The previous impact map: record only the tests select-tests would run against it and keep the rest of it (no map there: record everything).",
        };
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command(Name, "Run the test projects once, recording which repository files each test executed, and write the impact map select-tests narrows with.")
        {
            repo, output, projects, configuration, noBuild, update, config, json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(PipelinesCli.Execute(context, Name, parse.GetValue(json), session =>
            RecordImpactHandler.Run(session, new RecordImpactInputs(
                Repo: parse.GetValue(repo)!,
                Out: parse.GetValue(output)!,
                Projects: parse.GetValue(projects) ?? [],
                Configuration: parse.GetValue(configuration)!,
                NoBuild: parse.GetValue(noBuild),
                Update: parse.GetValue(update),
                Config: parse.GetValue(config)), cancellation))));
        return command;
    }
}

/// <summary>The inputs of one <c>record-impact</c> run, as given.</summary>
/// <param name="Update">The previous map to bring up to HEAD, recording only what changed since it; null records everything.</param>
/// <param name="Config">The config whose test-selection policy the update selects with, as select-tests does.</param>
public sealed record RecordImpactInputs(
    string Repo, string Out, IReadOnlyList<string> Projects, string Configuration, bool NoBuild, string? Update = null, string? Config = null);

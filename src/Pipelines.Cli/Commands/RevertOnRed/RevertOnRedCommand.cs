using System.CommandLine;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Commands.RevertOnRed;

/// <summary>The options of <c>pipelines revert-on-red</c>; what it does is in <see cref="RevertOnRedHandler"/>.</summary>
public static class RevertOnRedCommand
{
    public const string Name = "revert-on-red";

    public static Command Create(CliContext context)
    {
        var provider = new Option<string>("--provider")
        {
            Description = "Where the branch lives: git (a local repository), github (GITHUB_TOKEN) or azure-devops (SYSTEM_ACCESSTOKEN); probes always run in the local clone. Default: the CI's own (github in GitHub Actions, azure-devops in Azure Pipelines), else git.",
            DefaultValueFactory = _ => context.Ci switch { GitHubActions => "github", AzurePipelines => "azure-devops", _ => "git" },
        }.AcceptOnlyFromAmong([.. RevertTargets.Providers]);
        var repo = CommonOptions.Repo();
        repo.Description = "The local clone to probe in; with a hosted provider, the hosted repository instead (owner/name) when it is not a folder, the clone then being the current folder.";
        var branch = new Option<string?>("--branch") { Description = "The branch that went red (default: the workflow_run event's branch, the pushed branch of GITHUB_REF or BUILD_SOURCEBRANCH, else the checked-out branch)." };
        var red = new Option<string?>("--red") { Description = "The failing build's commit (default: the workflow_run event's head, BUILD_SOURCEVERSION or GITHUB_SHA, else the branch head)." };
        var green = new Option<string?>("--green") { Description = "The last commit whose build passed (default: the last successful run of the workflow in the workflow_run event on GitHub, of this pipeline (SYSTEM_DEFINITIONID) on Azure Pipelines)." };
        var testCommand = new Option<string?>("--test-command")
        {
            Description = "Runs the failing tests in a checkout; exit 0 is a pass. {failed} becomes the failing test ids (comma-separated), {filter} a dotnet test filter for them. Not run through a shell.",
        };
        var failedTests = new Option<string?>("--failed-tests") { Description = "The failing tests: ids, comma-separated, or a TRX, JUnit or NUnit result file, or a folder of them." };
        var flakeRetries = new Option<int?>("--flake-retries") { Description = "Re-runs of a failing probe before it counts as failing (default revert.flake-retries, else 2)." };
        var mode = new Option<string?>("--mode")
        {
            Description = "push (onto the branch), pull-request (a branch of its own for review) or comment-only (default revert.mode, else push).",
        }.AcceptOnlyFromAmong([.. RevertSection.ModeValues.Keys]);
        var maxPerDay = new Option<int?>("--max-per-day") { Description = "Automatic reverts allowed on the branch per 24 hours (default revert.max-per-day, else 4)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Find the culprit and say what would be done; change nothing." };
        var buildLink = new Option<string?>("--build-link") { Description = "The red build's page, for the revert message (default: from the CI's variables)." };
        var decisionLog = new Option<string?>("--decision-log") { Description = "A JSON-lines file to append every decision to, to measure precision over time." };
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();

        var command = new Command(Name, "Find the commit that turned the branch red, flake-aware, and revert it; tell its author either way.")
        {
            provider, repo, branch, red, green, testCommand, failedTests, flakeRetries, mode, maxPerDay, dryRun, buildLink, decisionLog, config, json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(PipelinesCli.Execute(context, Name, parse.GetValue(json), session =>
            RevertOnRedHandler.Run(session, new RevertOnRedInputs(
                Provider: parse.GetValue(provider)!,
                Repo: parse.GetValue(repo)!,
                Branch: parse.GetValue(branch),
                Red: parse.GetValue(red),
                Green: parse.GetValue(green),
                TestCommand: parse.GetValue(testCommand),
                FailedTests: parse.GetValue(failedTests),
                FlakeRetries: parse.GetValue(flakeRetries),
                Mode: parse.GetValue(mode),
                MaxPerDay: parse.GetValue(maxPerDay),
                DryRun: parse.GetValue(dryRun),
                BuildLink: parse.GetValue(buildLink),
                DecisionLog: parse.GetValue(decisionLog),
                Config: parse.GetValue(config)), cancellation))));
        return command;
    }
}

/// <summary>The inputs of one <c>revert-on-red</c> run, as given.</summary>
public sealed record RevertOnRedInputs(
    string Provider,
    string Repo,
    string? Branch,
    string? Red,
    string? Green,
    string? TestCommand,
    string? FailedTests,
    int? FlakeRetries,
    string? Mode,
    int? MaxPerDay,
    bool DryRun,
    string? BuildLink,
    string? DecisionLog,
    string? Config);

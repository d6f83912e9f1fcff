namespace Pipelines.Cli.Hosting;

/// <summary>
/// No CI detected: a developer's terminal, or a test. Outputs are only printed. A CI's variables set by hand to replay a
/// run (GITHUB_SHA, GITHUB_BASE_REF, the event file, BUILD_SOURCEVERSION, …) are read as that CI reads them, GitHub's
/// first, so a run can be reproduced without pretending to be the runner.
/// </summary>
public sealed class Local : CiEnvironment
{
    private readonly GitHubActions _github;
    private readonly AzurePipelines _azure;

    public Local(Func<string, string?> variables)
        : base(variables)
    {
        _github = new GitHubActions(variables);
        _azure = new AzurePipelines(variables);
    }

    public override string Name => "local";

    public override string? Commit => _github.Commit ?? _azure.Commit;

    public override string? CommitVariable => _github.CommitVariable ?? _azure.CommitVariable;

    public override string? Branch => _github.Branch ?? _azure.Branch;

    public override string? PullRequestTarget => _github.PullRequestTarget ?? _azure.PullRequestTarget;

    public override string? PushedBefore => _github.PushedBefore;

    public override string? BuildLink => _github.BuildLink ?? _azure.BuildLink;

    /// <summary>None: a terminal has no run of its own, and a token found in a developer's shell is not one.</summary>
    public override string? Token => null;

    public override GitHubEvent? EventPayload => _github.EventPayload;

    public override ICiHost CreateHost(TextWriter log, string commandName) => new LocalHost(log);
}

using System.Globalization;

namespace Pipelines.Cli.Hosting;

/// <summary>
/// A step on Azure Pipelines, from the predefined variables the agent sets on every step
/// (https://learn.microsoft.com/azure/devops/pipelines/build/variables). <c>System.AccessToken</c> is the exception:
/// a step only sees it when the pipeline passes it in (<c>env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)</c>).
/// </summary>
public sealed class AzurePipelines : CiEnvironment
{
    public const string DetectVariable = "TF_BUILD";
    private const string SourceVersionVariable = "BUILD_SOURCEVERSION";

    private readonly string? _buildId;

    public AzurePipelines(Func<string, string?> variables)
        : base(variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        Commit = variables(SourceVersionVariable);
        Branch = BranchOf(variables("BUILD_SOURCEBRANCH"));
        var target = variables("SYSTEM_PULLREQUEST_TARGETBRANCH");
        PullRequestTarget = BranchOf(target) ?? target;
        PullRequestId = int.TryParse(variables("SYSTEM_PULLREQUEST_PULLREQUESTID"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        _buildId = variables("BUILD_BUILDID");
        TempDirectory = variables("AGENT_TEMPDIRECTORY");
    }

    public override string Name => "Azure Pipelines";

    public override string? Commit { get; }

    public override string? CommitVariable => Commit is null ? null : SourceVersionVariable;

    public override string? Branch { get; }

    public override string? PullRequestTarget { get; }

    /// <summary>Azure Pipelines does not say what a branch was before the push.</summary>
    public override string? PushedBefore => null;

    /// <summary>{SYSTEM_COLLECTIONURI}{SYSTEM_TEAMPROJECT}/_build/results?buildId={BUILD_BUILDID}.</summary>
    public override string? BuildLink =>
        AzureDevOps.Collection is { } collection && AzureDevOps.Project is { } project && _buildId is not null
            ? $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={_buildId}"
            : null;

    public override string? Token => AzureDevOps.Token;

    public override GitHubEvent? EventPayload => null;

    /// <summary>SYSTEM_PULLREQUEST_PULLREQUESTID: the pull request the run validates, if any.</summary>
    public int? PullRequestId { get; }

    /// <summary>AGENT_TEMPDIRECTORY: where files for the agent (the uploaded summary) go; emptied after the job.</summary>
    public string? TempDirectory { get; }

    public override ICiHost CreateHost(TextWriter log, string commandName) => new AzurePipelinesHost(this, log, commandName);

    /// <summary>Azure DevOps' API as the variables name it, whichever host reads them.</summary>
    internal static AzureDevOpsConnection Connection(Func<string, string?> variables) =>
        new(variables("SYSTEM_ACCESSTOKEN"), variables("SYSTEM_COLLECTIONURI"), variables("SYSTEM_TEAMPROJECT"), variables("BUILD_REPOSITORY_NAME"),
            int.TryParse(variables("SYSTEM_DEFINITIONID"), NumberStyles.None, CultureInfo.InvariantCulture, out var definition) ? definition : null);
}

namespace Pipelines.Cli.Hosting;

/// <summary>
/// A step on GitHub Actions, from the default variables the runner sets on every step
/// (https://docs.github.com/actions/reference/variables-reference#default-environment-variables).
/// </summary>
public sealed class GitHubActions : CiEnvironment
{
    public const string DetectVariable = "GITHUB_ACTIONS";
    private const string EventPathVariable = "GITHUB_EVENT_PATH";
    private const string ShaVariable = "GITHUB_SHA";

    private readonly string? _eventName;
    private readonly string? _eventPath;
    private readonly string? _serverUrl;
    private readonly string? _runId;
    private GitHubEvent? _event;
    private bool _eventRead;

    public GitHubActions(Func<string, string?> variables)
        : base(variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        Commit = variables(ShaVariable);
        Branch = BranchOf(variables("GITHUB_REF"));
        PullRequestTarget = variables("GITHUB_BASE_REF");
        _eventName = variables("GITHUB_EVENT_NAME");
        _eventPath = variables(EventPathVariable);
        _serverUrl = variables("GITHUB_SERVER_URL");
        _runId = variables("GITHUB_RUN_ID");
        OutputFile = variables("GITHUB_OUTPUT");
        SummaryFile = variables("GITHUB_STEP_SUMMARY");
    }

    public override string Name => "GitHub Actions";

    public override string? Commit { get; }

    public override string? CommitVariable => Commit is null ? null : ShaVariable;

    public override string? Branch { get; }

    public override string? PullRequestTarget { get; }

    /// <summary>The <c>before</c> of a push event; null for a new branch (GitHub sends forty zeros).</summary>
    public override string? PushedBefore =>
        _eventName == "push" && EventPayload?.Before is { } before && before.Any(c => c != '0') ? before : null;

    /// <summary>{GITHUB_SERVER_URL}/{GITHUB_REPOSITORY}/actions/runs/{GITHUB_RUN_ID}.</summary>
    public override string? BuildLink =>
        _serverUrl is not null && GitHub.Repository is { } repository && _runId is not null ? $"{_serverUrl}/{repository}/actions/runs/{_runId}" : null;

    public override string? Token => GitHub.Token;

    /// <summary>The event payload, read the first time it is asked for; null when GITHUB_EVENT_PATH names no file.</summary>
    public override GitHubEvent? EventPayload
    {
        get
        {
            if (!_eventRead)
            {
                _event = _eventPath is not null && File.Exists(_eventPath) ? GitHubEvent.Load(_eventPath, EventPathVariable) : null;
                _eventRead = true;
            }

            return _event;
        }
    }

    /// <summary>GITHUB_OUTPUT: the file the step's outputs are appended to.</summary>
    public string? OutputFile { get; }

    /// <summary>GITHUB_STEP_SUMMARY: the file the step's markdown summary is appended to.</summary>
    public string? SummaryFile { get; }

    public override ICiHost CreateHost(TextWriter log, string commandName) => new GitHubActionsHost(this, log);

    /// <summary>GitHub's API as the variables name it, whichever host reads them.</summary>
    internal static GitHubConnection Connection(Func<string, string?> variables) =>
        new(variables("GITHUB_TOKEN"), variables("GITHUB_API_URL"), variables("GITHUB_REPOSITORY"));
}

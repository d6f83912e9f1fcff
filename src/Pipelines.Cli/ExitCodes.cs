namespace Pipelines.Cli;

/// <summary>The exit codes every command keeps (PRODUCT.md); workflows branch on them.</summary>
public static class ExitCodes
{
    /// <summary>Success, gate passed, rollout promoted.</summary>
    public const int Success = 0;

    /// <summary>The expected negative verdict: tests red, gate failed, rollout rolled back, untagged files under policy fail.</summary>
    public const int NegativeVerdict = 1;

    /// <summary>Bad input or configuration; the message names the file and line or the option, and what was expected.</summary>
    public const int BadInput = 2;

    /// <summary>An outside system (git, an API) failed after retries: worth re-running the job.</summary>
    public const int OutsideFailure = 3;

    /// <summary>A bug in Pipelines itself: not the user's input, not an outside system. Please report it.</summary>
    public const int InternalError = 4;
}

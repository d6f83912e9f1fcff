namespace Pipelines.Core.Errors;

/// <summary>An outside system (git, an API, a process) failed after retries: exit code 3.</summary>
public sealed class OutsideSystemException : Exception
{
    public OutsideSystemException(string system, string message, Exception? innerException = null)
        : base($"{system}: {message}", innerException)
    {
        System = system;
        Detail = message;
    }

    /// <summary>Which system failed, e.g. "git" or "GitHub API".</summary>
    public string System { get; }

    /// <summary>The message without the system's name, for a caller that says it in its own words.</summary>
    public string Detail { get; }
}

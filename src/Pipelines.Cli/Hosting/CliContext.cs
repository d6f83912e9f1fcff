using System.Collections;

namespace Pipelines.Cli.Hosting;

/// <summary>
/// Everything a command may read from or write to its process: environment, working folder, standard streams, clock.
/// Commands take it as a parameter so tests run them in-process with their own environment, in parallel.
/// </summary>
public sealed class CliContext
{
    private CiEnvironment? _ci;

    public CliContext(
        IReadOnlyDictionary<string, string?> environment,
        string workingDirectory,
        TextWriter standardOutput,
        TextWriter standardError,
        TimeProvider? time = null)
    {
        Environment = environment;
        WorkingDirectory = workingDirectory;
        StandardOutput = standardOutput;
        StandardError = standardError;
        Time = time ?? TimeProvider.System;
    }

    public IReadOnlyDictionary<string, string?> Environment { get; }

    public string WorkingDirectory { get; }

    public TextWriter StandardOutput { get; }

    public TextWriter StandardError { get; }

    public TimeProvider Time { get; }

    /// <summary>The CI system this runs under and what it says about the run, read from <see cref="Environment"/> once.</summary>
    public CiEnvironment Ci => _ci ??= CiEnvironment.Detect(Get);

    /// <summary>The variable's value, or null when it is unset or empty (runners set unset inputs to "").</summary>
    public string? Get(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>A path from the user, relative to the working folder.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);

    public static CliContext FromProcess()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string;
        }

        return new CliContext(environment, Directory.GetCurrentDirectory(), Console.Out, Console.Error);
    }
}

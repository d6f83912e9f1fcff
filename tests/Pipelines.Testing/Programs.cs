using System.Diagnostics;

namespace Pipelines.Testing;

/// <summary>What a program run by a test printed and returned.</summary>
public sealed record ProgramRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs real programs (git, dotnet, node) for tests and benchmarks, with an argument list, never a shell.</summary>
public static class Programs
{
    public static ProgramRun Run(
        string file, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, string? input = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = input is not null,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new ProgramRun(process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>
    /// Runs a program in an environment that holds only <paramref name="environment"/> and what any machine's programs
    /// need (PATH, HOME, TMPDIR, where .NET and NuGet live): nothing of this test process's CI or INPUT_* variables
    /// leaks in, as on a fresh runner or agent. <paramref name="environment"/> may replace PATH.
    /// </summary>
    public static ProgramRun RunIsolated(string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "TMPDIR", "DOTNET_ROOT", "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_NOLOGO", "NUGET_PACKAGES" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new ProgramRun(process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>Runs a program that must succeed; its output is in the exception when it does not.</summary>
    public static string RunOrThrow(
        string file, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, string? input = null)
    {
        var run = Run(file, arguments, workingDirectory, environment, input);
        return run.ExitCode == 0
            ? run.StandardOutput
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({run.ExitCode}):\n{run.StandardOutput}\n{run.StandardError}");
    }
}

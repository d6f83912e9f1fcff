using System.Diagnostics;
using Pipelines.Adapters.Processes;

namespace Pipelines.Adapters.DotNet;

/// <summary>One <c>dotnet test</c> invocation: how it ended, the TRX files it wrote, and its last lines of output.</summary>
public sealed record DotNetTestInvocation(int ExitCode, IReadOnlyList<string> ResultFiles, IReadOnlyList<string> OutputTail, TimeSpan Duration);

/// <summary>Runs <c>dotnet test</c> with a filter, streaming its output, with TRX results in a folder of its own.</summary>
public static class DotNetTestRunner
{
    private const int TailLines = 40;

    /// <param name="resultsDirectory">A folder for this invocation alone; emptied first.</param>
    /// <param name="arguments">The user's arguments for <c>dotnet test</c> (solution, project or assembly; configuration; <c>--no-build</c>).</param>
    /// <param name="onLine">Receives every line of output as it comes, for the log.</param>
    public static async Task<DotNetTestInvocation> RunAsync(
        IReadOnlyList<string> arguments,
        string filter,
        string resultsDirectory,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        Action<string> onLine,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(onLine);
        // The folder is this invocation's own: results left there by an earlier run must not be read as this one's.
        if (Directory.Exists(resultsDirectory))
        {
            Directory.Delete(resultsDirectory, recursive: true);
        }

        Directory.CreateDirectory(resultsDirectory);
        string[] all = ["test", .. arguments, "--filter", filter, "--logger", "trx", "--results-directory", resultsDirectory];
        var start = ProcessRunner.CreateStartInfo("dotnet", all, workingDirectory, environment);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var tail = new Queue<string>();
        void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > TailLines)
                {
                    tail.Dequeue();
                }

                onLine(line);
            }
        }

        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new Core.Errors.OutsideSystemException("dotnet", $"could not start 'dotnet test': {ex.Message}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var files = Directory.EnumerateFiles(resultsDirectory, "*.trx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        lock (tail)
        {
            return new DotNetTestInvocation(process.ExitCode, files, [.. tail], watch.Elapsed);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pipelines.Testing;

/// <summary>
/// The real test projects under <c>tests/samples/</c> (MSTest, xUnit, NUnit), built on first use and shared by every
/// test in the process. A lock file keeps test processes running side by side from building one project at once.
/// </summary>
public static class SampleProjects
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Built = new(StringComparer.Ordinal);

    public static string Folder(string name) => SourceTree.PathOf(Path.Combine("tests", "samples", name));

    /// <summary>The built assembly of <paramref name="name"/> (e.g. "MsTestSample").</summary>
    public static string Build(string name) => Built.GetOrAdd(name, n => new Lazy<string>(() => BuildNow(n))).Value;

    private static string BuildNow(string name)
    {
        var output = Path.Combine(Path.GetTempPath(), "pipelines-samples", name);
        using (AcquireLock(Path.Combine(Path.GetTempPath(), $"pipelines-samples-{name}.lock")))
        {
            Run("dotnet", "build", Path.Combine(Folder(name), name + ".csproj"), "--configuration", "Debug", "--output", output, "--nologo", "--verbosity", "quiet");
        }

        return Path.Combine(output, name + ".dll");
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Runs a program and returns its output; throws with the output when it fails.</summary>
    public static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr}");
        }

        return stdout.Result;
    }
}

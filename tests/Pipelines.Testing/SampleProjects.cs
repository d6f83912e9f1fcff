using System.Collections.Concurrent;

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
            Programs.RunOrThrow("dotnet", ["build", Path.Combine(Folder(name), name + ".csproj"), "--configuration", "Debug", "--output", output, "--nologo", "--verbosity", "quiet"]);
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
}

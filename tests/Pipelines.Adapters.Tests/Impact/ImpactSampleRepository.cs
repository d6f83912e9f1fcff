using Pipelines.Adapters.Git;
using Pipelines.Adapters.Impact;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>
/// tests/samples/Impact (a small library and one test project per framework) committed into a repository of its
/// own, so the recorder sees a clean tree whatever state this checkout is in.
/// </summary>
internal sealed class ImpactSampleRepository : IDisposable
{
    private readonly TemporaryRepository _repository = new();

    public ImpactSampleRepository()
    {
        var samples = SourceTree.PathOf(Path.Combine("tests", "samples"));
        foreach (var props in new[] { "Directory.Build.props", "Directory.Packages.props" })
        {
            _repository.Write(props, File.ReadAllText(Path.Combine(samples, props)));
        }

        var impact = Path.Combine(samples, "Impact");
        foreach (var file in Directory.EnumerateFiles(impact, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(impact, file).Replace('\\', '/');
            if (relative.Split('/').Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            _repository.Write("Impact/" + relative, File.ReadAllText(file));
        }

        _repository.Write(".gitignore", "bin/\nobj/\n");
        Commit = _repository.Commit("impact samples");
    }

    public string Root => _repository.Path;

    public string Commit { get; }

    public TemporaryRepository Git => _repository;

    public static string Project(string name) => $"Impact/{name}/{name}.csproj";

    public ImpactMap Record(params string[] projects)
    {
        using var work = new TempDirectory("pipelines-impact-work");
        var log = new List<string>();
        try
        {
            return ImpactRecorder.Record(
                new ImpactRecordRequest(
                    GitRepository.Open(Root), [.. projects.Select(Project)], "Debug", NoBuild: false,
                    System.IO.Path.Combine(AppContext.BaseDirectory, "Pipelines.Impact.Collector.dll"), work.Path,
                    new Dictionary<string, string?>(), line => { lock (log) { log.Add(line); } }),
                DateTimeOffset.UnixEpoch, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not Core.Errors.InputException)
        {
            throw new InvalidOperationException("recording failed; its log:\n" + string.Join('\n', log.TakeLast(60)), ex);
        }
    }

    public void Dispose() => _repository.Dispose();
}

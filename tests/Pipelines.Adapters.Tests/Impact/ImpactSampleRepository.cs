using Pipelines.Adapters.Git;
using Pipelines.Adapters.Impact;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Impact;

/// <summary>The impact samples in a repository of their own (<see cref="ImpactSamples"/>), recorded in process.</summary>
internal sealed class ImpactSampleRepository : IDisposable
{
    private readonly TemporaryRepository _repository = new();

    public ImpactSampleRepository() => Commit = ImpactSamples.CommitInto(_repository);

    public string Root => _repository.Path;

    public string Commit { get; }

    public TemporaryRepository Git => _repository;

    public static string Project(string name) => ImpactSamples.Project(name);

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

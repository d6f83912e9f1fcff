using System.Globalization;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Files;
using Pipelines.Adapters.Git;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Planning;
using Pipelines.Core.Selection;

namespace Pipelines.Cli.Commands.PlanTests;

/// <summary>Wires result files, the timing cache and the config to the core's <see cref="ShardPlanner"/>.</summary>
public static class PlanTestsHandler
{
    public const double DefaultTargetMinutes = 10;
    public const int DefaultMaxShards = 50;
    private static readonly string[] ResultExtensions = [".trx", ".xml"];

    public static CommandResult Run(CommandSession session, PlanTestsInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        var context = session.Context;
        var repoPath = context.ResolvePath(inputs.Repo);
        var config = ConfigLoader.Load(context, repoPath, inputs.Config);
        var policy = PlanSection.Read(config);
        if (inputs.Shards is not null && inputs.TargetMinutes is not null)
        {
            throw new InputException("--shards and --target-minutes: give one of them, not both");
        }

        if (inputs.Shards is < 1 or > 256)
        {
            throw new InputException($"--shards: expected 1 to 256, got {inputs.Shards}");
        }

        var warnings = new List<string>();
        var history = ReadHistory(context, inputs, warnings);
        var scope = new PlanScope(Split(inputs.Projects), inputs.Filter);
        var candidates = Candidates(context, inputs, history, Discover(inputs, repoPath), scope);
        var by = inputs.By is { } byText ? PlanSection.ByValues[byText] : policy.By ?? DefaultBy(history, candidates);
        var (seed, seedSource) = Seed(session, inputs, repoPath);
        var options = new PlanOptions(
            inputs.Order is { } orderText ? PlanSection.OrderValues[orderText] : policy.Order ?? PlanOrder.SlowestFirst,
            seed,
            policy.Dependencies,
            policy.FixedOrder);

        var tests = candidates.Select(c => c.Test).ToList();
        var units = PlanUnits.Build(tests, history, by, policy.DefaultSeconds);
        var restricted = candidates.GroupBy(c => PlanUnits.UnitOf(c.Test, by), StringComparer.Ordinal)
            .Where(g => g.All(c => c.Reach == UnitReach.Restricted))
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        var plan = inputs.Shards is { } shards
            ? ShardPlanner.Plan(units, by, shards, options)
            : ShardPlanner.PlanWithin(units, by, (inputs.TargetMinutes ?? policy.TargetMinutes ?? DefaultTargetMinutes) * 60,
                inputs.MaxShards ?? policy.MaxShards ?? DefaultMaxShards, options);

        var document = PlanTestsReport.Document(plan, seedSource, tests.Count, scope, restricted, [.. warnings, .. plan.Warnings]);
        var planPath = context.ResolvePath(inputs.Out);
        PlanFile.Write(planPath, document);
        return PlanTestsReport.Build(document, inputs.Out, session.Host is Hosting.AzurePipelinesHost);
    }

    private static TimingHistory ReadHistory(Hosting.CliContext context, PlanTestsInputs inputs, List<string> warnings)
    {
        var timingsPath = inputs.Timings is null ? null : context.ResolvePath(inputs.Timings);
        var history = timingsPath is null ? new TimingHistory() : TimingFile.Read(timingsPath);
        var runs = new List<Core.TestResults.TestRunResults>();
        // An action input holds one pattern per line.
        foreach (var pattern in inputs.History.SelectMany(h => h.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var files = FileGlob.Expand(context.WorkingDirectory, pattern, ResultExtensions);
            if (files.Count == 0)
            {
                // The first run of a pipeline has no history yet: plan without it, and say so.
                warnings.Add($"--history {pattern}: no result files found; unknown tests get the default time");
            }

            runs.AddRange(files.Select(f => ResultFileReader.Read(f, Path.GetRelativePath(context.WorkingDirectory, f))));
        }

        foreach (var run in runs.OrderBy(r => r.Started ?? DateTimeOffset.MinValue).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            history.Add(run);
        }

        if (timingsPath is not null)
        {
            TimingFile.Write(timingsPath, history);
        }

        return history;
    }

    /// <summary>Tests in built assemblies: new tests have no history yet and must still be planned.</summary>
    private static List<DiscoveredTest> Discover(PlanTestsInputs inputs, string repoPath)
    {
        List<string> assemblies;
        if (inputs.Assemblies.Count > 0)
        {
            assemblies = TestAssemblies.Given(repoPath, inputs.Assemblies);
        }
        else
        {
            try
            {
                assemblies = TestAssemblies.Built(GitRepository.Open(repoPath));
            }
            catch (InputException)
            {
                return []; // not a repository: history alone
            }
        }

        return [.. assemblies.SelectMany(a => TestAssemblyReader.Read(a, Path.GetFileName(a)))];
    }

    private static List<(TestToPlan Test, UnitReach Reach)> Candidates(
        Hosting.CliContext context, PlanTestsInputs inputs, TimingHistory history, List<DiscoveredTest> discovered, PlanScope scope)
    {
        if (inputs.Tests is { } testsFile)
        {
            // An explicit list is planned as given: the user already selected it.
            var path = context.ResolvePath(testsFile);
            if (!File.Exists(path))
            {
                throw new InputException($"--tests: no such file: {testsFile}");
            }

            return [.. File.ReadAllLines(path)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(id => history.Find(id) is { } known
                    ? new TestToPlan(id, known.ClassName, known.File)
                    : new TestToPlan(id, id.LastIndexOf('.') is var dot and > 0 ? id[..dot] : id))
                .Select(t => (t, UnitReach.Whole))];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<(TestToPlan Test, UnitReach Reach)>();
        foreach (var test in discovered.Where(t => seen.Add(t.Id)))
        {
            candidates.Add((new TestToPlan(test.Id, test.ClassName), scope.Of(test.Assembly, test.Categories)));
        }

        foreach (var test in history.Tests.Where(t => seen.Add(t.Id)))
        {
            candidates.Add((new TestToPlan(test.Id, test.ClassName, test.File), scope.Of(test.Source, test.Categories)));
        }

        return [.. candidates.Where(c => c.Reach != UnitReach.Out)];
    }

    // JUnit suites from other ecosystems carry files and no .NET assembly: plan them by file.
    private static PlanBy DefaultBy(TimingHistory history, List<(TestToPlan Test, UnitReach Reach)> candidates) =>
        candidates.Count > 0 && candidates.All(c => c.Test.File is not null && history.Find(c.Test.Id)?.Source is null)
            ? PlanBy.File
            : PlanBy.Class;

    private static (ulong Seed, string Source) Seed(CommandSession session, PlanTestsInputs inputs, string repoPath)
    {
        if (inputs.Seed is { } text)
        {
            return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var given)
                ? (given, "--seed")
                : throw new InputException($"--seed: expected a whole number from 0 to {ulong.MaxValue}, got '{text}'");
        }

        if (session.Context.Ci is { Commit: { } sha, CommitVariable: var variable })
        {
            return (SeededShuffle.SeedFromCommit(sha), $"commit {sha[..Math.Min(10, sha.Length)]} ({variable})");
        }

        try
        {
            var head = GitRepository.Open(repoPath).ResolveCommit("HEAD", "--repo");
            return (SeededShuffle.SeedFromCommit(head), $"commit {head[..10]} (HEAD)");
        }
        catch (InputException)
        {
            return (0, "fixed: no commit to derive it from (pass --seed)");
        }
    }

    private static string[] Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

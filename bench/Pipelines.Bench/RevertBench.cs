using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// revert-on-red from start to revert on a real repository with a fast test command: what Pipelines itself adds
/// (git, worktrees, probes, the revert), for one red commit and for sixteen.
/// </summary>
internal static class RevertBench
{
    public static IReadOnlyList<BenchRow> Run()
    {
        var rows = new List<BenchRow>();
        var cli = PublishedCli.ReadyToRun; // published before the clock starts
        foreach (var commits in new[] { 1, 16 })
        {
            using var repo = new TemporaryRepository();
            var green = repo.Write("state.txt", "ok\n").Commit("green");
            for (var i = 1; i <= commits; i++)
            {
                if (i == (commits + 1) / 2)
                {
                    repo.Write("state.txt", "broken\n");
                }

                repo.Write($"file{i}.txt", $"{i}\n").Commit($"change {i}");
            }

            var red = repo.Git("rev-parse", "HEAD").Trim();
            var elapsed = Measure.Once(() => Measure.Run(cli,
                ["revert-on-red", "--repo", repo.Path, "--green", green, "--red", red, "--test-command", "grep -qx ok state.txt"]));
            var reverted = repo.Git("log", "-1", "--format=%s", "main").StartsWith("Revert", StringComparison.Ordinal);
            rows.Add(BenchRow.Time($"revert-on-red, {commits} commit(s) in range, start to revert (2-retry deflake)", elapsed, TimeSpan.FromMinutes(2),
                reverted ? "reverted" : "DID NOT REVERT"));
        }

        return rows;
    }
}

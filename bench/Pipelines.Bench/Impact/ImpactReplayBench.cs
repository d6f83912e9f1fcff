using System.Globalization;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Formats;
using Pipelines.Adapters.Git;
using Pipelines.Core.Selection;
using Pipelines.Core.Selection.Impact;
using Pipelines.Testing;

namespace Pipelines.Bench.Impact;

/// <summary>
/// Savings of the impact map on this repository's history: one map recorded at an older commit B, then for each of
/// the last code-changing commits C after it (on the first-parent line; a merge's change is its whole branch), the
/// share of test time the project-level selection and the impact selection run, by per-test durations measured at B.
/// </summary>
/// <remarks>
/// The map's age limit is lifted: one map serves the whole replay, so the later commits count every change since B
/// (a nightly map would be younger). Tests new since B have no duration and count as zero time.
/// </remarks>
internal static class ImpactReplayBench
{
    public static IReadOnlyList<BenchRow> Run(string[] args)
    {
        var count = Argument(args, "--commits", 50);
        var root = SourceTree.Root;
        var until = ImpactBenchSupport.Git(root, "rev-parse", Option(args, "--until") ?? "HEAD").Trim();
        var commits = CodeChangingCommits(root, until, count);
        var baseCommit = ImpactBenchSupport.Git(root, "rev-parse", commits[0] + "^1").Trim();
        Console.WriteLine($"impact-replay: {commits.Count} code-changing first-parent commits after B = {ImpactBenchSupport.Short(baseCommit)}, up to {ImpactBenchSupport.Short(until)}");

        var repository = GitRepository.Open(root);
        ProjectGraph baseGraph;
        using (var baseTree = repository.ReadTree(baseCommit))
        {
            baseGraph = ProjectGraphReader.Read(baseTree);
        }

        var testProjects = TestProjects(baseGraph);
        var recordProjects = Option(args, "--record") is { } named ? [.. named.Split(',')] : testProjects;
        var clone = Option(args, "--clone") ?? ImpactBenchSupport.CloneAt(root, baseCommit, "replay-base-" + ImpactBenchSupport.Short(baseCommit));
        var mapPath = Option(args, "--map");
        ImpactMap map;
        if (mapPath is null)
        {
            mapPath = Path.Combine(Path.GetDirectoryName(clone)!, $"replay-map-{ImpactBenchSupport.Short(baseCommit)}.json");
            var (recorded, took) = ImpactBenchSupport.Record(clone, recordProjects, mapPath);
            map = recorded;
            Console.WriteLine($"Recorded {string.Join(", ", recordProjects)} at B in {took.TotalSeconds:0} s → {mapPath}");
        }
        else
        {
            map = ImpactMapFile.Read(mapPath, mapPath);
        }

        if (map.Commit != baseCommit)
        {
            throw new InvalidOperationException($"the map is of {map.Commit}, not B = {baseCommit}");
        }

        // Every test project's durations at B, recorded or not: the full suite's time.
        var durations = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var project in testProjects)
        {
            // Kept beside the clone: a second look at the same B (--clone, --map) need not run the suite again.
            var saved = Path.Combine(Path.GetDirectoryName(clone)!, $"replay-durations-{Name(project)}-{ImpactBenchSupport.Short(baseCommit)}.json");
            if (File.Exists(saved) && Option(args, "--map") is not null)
            {
                durations[project] = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(saved))!;
                Console.WriteLine($"Durations at B: {project}: {durations[project].Count} tests, {durations[project].Values.Sum():0.0} s of test time (from {saved})");
                continue;
            }

            var (seconds, failed, wall) = ImpactBenchSupport.Durations(clone, project, build: true);
            durations[project] = seconds;
            File.WriteAllText(saved, System.Text.Json.JsonSerializer.Serialize(seconds));
            Console.WriteLine($"Durations at B: {project}: {seconds.Count} tests, {seconds.Values.Sum():0.0} s of test time ({wall.TotalSeconds:0} s wall with its build), {failed.Count} failed");
        }

        var atB = new Snapshot(baseCommit, map, durations, null) { Timelines = Timelines(Path.GetFileName(clone), testProjects) };
        var snapshots = new List<(int Index, Snapshot At)>();
        var every = Argument(args, "--map-every", 0);
        for (var i = every - 1; every > 0 && i < commits.Count - 1; i += every)
        {
            snapshots.Add((i, RecordAt(args, root, repository, commits[i])));
        }

        var projectTime = atB.ProjectTime;
        var fullTime = atB.FullTime;
        var recordedSet = map.Projects.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);

        var explain = args.Contains("--explain");
        Console.WriteLine();
        Console.WriteLine("Shares of the full suite's test time. 'one map': the map of B for every commit (changes since B count).");
        Console.WriteLine("'fresh map': B's test → file coverage with the hashes of C's parent, as a map recorded on every push to main would");
        Console.WriteLine("have them (only C's own change counts; files new since B are not code to it, so they fall back to project level).");
        if (every > 0)
        {
            Console.WriteLine($"'every {every}': real maps recorded at B and at every {every}th replayed commit; each C uses the newest at or before its");
            Console.WriteLine("parent, and that map's commit's test durations for both its project-level and its impact time.");
            Console.WriteLine("'per push': that newest real map brought to C's parent as record-impact --update on every push would: its");
            Console.WriteLine("coverage with the parent's hashes, so only C's own change counts. Approximate: a test keeps what it ran at the map");
            Console.WriteLine("(an update re-records those whose files changed), and files new since the map are not code to it (they fall back).");
        }

        Console.WriteLine($"{"commit",-9} {"age",4} {"files",5} {"proj",4} {"project-level",13} {"one map",8} {"fresh map",9} {(every > 0 ? $"{"every " + every,9} {"/ level",9} {"its map",8} {"per push",8} {"/ level",9} {"real push",9} {"clock",7} {"floor",7} " : string.Empty)} narrowed ({(every > 0 ? "every " + every : "fresh map")})");
        var projectShares = new List<double>();
        var oneShares = new List<double>();
        var freshShares = new List<double>();
        var oneRatios = new List<double>();
        var freshRatios = new List<double>();
        var everyShares = new List<double>();
        double everyFull = 0, everyLevel = 0, everyImpact = 0; // summed over the replay: the time a team would spend
        var everyRatios = new List<double>();
        var everyClockRatios = new List<double>(); // the same, on the clock of the map's full run (a shared fixture's wait counted once)
        var realPushClockRatios = new List<double>();
        var realPushClockShares = new List<double>(); // of the full suite's clock
        var releaseFloorRatios = new List<double>(); // of those, the clock the tests waiting for the release build held
        // --time-at C1,C2: the real per-push selection and the project level run for real at those commits, timed.
        var timeAt = (Option(args, "--time-at") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var timed = new List<(string Commit, double Level, double Impact, double Clock)>();
        var pushRatios = new List<double>();
        // --per-push N: the first N commits again with real maps, each made by record-impact --update from its parent's.
        var realPush = Argument(args, "--per-push", 0);
        var pushStart = Argument(args, "--per-push-start", 0);
        (ImpactMap, string)? RealMapAt(string commit)
        {
            if (commit == baseCommit)
            {
                return (map, mapPath!);
            }

            if (snapshots.FirstOrDefault(s => s.At.Commit == commit).At is { } snapshot)
            {
                return (snapshot.Map, SnapshotMapPath(commit, mapPath));
            }

            var saved = PushMapPath(commit);
            return File.Exists(saved) ? (ImpactMapFile.Read(saved, saved), saved) : null;
        }

        var realPushRatios = new List<double>();
        var approxPushRatios = new List<double>();
        var realPushTook = new List<double>();
        var gapTook = new List<double>();
        ImpactMap? pushMap = null;
        string? pushMapPath = null;
        string? pushClone = null;
        var pushShares = new List<double>();
        double pushImpact = 0;
        var runs = new Dictionary<string, Dictionary<string, HashSet<string>?>>(StringComparer.Ordinal); // commit → project → tests run (null: whole)
        var fallbackCauses = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < commits.Count; i++)
        {
            var commit = commits[i];
            var parent = ImpactBenchSupport.Git(root, "rev-parse", commit + "^1").Trim();
            var changes = repository.GetChanges(parent, commit);
            var (policy, graph, sources, tree) = ImpactBenchSupport.ProjectLevelInputs(repository, commit);
            using var _ = tree;
            ProjectGraph? parentGraph = null;
            if (changes.Any(c => c.Kind is ChangeKind.Deleted or ChangeKind.Renamed && ProjectGraphReader.IsProjectFile(c.OldPath ?? c.Path)))
            {
                using var parentTree = repository.ReadTree(parent);
                parentGraph = ProjectGraphReader.Read(parentTree);
            }

            var projectLevel = TestSelector.Select(changes, policy, graph, parentGraph, sources);
            var age = repository.CountCommits(baseCommit, commit);
            var projectSeconds = atB.ProjectLevelSeconds(projectLevel);
            SelectionResult ProjectLevelFor(IReadOnlyList<FileChange> c) => TestSelector.Select(c, policy, graph, parentGraph, sources);

            var one = Impact(projectLevel, atB, map, new MapStanding(true, repository.IsAncestor(baseCommit, commit), age), graph, ProjectLevelFor,
                new GitImpactDiff(repository, tree, baseCommit), tree.ObjectIds);
            var fresh = Impact(projectLevel, atB, Rebased(map, repository, parent), new MapStanding(true, true, 1), graph, ProjectLevelFor,
                new GitImpactDiff(repository, tree, parent), tree.ObjectIds);
            runs[commit] = fresh.Ran;

            projectShares.Add(projectSeconds / fullTime);
            oneShares.Add(one.Seconds / fullTime);
            freshShares.Add(fresh.Seconds / fullTime);
            if (projectSeconds > 0)
            {
                oneRatios.Add(one.Seconds / projectSeconds);
                freshRatios.Add(fresh.Seconds / projectSeconds);
            }

            var line = $"{ImpactBenchSupport.Short(commit),-9} {age,4} {changes.Count,5} {(projectLevel.RunAll ? "all" : projectLevel.Projects.Count.ToString(CultureInfo.InvariantCulture)),4} " +
                $"{ImpactBenchSupport.Percent(projectSeconds / fullTime),13} {ImpactBenchSupport.Percent(one.Seconds / fullTime),8} {ImpactBenchSupport.Percent(fresh.Seconds / fullTime),9} ";
            var narrowed = fresh.Narrowed;
            var why = one.WhyWhole.Select(w => "one map: " + w).Concat(fresh.WhyWhole.Select(w => "fresh map: " + w)).ToList();
            if (every > 0)
            {
                // The newest map recorded at or before C's parent (commits[i - 1] on the first-parent line).
                var (at, atIndex) = snapshots.Where(s => s.Index <= i - 1).Select(s => (s.At, s.Index)).LastOrDefault((atB, -1));
                var mapAge = repository.CountCommits(at.Commit, commit);
                var levelSeconds = at.ProjectLevelSeconds(projectLevel);
                var real = Impact(projectLevel, at, at.Map, new MapStanding(true, repository.IsAncestor(at.Commit, commit), mapAge), graph, ProjectLevelFor,
                    new GitImpactDiff(repository, tree, at.Commit), tree.ObjectIds);
                runs[commit] = real.Ran;
                everyShares.Add(real.Seconds / at.FullTime);
                everyFull += at.FullTime;
                everyLevel += levelSeconds;
                everyImpact += real.Seconds;
                if (levelSeconds > 0)
                {
                    everyRatios.Add(real.Seconds / levelSeconds);
                    everyClockRatios.Add(at.Clock(real.Ran, at.Map) / at.ProjectLevelClock(projectLevel));
                }

                var push = Impact(projectLevel, at, Rebased(at.Map, repository, parent), new MapStanding(true, true, 1), graph, ProjectLevelFor,
                    new GitImpactDiff(repository, tree, parent), tree.ObjectIds);
                pushShares.Add(push.Seconds / at.FullTime);
                pushImpact += push.Seconds;
                if (levelSeconds > 0)
                {
                    pushRatios.Add(push.Seconds / levelSeconds);
                }

                line += $"{ImpactBenchSupport.Percent(real.Seconds / at.FullTime),9} {ImpactBenchSupport.Percent(levelSeconds > 0 ? real.Seconds / levelSeconds : double.NaN),9} {ImpactBenchSupport.Short(at.Commit),8} " +
                    $"{ImpactBenchSupport.Percent(push.Seconds / at.FullTime),8} {ImpactBenchSupport.Percent(levelSeconds > 0 ? push.Seconds / levelSeconds : double.NaN),9} ";
                // A real map at C's parent, if one was made: by record-impact --update on the per-push chain (this run's
                // or an earlier one's, --reuse-maps), or a full recording there.
                var chain = i >= pushStart && i < pushStart + realPush;
                if (chain)
                {
                    if (pushMap is null)
                    {
                        (pushMap, pushMapPath) = RealMapAt(parent) ?? (at.Map, SnapshotMapPath(at.Commit == baseCommit ? null : at.Commit, mapPath));
                    }

                    if (pushMap.Commit != parent)
                    {
                        // The pushes between two replayed commits (docs, data, CI files) update it too, at once, at the parent.
                        (pushMap, pushMapPath, pushClone) = UpdateAt(args, root, repository, parent, pushMapPath!, pushClone, pushStart, gapTook);
                    }
                }

                var atParent = chain ? (pushMap!, pushMapPath!) : RealMapAt(parent);
                var pushWhy = new List<string>();
                if (atParent is { } real0)
                {
                    var viaUpdate = Impact(projectLevel, at, real0.Item1, new MapStanding(true, true, 1), graph, ProjectLevelFor,
                        new GitImpactDiff(repository, tree, real0.Item1.Commit), tree.ObjectIds);
                    var impactClock = at.Clock(viaUpdate.Ran, real0.Item1);
                    var levelClock = at.ProjectLevelClock(projectLevel);
                    var clock = levelSeconds > 0 ? impactClock / levelClock : double.NaN;
                    var floor = levelSeconds > 0 ? at.Clock(ReleaseWaiters(real0.Item1, viaUpdate.Ran), real0.Item1) / levelClock : double.NaN;
                    if (levelSeconds > 0)
                    {
                        realPushRatios.Add(viaUpdate.Seconds / levelSeconds);
                        approxPushRatios.Add(push.Seconds / levelSeconds);
                        realPushClockRatios.Add(clock);
                        realPushClockShares.Add(impactClock / at.FullClock);
                        releaseFloorRatios.Add(floor);
                    }

                    line += $"{ImpactBenchSupport.Percent(levelSeconds > 0 ? viaUpdate.Seconds / levelSeconds : double.NaN),9} {ImpactBenchSupport.Percent(clock),7} {ImpactBenchSupport.Percent(floor),7} ";
                    if (timeAt.Any(t => commit.StartsWith(t, StringComparison.Ordinal)))
                    {
                        var (levelWall, impactWall) = TimeSelections(root, commit, projectLevel.RunAll ? TestProjects(graph) : [.. projectLevel.Projects], viaUpdate.Ran);
                        timed.Add((commit, levelWall, impactWall, clock));
                    }
                    pushWhy = [.. viaUpdate.WhyWhole.Select(w => "real push: " + w)];
                }
                else
                {
                    line += $"{"—",9} {"—",7} {"—",7} ";
                }

                if (chain)
                {
                    (pushMap, pushMapPath, pushClone) = UpdateAt(args, root, repository, commit, pushMapPath!, pushClone, pushStart, realPushTook);
                }

                narrowed = real.Narrowed;
                why = [.. real.WhyWhole.Select(w => $"every {every}: " + w), .. push.WhyWhole.Select(w => "per push: " + w), .. pushWhy];
                foreach (var cause in real.WhyWhole.Select(Cause).Distinct(StringComparer.Ordinal))
                {
                    fallbackCauses[cause] = fallbackCauses.GetValueOrDefault(cause) + 1;
                }
            }

            Console.WriteLine(line + " " + narrowed);
            if (explain)
            {
                foreach (var w in why)
                {
                    Console.WriteLine("          " + w);
                }
            }

            (double Seconds, string Narrowed, List<string> WhyWhole, Dictionary<string, HashSet<string>?> Ran) Impact(
                SelectionResult level, Snapshot snapshot, ImpactMap with, MapStanding standing, ProjectGraph at, Func<IReadOnlyList<FileChange>, SelectionResult> levelFor,
                IImpactDiff diff, IReadOnlyDictionary<string, string> headFiles)
            {
                var ran = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
                if (level.RunAll)
                {
                    // A build-wide file: the map cannot see what it does either, so both run everything.
                    foreach (var project in testProjects.Union(snapshot.Durations.Keys, StringComparer.Ordinal))
                    {
                        ran[project] = null;
                    }

                    return (snapshot.FullTime, "run-all: " + level.RunAllReason, [], ran);
                }

                var selection = ImpactSelector.Narrow(level, with, headFiles, standing, int.MaxValue, at, levelFor, diff, sources);
                var seconds = 0.0;
                var narrowed = new List<string>();
                foreach (var project in selection.Projects)
                {
                    var times = snapshot.Durations.GetValueOrDefault(project.Project) ?? [];
                    if (project.Whole)
                    {
                        ran[project.Project] = null;
                        seconds += snapshot.ProjectTime.GetValueOrDefault(project.Project);
                        narrowed.Add($"{Name(project.Project)} whole");
                        continue;
                    }

                    var known = times.Keys.Concat(with.Projects.Single(p => p.Path == project.Project).Tests.Select(t => t.Name)).ToHashSet(StringComparer.Ordinal);
                    var run = ImpactBenchSupport.TestsRun(project, known);
                    ran[project.Project] = run.ToHashSet(StringComparer.Ordinal);
                    seconds += run.Sum(t => times.GetValueOrDefault(t));
                    narrowed.Add($"{Name(project.Project)} {run.Count}/{known.Count}");
                }

                seconds += FixtureSeconds(snapshot, with, ran);
                var why = selection.FileReasons.Where(r => r.Value.StartsWith("the impact map cannot narrow it", StringComparison.Ordinal))
                    .Select(r => $"{r.Key}: {r.Value}").ToList();
                return (seconds, string.Join("; ", narrowed), why, ran);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Full suite at B: {fullTime:0.0} s of test time in {testProjects.Count} test projects ({string.Join(", ", testProjects.Select(p => $"{Name(p)} {projectTime[p]:0.0} s"))}); recorded: {string.Join(", ", recordedSet.Select(Name))}");
        foreach (var (index, at) in snapshots)
        {
            Console.WriteLine($"Map at {ImpactBenchSupport.Short(at.Commit)} (replayed commit {index + 1}): {at.FullTime:0.0} s of test time ({string.Join(", ", at.ProjectTime.Select(p => $"{Name(p.Key)} {p.Value:0.0} s"))}), " +
                $"{at.Map.Projects.Sum(p => p.Tests.Count)} tests recorded, {at.Map.Projects.Sum(p => p.Tests.Count(t => t.Outcome == ImpactOutcome.Failed))} failed when recorded");
        }

        var failedAtRecording = map.Projects.Sum(p => p.Tests.Count(t => t.Outcome == ImpactOutcome.Failed));
        Console.WriteLine($"Tests the map marks failed at B (they run whatever changes): {failedAtRecording} of {map.Projects.Sum(p => p.Tests.Count)}");
        if (fallbackCauses.Count > 0)
        {
            Console.WriteLine($"Why a project ran whole with the every-{every} maps (commits with such a file, a commit can have several):");
            foreach (var (cause, commitsWith) in fallbackCauses.OrderByDescending(c => c.Value))
            {
                Console.WriteLine($"  {commitsWith,3}  {cause}");
            }
        }

        // The full runs behind each later map's durations are full runs at a replayed commit: every failure there must be selected.
        var leftOut = 0;
        var failuresSeen = 0;
        foreach (var (index, at) in snapshots)
        {
            foreach (var (project, failed) in at.Failed!)
            {
                var ran = runs[commits[index]].GetValueOrDefault(project, new HashSet<string>(StringComparer.Ordinal));
                var left = failed.Where(f => ran is not null && !ran.Contains(f)).ToList();
                failuresSeen += failed.Count;
                leftOut += left.Count;
                Console.WriteLine($"Full run at {ImpactBenchSupport.Short(at.Commit)}: {Name(project)} {failed.Count} failed; " +
                    $"{(ran is null ? "the selection ran it whole" : $"the selection ran {ran.Count}")}; left out: {(left.Count == 0 ? "none" : string.Join(", ", left))}");
            }
        }

        var checkedAt = CheckFailures(args, root, commits, runs);
        Console.WriteLine($"Failures checked against the selection at {checkedAt} of {commits.Count} commits by --run-at");
        List<BenchRow> rows =
        [
            BenchRow.Info($"impact-replay: project-level share of the full suite's test time (median, {commits.Count} commits)", 100 * ImpactBenchSupport.Median(projectShares), "%"),
            BenchRow.Info("impact-replay: one map at B: impact share of the full suite's test time (median)", 100 * ImpactBenchSupport.Median(oneShares), "%"),
            BenchRow.Info("impact-replay: fresh map: impact share of the full suite's test time (median)", 100 * ImpactBenchSupport.Median(freshShares), "%"),
            new BenchRow($"impact-replay: one map at B: impact time / project-level time (median of {oneRatios.Count})", 100 * ImpactBenchSupport.Median(oneRatios), 100.0 / 3, "%",
                $"mean {ImpactBenchSupport.Percent(oneRatios.Count == 0 ? double.NaN : oneRatios.Average())}; goal at most a third"),
            new BenchRow($"impact-replay: fresh map: impact time / project-level time (median of {freshRatios.Count})", 100 * ImpactBenchSupport.Median(freshRatios), 100.0 / 3, "%",
                $"mean {ImpactBenchSupport.Percent(freshRatios.Count == 0 ? double.NaN : freshRatios.Average())}; goal at most a third"),
        ];
        if (every > 0)
        {
            rows.Add(BenchRow.Info($"impact-replay: a real map every {every} commits: impact share of the full suite's test time (median)", 100 * ImpactBenchSupport.Median(everyShares), "%"));
            rows.Add(new BenchRow($"impact-replay: a real map every {every} commits: impact time / project-level time (median of {everyRatios.Count})", 100 * ImpactBenchSupport.Median(everyRatios), 100.0 / 3, "%",
                $"mean {ImpactBenchSupport.Percent(everyRatios.Count == 0 ? double.NaN : everyRatios.Average())}; goal at most a third"));
            rows.Add(BenchRow.Info($"impact-replay: a real map every {every} commits: the same on the full runs' clock (median of {everyClockRatios.Count})", 100 * ImpactBenchSupport.Median(everyClockRatios), "%",
                $"mean {ImpactBenchSupport.Percent(everyClockRatios.Count == 0 ? double.NaN : everyClockRatios.Average())}; a fixture tests wait for side by side counted once"));
            rows.Add(BenchRow.Info($"impact-replay: a real map every {every} commits: impact time / project-level time, summed over the {commits.Count} commits", 100 * everyImpact / everyLevel, "%"));
            rows.Add(BenchRow.Info($"impact-replay: a real map every {every} commits: impact time / full suite's time, summed over the {commits.Count} commits", 100 * everyImpact / everyFull, "%"));
            rows.Add(BenchRow.Info("impact-replay: per push (approx.): impact share of the full suite's test time (median)", 100 * ImpactBenchSupport.Median(pushShares), "%"));
            rows.Add(new BenchRow($"impact-replay: per push (approx.): impact time / project-level time (median of {pushRatios.Count})", 100 * ImpactBenchSupport.Median(pushRatios), 100.0 / 3, "%",
                $"mean {ImpactBenchSupport.Percent(pushRatios.Count == 0 ? double.NaN : pushRatios.Average())}; goal at most a third"));
            rows.Add(BenchRow.Info($"impact-replay: per push (approx.): impact time / project-level time, summed over the {commits.Count} commits", 100 * pushImpact / everyLevel, "%"));
            if (realPushRatios.Count > 0)
            {
                rows.Add(BenchRow.Info($"impact-replay: per push, a real map at the parent ({realPushRatios.Count} of {commits.Count} commits): impact / project-level time (median)",
                    100 * ImpactBenchSupport.Median(realPushRatios), "%", $"mean {ImpactBenchSupport.Percent(realPushRatios.Count == 0 ? double.NaN : realPushRatios.Average())}"));
                rows.Add(new BenchRow($"impact-replay: per push, a real map at the parent: the same on the full runs' clock (median of {realPushClockRatios.Count})",
                    100 * ImpactBenchSupport.Median(realPushClockRatios), 100.0 / 3, "%",
                    $"mean {ImpactBenchSupport.Percent(realPushClockRatios.Count == 0 ? double.NaN : realPushClockRatios.Average())}; a fixture tests wait for side by side counted once; goal at most a third"));
                rows.Add(BenchRow.Info($"impact-replay: per push, a real map at the parent: impact share of the full suite's clock (median of {realPushClockShares.Count})",
                    100 * ImpactBenchSupport.Median(realPushClockShares), "%", $"mean {ImpactBenchSupport.Percent(realPushClockShares.Count == 0 ? double.NaN : realPushClockShares.Average())}"));
                rows.Add(BenchRow.Info($"impact-replay: per push, a real map at the parent: of that, the tests waiting for the release build (median of {releaseFloorRatios.Count})",
                    100 * ImpactBenchSupport.Median(releaseFloorRatios), "%",
                    $"mean {ImpactBenchSupport.Percent(releaseFloorRatios.Count == 0 ? double.NaN : releaseFloorRatios.Average())}; they ran {ReleaseFixture}"));
                rows.Add(BenchRow.Info($"impact-replay: per push (approx.), the same {approxPushRatios.Count} commits: impact / project-level time (median)",
                    100 * ImpactBenchSupport.Median(approxPushRatios), "%", $"mean {ImpactBenchSupport.Percent(approxPushRatios.Count == 0 ? double.NaN : approxPushRatios.Average())}"));
                if (realPushTook.Count > 0)
                {
                    rows.Add(BenchRow.Info($"impact-replay: record-impact --update per push, wall time (median of {realPushTook.Count}, build included)", ImpactBenchSupport.Median(realPushTook), "s",
                        $"mean {realPushTook.Average():0} s; {gapTook.Count} more updates brought the map over the pushes between, mean {(gapTook.Count == 0 ? 0 : gapTook.Average()):0} s"));
                }
            }

            foreach (var (commit, level, impact, clock) in timed)
            {
                rows.Add(BenchRow.Info($"impact-replay: at {ImpactBenchSupport.Short(commit)}, run for real: real per-push selection / project level, wall time", 100 * impact / level, "%",
                    $"{impact:0} s against {level:0} s; the clock model said {ImpactBenchSupport.Percent(clock)}"));
            }

            rows.Add(new BenchRow($"impact-replay: failures of full runs at {snapshots.Count} replayed commits left out by the selection", leftOut, 0, string.Empty,
                $"{failuresSeen} failures in those runs"));
        }

        return rows;
    }

    /// <summary>Why the map could not narrow a file, without the file's own paths: "read at run time, and named in …, which is not code…".</summary>
    private static string Cause(string whyWhole)
    {
        const string Marker = ": the impact map cannot narrow it: ";
        var why = whyWhole[(whyWhole.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Split("; project level:")[0];
        return string.Join(' ', why.Split(' ').Select(word => word.Contains('/', StringComparison.Ordinal) ? "…" : word));
    }

    /// <summary>A map and the per-test durations of a plain full run at the same commit (and that run's failures).</summary>
    private sealed record Snapshot(string Commit, ImpactMap Map, Dictionary<string, Dictionary<string, double>> Durations, Dictionary<string, IReadOnlyList<string>>? Failed)
    {
        public Dictionary<string, double> ProjectTime { get; } = Durations.ToDictionary(d => d.Key, d => d.Value.Values.Sum(), StringComparer.Ordinal);

        public double FullTime => ProjectTime.Values.Sum();

        public double ProjectLevelSeconds(SelectionResult level) =>
            level.RunAll ? FullTime : level.Projects.Sum(p => ProjectTime.GetValueOrDefault(p));

        /// <summary>Each project's full run as a timeline (from its kept TRX), when every project has one.</summary>
        public Dictionary<string, TrxTimeline>? Timelines { get; init; }

        /// <summary>
        /// The clock the full runs' tests held that <paramref name="ran"/> names (null: whole), summed over projects; NaN
        /// without timelines. A selection holding any test that waits for the release build also holds the span of the
        /// test that paid for it in the full run (the first to start), as it would pay for it alone.
        /// </summary>
        public double Clock(Dictionary<string, HashSet<string>?> ran, ImpactMap map)
        {
            if (Timelines is null)
            {
                return double.NaN;
            }

            var selectedWaiters = ReleaseWaiters(map, ran);
            var clock = 0.0;
            foreach (var (project, tests) in ran.Where(r => Durations.ContainsKey(r.Key)))
            {
                var timeline = Timelines[project];
                var spans = (tests ?? timeline.Tests).SelectMany(timeline.Spans);
                if (selectedWaiters.GetValueOrDefault(project) is { Count: > 0 } && AllReleaseWaiters(map, project).MinBy(timeline.FirstStart) is { } payer)
                {
                    spans = spans.Concat(timeline.Spans(payer));
                }

                clock += TrxTimeline.Union(spans);
            }

            return clock;
        }

        public double ProjectLevelClock(SelectionResult level) => level.RunAll ? FullClock : Clock(Whole(level.Projects), Map);

        /// <summary>The clock of the full runs of every project.</summary>
        public double FullClock => Clock(Whole(Durations.Keys), Map);
    }

    /// <summary>
    /// This repository's one release build (<c>build/release.sh</c>), which the packaging tests share: any change to code the
    /// release is built from runs them, so the clock they hold is a floor under any sound selection of such a change.
    /// </summary>
    private const string ReleaseFixture = "tests/Pipelines.Cli.Tests/Packaging/ReleaseBuild.cs";

    /// <summary>The tests of <paramref name="ran"/> (null: the whole project) that ran <see cref="ReleaseFixture"/> when <paramref name="map"/> was recorded.</summary>
    private static Dictionary<string, HashSet<string>?> ReleaseWaiters(ImpactMap map, Dictionary<string, HashSet<string>?> ran)
    {
        var fixture = map.Files.Select((f, i) => (f.Path, i)).Where(f => f.Path == ReleaseFixture).Select(f => f.i).DefaultIfEmpty(-1).First();
        var waiters = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
        foreach (var project in map.Projects.Where(p => ran.ContainsKey(p.Path)))
        {
            waiters[project.Path] = project.Tests.Where(t => t.Files.Contains(fixture) && (ran[project.Path]?.Contains(t.Name) ?? true)).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        }

        return waiters;
    }

    /// <summary>Every test of <paramref name="project"/> that ran <see cref="ReleaseFixture"/> when <paramref name="map"/> was recorded.</summary>
    private static HashSet<string> AllReleaseWaiters(ImpactMap map, string project) => ReleaseWaiters(map, Whole([project]))[project]!;

    /// <summary>Each of <paramref name="projects"/> run whole, as a selection's <c>ran</c> says it.</summary>
    private static Dictionary<string, HashSet<string>?> Whole(IEnumerable<string> projects) =>
        projects.ToDictionary(p => p, HashSet<string>? (_) => null, StringComparer.Ordinal);

    /// <summary>
    /// What summed durations miss when a selection holds tests that wait for the release build but not the one that
    /// paid for it in the full run: alone, the first of them waits for the whole build, so they take at least as long as
    /// the longest waiter did.
    /// </summary>
    private static double FixtureSeconds(Snapshot snapshot, ImpactMap map, Dictionary<string, HashSet<string>?> ran)
    {
        var extra = 0.0;
        foreach (var (project, selected) in ReleaseWaiters(map, ran))
        {
            var times = snapshot.Durations.GetValueOrDefault(project);
            if (ran[project] is null || selected is not { Count: > 0 } || times is null)
            {
                continue;
            }

            var longest = AllReleaseWaiters(map, project).Max(t => times.GetValueOrDefault(t));
            extra += Math.Max(0, longest - selected.Max(t => times.GetValueOrDefault(t)));
        }

        return extra;
    }

    /// <summary>The timelines of the full runs <see cref="ImpactBenchSupport.Durations"/> kept for a clone; null when one is missing.</summary>
    private static Dictionary<string, TrxTimeline>? Timelines(string cloneName, IEnumerable<string> projects)
    {
        var timelines = new Dictionary<string, TrxTimeline>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            var trx = ImpactBenchSupport.TrxPath(cloneName, project);
            if (!File.Exists(trx))
            {
                Console.WriteLine($"No timeline for {Name(project)} at {cloneName} ({trx} is gone): its clock figures are left out");
                return null;
            }

            timelines[project] = TrxTimeline.Read(trx);
        }

        return timelines;
    }

    /// <summary>Records a map of every test project at <paramref name="commit"/> and runs each once in full for its durations.</summary>
    private static Snapshot RecordAt(string[] args, string root, GitRepository repository, string commit)
    {
        List<string> projects;
        using (var tree = repository.ReadTree(commit))
        {
            projects = TestProjects(ProjectGraphReader.Read(tree));
        }

        var name = ImpactBenchSupport.Short(commit);
        var folder = Path.Combine(Path.GetTempPath(), "pipelines-bench-impact");
        var mapPath = Path.Combine(folder, $"replay-map-{name}.json");
        var durationsPath = Path.Combine(folder, $"replay-snapshot-{name}.json");
        if (args.Contains("--reuse-maps") && File.Exists(mapPath) && File.Exists(durationsPath))
        {
            var saved = System.Text.Json.JsonSerializer.Deserialize<SavedRun>(File.ReadAllText(durationsPath))!;
            Console.WriteLine($"Map and durations at {name}: reused ({mapPath})");
            return new Snapshot(commit, ImpactMapFile.Read(mapPath, mapPath), saved.Durations, saved.Failed.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value, StringComparer.Ordinal))
            {
                Timelines = Timelines("replay-map-" + name, saved.Durations.Keys),
            };
        }

        var clone = ImpactBenchSupport.CloneAt(root, commit, "replay-map-" + name);
        var (map, took) = ImpactBenchSupport.Record(clone, projects, mapPath);
        Console.WriteLine($"Recorded {projects.Count} test projects at {name} in {took.TotalSeconds:0} s → {mapPath}");
        var durations = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        var failed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            var (seconds, failures, wall) = ImpactBenchSupport.Durations(clone, project, build: true);
            durations[project] = seconds;
            failed[project] = [.. failures];
            Console.WriteLine($"Durations at {name}: {project}: {seconds.Count} tests, {seconds.Values.Sum():0.0} s of test time ({wall.TotalSeconds:0} s wall), {failures.Count} failed");
        }

        File.WriteAllText(durationsPath, System.Text.Json.JsonSerializer.Serialize(new SavedRun(durations, failed)));
        Directory.Delete(clone, recursive: true); // a clone with its builds is half a gigabyte
        return new Snapshot(commit, map, durations, failed.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value, StringComparer.Ordinal))
        {
            Timelines = Timelines(Path.GetFileName(clone), projects),
        };
    }

    /// <summary>record-impact --update in a clone checked out at <paramref name="commit"/>, from the parent's map: the push's own map.</summary>
    private static string PushMapPath(string commit) => Path.Combine(Path.GetTempPath(), "pipelines-bench-impact", $"push-map-{ImpactBenchSupport.Short(commit)}.json");

    /// <summary>Where <see cref="RecordAt"/> keeps the full map of a later commit; B's is <paramref name="baseMap"/>.</summary>
    private static string SnapshotMapPath(string? commit, string baseMap) =>
        commit is null ? baseMap : Path.Combine(Path.GetTempPath(), "pipelines-bench-impact", $"replay-map-{ImpactBenchSupport.Short(commit)}.json");

    private static (ImpactMap Map, string Path, string Clone) UpdateAt(
        string[] args, string root, GitRepository repository, string commit, string previous, string? clone, int chain, List<double> took)
    {
        var name = ImpactBenchSupport.Short(commit);
        var mapPath = PushMapPath(commit);
        if (args.Contains("--reuse-maps") && File.Exists(mapPath))
        {
            Console.WriteLine($"Per-push map at {name}: reused ({mapPath})");
            return (ImpactMapFile.Read(mapPath, mapPath), mapPath, clone ?? string.Empty);
        }

        var folder = chain == 0 ? "push-clone" : $"push-clone-{chain}"; // chains may run side by side
        var kept = Path.Combine(Path.GetTempPath(), "pipelines-bench-impact", folder);
        if (string.IsNullOrEmpty(clone) && !Directory.Exists(Path.Combine(kept, ".git")))
        {
            clone = ImpactBenchSupport.CloneAt(root, commit, folder);
        }
        else
        {
            // The same clone from commit to commit, as a CI runner's workspace: its builds stay incremental.
            clone = kept;
            ImpactBenchSupport.Git(clone, "checkout", "--quiet", "--force", "--detach", commit);
        }

        List<string> projects;
        using (var tree = repository.ReadTree(commit))
        {
            projects = TestProjects(ProjectGraphReader.Read(tree));
        }

        var from = ImpactMapFile.Read(previous, previous);
        var (map, spent, exit, log) = ImpactBenchSupport.TryRecord(clone, projects, mapPath, "--update", previous);
        if (map is null)
        {
            // A push whose tests do not build (a merge that broke a project) leaves main's newest map as it was: the
            // next push updates from it, over both pushes' changes.
            var first = log.Split('\n').FirstOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) ?? log.Split('\n')[0];
            Console.WriteLine($"Per-push map at {name}: record-impact --update failed (exit {exit}: {first[..Math.Min(200, first.Length)]}); the next push updates from {ImpactBenchSupport.Short(from.Commit)}");
            return (from, previous, clone);
        }

        took.Add(spent.TotalSeconds);
        Console.WriteLine($"Per-push map at {name}: record-impact --update from {ImpactBenchSupport.Short(from.Commit)} in {spent.TotalSeconds:0} s → {mapPath}");
        return (map, mapPath, clone);
    }

    private sealed record SavedRun(Dictionary<string, Dictionary<string, double>> Durations, Dictionary<string, List<string>> Failed);

    /// <summary>
    /// The map's coverage with the files and hashes of <paramref name="commit"/>: what a map recorded there would hold if
    /// every test ran the same files as at the map's commit. Files the map did not know are not code to it.
    /// </summary>
    private static ImpactMap Rebased(ImpactMap map, GitRepository repository, string commit)
    {
        using var tree = repository.ReadTree(commit);
        var code = map.Files.Where(f => f.Code).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var files = tree.ObjectIds.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new ImpactFile(f.Key, f.Value, code.Contains(f.Key))).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            index[files[i].Path] = i;
        }

        var projects = map.Projects.Select(p => new ImpactProject(p.Path, [.. p.Tests.Select(t => t with
        {
            Files = [.. t.Files.Select(f => map.Files[f].Path).Where(index.ContainsKey).Select(path => index[path]).Order()],
        })])).ToList();
        return new ImpactMap(commit, map.RecordedAt, files, projects);
    }

    /// <summary>
    /// Runs <c>--run-projects</c> in full at the last <c>--run-at</c> commits and checks that every test failing there
    /// was in the impact selection (or its project ran whole). Returns how many commits were checked.
    /// </summary>
    private static int CheckFailures(string[] args, string root, List<string> commits, Dictionary<string, Dictionary<string, HashSet<string>?>> runs)
    {
        var count = Argument(args, "--run-at", 0);
        var projects = Option(args, "--run-projects")?.Split(',') ?? [ImpactBenchSupport.CoreTests];
        if (count == 0)
        {
            Console.WriteLine("Failures at each C: not run (--run-at N runs --run-projects in full at the last N commits)");
            return 0;
        }

        var checkedCommits = 0;
        foreach (var commit in commits.TakeLast(count))
        {
            var clone = ImpactBenchSupport.CloneAt(root, commit, "replay-at");
            foreach (var project in projects)
            {
                if (!File.Exists(Path.Combine(clone, project)))
                {
                    continue;
                }

                var (seconds, failed, wall) = ImpactBenchSupport.Durations(clone, project, build: true);
                var ran = runs[commit].GetValueOrDefault(project, new HashSet<string>(StringComparer.Ordinal));
                var left = failed.Where(f => ran is not null && !ran.Contains(f)).ToList();
                Console.WriteLine($"Full run at {ImpactBenchSupport.Short(commit)}: {Name(project)} {seconds.Count} tests, {failed.Count} failed, " +
                    $"{(ran is null ? "the selection ran it whole" : $"the selection ran {ran.Count}")}; failing tests left out: {(left.Count == 0 ? "none" : string.Join(", ", left))} ({wall.TotalSeconds:0} s)");
            }

            checkedCommits++;
        }

        return checkedCommits;
    }

    /// <summary>
    /// Runs, in a clone at <paramref name="commit"/> built once, the project-level selection (each project whole) and the
    /// impact selection (each project's tests as one filter), one project at a time, and returns both wall times. The
    /// impact selection runs first, so warm caches favour the project level.
    /// </summary>
    private static (double Level, double Impact) TimeSelections(string root, string commit, IReadOnlyList<string> levelProjects, Dictionary<string, HashSet<string>?> ran)
    {
        var clone = ImpactBenchSupport.CloneAt(root, commit, "replay-time");
        foreach (var project in levelProjects.Union(ran.Keys, StringComparer.Ordinal))
        {
            Programs.RunOrThrow("dotnet", ["build", Path.Combine(clone, project), "-v", "q", "--nologo"]);
        }

        double Run(string project, string? filter)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var run = Programs.Run("dotnet", ["test", Path.Combine(clone, project), "--no-build", "-v", "q", "--nologo", .. filter is null ? Array.Empty<string>() : ["--filter", filter]]);
            var took = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"Timed at {ImpactBenchSupport.Short(commit)}: {Name(project)} {(filter is null ? "whole" : "filtered")} in {took:0.0} s (exit {run.ExitCode})");
            // A red timed run says which tests failed: a failure the filtered run left out is a miss to look into.
            foreach (var failed in run.StandardOutput.Split('\n').Where(l => l.TrimStart().StartsWith("Failed ", StringComparison.Ordinal)))
            {
                Console.WriteLine($"  {failed.Trim()}");
            }

            return took;
        }

        var impact = 0.0;
        foreach (var (project, tests) in ran)
        {
            if (tests is { Count: 0 })
            {
                continue;
            }

            impact += Run(project, tests is null ? null : string.Join('|', tests.Order(StringComparer.Ordinal).Select(t => "FullyQualifiedName=" + t)));
        }

        var level = levelProjects.Sum(p => Run(p, null));
        Directory.Delete(clone, recursive: true);
        return (level, impact);
    }

    /// <summary>This repository's own test projects (not the sample shop's), ordered.</summary>
    private static List<string> TestProjects(ProjectGraph graph) =>
        [.. graph.Projects.Where(p => p.IsTestProject && p.Path.StartsWith("tests/Pipelines.", StringComparison.Ordinal)).Select(p => p.Path).Order(StringComparer.Ordinal)];

    /// <summary>The last <paramref name="count"/> first-parent commits whose change touches C# sources or projects under src/ or tests/, oldest first.</summary>
    private static List<string> CodeChangingCommits(string root, string until, int count)
    {
        var picked = new List<string>();
        foreach (var commit in ImpactBenchSupport.Git(root, "rev-list", "--first-parent", until).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parent = ImpactBenchSupport.Git(root, "rev-list", "--parents", "-n", "1", commit).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parent.Length < 2)
            {
                break; // the root commit has no change of its own to replay
            }

            var files = ImpactBenchSupport.Git(root, "diff", "--name-only", parent[1].Trim(), commit).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (files.Any(f => (f.StartsWith("src/", StringComparison.Ordinal) || f.StartsWith("tests/", StringComparison.Ordinal))
                && (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))))
            {
                picked.Add(commit);
                if (picked.Count == count)
                {
                    break;
                }
            }
        }

        picked.Reverse();
        return picked;
    }

    private static string Name(string project) => Path.GetFileNameWithoutExtension(project).Replace("Pipelines.", "", StringComparison.Ordinal);

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Argument(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

using Pipelines.Bench;

// Usage: dotnet run -c Release --project bench/Pipelines.Bench [-- select|plan|run|gate|revert|canary|release|appconfig|action|startup|impact-record|loop] [--projects 500 --files 2000]
// Runs every benchmark by default and prints each figure beside its target. The impact map's measurements run only
// when named (half an hour to an hour each on two cores; README, "Test impact map: measured"):
//   impact-mutants [--head REV --commits 50 --lines 80 --offsets 0,9 --map F --durations TRX --stryker-report A,B --stryker-root DIR]
//   impact-replay [--until REV --commits 50 --map F --clone DIR --map-every K --reuse-maps --run-at N --run-projects P,Q --explain]
var only = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _));
var rows = new List<BenchRow>();
if (only is null or "select")
{
    rows.AddRange(SelectTestsBench.Run(args));
}

if (only is null or "plan")
{
    rows.AddRange(PlanningBench.Run());
}

if (only is null or "run")
{
    rows.AddRange(RunTestsBench.Run());
}

if (only is null or "gate")
{
    rows.AddRange(JudgeBench.Run());
}

if (only is null or "revert")
{
    rows.AddRange(RevertBench.Run());
}

if (only is null or "canary")
{
    rows.AddRange(CanaryBench.Run());
}

if (only is null or "release")
{
    rows.AddRange(ReleaseBench.Run());
}

if (only is null or "appconfig")
{
    rows.AddRange(AppConfigurationBench.Run());
}

if (only is null or "action" or "startup")
{
    // "startup" alone: the binaries' size and cold start (the shipped one, the Octokit trial, Native AOT) without
    // the three publishes from source. About fifteen minutes on two cores: two release builds, two Native AOT.
    rows.AddRange(StartupBench.Run());
}

if (only is null or "action")
{
    rows.AddRange(ActionStartupBench.Run()); // about four minutes: a release build and three publishes from source
}

if (only is null or "impact-record")
{
    rows.AddRange(ImpactRecordBench.Run()); // about two minutes: a clone, a build, six test runs and four coverlet runs
}

if (only is null or "loop")
{
    rows.AddRange(LocalLoopBench.Run()); // about six minutes: the whole local loop with 1-minute bakes
}

if (only is "impact-mutants")
{
    rows.AddRange(Pipelines.Bench.Impact.ImpactMutantsBench.Run(args));
}

if (only is "impact-replay")
{
    rows.AddRange(Pipelines.Bench.Impact.ImpactReplayBench.Run(args));
}

BenchRow.Print(rows);
return rows.All(r => r.Meets) ? 0 : 1;

using System.Globalization;
using System.Runtime.InteropServices;
using Pipelines.Bench;
using Pipelines.Cli;
using Pipelines.Cli.Hosting;
using Pipelines.Testing;

// Usage: dotnet run -c Release --project bench/Pipelines.Bench [-- --projects 500 --files 2000]
var projects = Argument(args, "--projects", 500);
var files = Argument(args, "--files", 2000);
var results = new List<(string Name, TimeSpan Measured, TimeSpan Target, string Note)>();

Console.WriteLine($"Generating a {projects}-project repository with a {files}-file change...");
using var large = GeneratedRepository.Create(projects, files);
string[] selectArgs = ["select-tests", "--repo", large.Path, "--base", "HEAD~1", "--json"];

// In-process: the work itself, once cold (first JIT of every path) and warm.
var cold = Measure.Once(() => RunInProcess(selectArgs));
using (var selection = System.Text.Json.JsonDocument.Parse(RunInProcess(selectArgs)))
{
    var root = selection.RootElement;
    Console.WriteLine($"Selected: {root.GetProperty("projects").GetArrayLength()} test projects, {root.GetProperty("tags").GetArrayLength()} tags, " +
        $"{root.GetProperty("untagged").GetArrayLength()} untagged of {root.GetProperty("changedFiles").GetInt32()} changed files, run-all {root.GetProperty("runAll").GetBoolean()}");
}

var warm = Measure.Median(5, () => RunInProcess(selectArgs));
results.Add(($"select-tests in-process, {projects} projects, {files} files (warm)", warm, TimeSpan.FromSeconds(1), $"cold {Seconds(cold)}"));

// Out of process, as CI runs it: the ReadyToRun binary against the framework-dependent JIT build.
var rid = RuntimeInformation.RuntimeIdentifier;
using var publish = new TempDirectory("pipelines-bench-publish");
var cliProject = SourceTree.PathOf("src/Pipelines.Cli/Pipelines.Cli.csproj");
Console.WriteLine($"Publishing the CLI for {rid}: ReadyToRun self-contained, and framework-dependent JIT...");
var r2rDir = Path.Combine(publish.Path, "r2r");
var jitDir = Path.Combine(publish.Path, "jit");
Measure.Run("dotnet", ["publish", cliProject, "-c", "Release", "-r", rid, "--self-contained", "true", "-p:PublishReadyToRun=true", "-o", r2rDir, "--nologo", "-v", "q"]);
Measure.Run("dotnet", ["publish", cliProject, "-c", "Release", "-o", jitDir, "--nologo", "-v", "q"]);
var r2r = Path.Combine(r2rDir, OperatingSystem.IsWindows() ? "pipelines.exe" : "pipelines");
var jitDll = Path.Combine(jitDir, "pipelines.dll");

using var tiny = new TemporaryRepository();
tiny.Write("src/App/App.cs", "class App {}").Commit("initial");
tiny.Write("src/App/App.cs", "class App { }").Commit("change");
string[] tinyArgs = ["select-tests", "--repo", tiny.Path, "--base", "HEAD~1"];
Measure.Run(r2r, tinyArgs); // first run pays for the page cache, not for us
var startR2r = Measure.Median(11, () => Measure.Run(r2r, tinyArgs));
var startJit = Measure.Median(11, () => Measure.Run("dotnet", [jitDll, .. tinyArgs]));
results.Add(("start-up: select-tests on a 1-file change, ReadyToRun", startR2r, TimeSpan.FromMilliseconds(150), $"JIT build {Millis(startJit)}, R2R/JIT {Ratio(startR2r, startJit)}"));

var processLarge = Measure.Median(3, () => Measure.Run(r2r, selectArgs));
results.Add(($"select-tests process, {projects} projects, {files} files, after start-up", processLarge - startR2r, TimeSpan.FromSeconds(1), $"wall {Seconds(processLarge)}"));

Console.WriteLine();
Console.WriteLine($"{"benchmark",-72} {"measured",10} {"target",10} {"ratio",7}  note");
foreach (var (name, measured, target, note) in results)
{
    var ratio = measured / target;
    Console.WriteLine($"{name,-72} {Format(measured),10} {Format(target),10} {ratio.ToString("0.00", CultureInfo.InvariantCulture),7}  {(ratio <= 1 ? "meets target" : "MISSES target")}; {note}");
}

return results.All(r => r.Measured <= r.Target) ? 0 : 1;

static string RunInProcess(string[] arguments)
{
    using var stdout = new StringWriter();
    using var stderr = new StringWriter();
    var context = new CliContext(new Dictionary<string, string?>(), Environment.CurrentDirectory, stdout, stderr);
    var exit = PipelinesCli.Run(arguments, context);
    if (exit is not (0 or 1))
    {
        throw new InvalidOperationException($"select-tests exited {exit}: {stderr}");
    }

    return stdout.ToString();
}

static int Argument(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static string Format(TimeSpan time) => time.TotalSeconds >= 1 ? Seconds(time) : Millis(time);

static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

static string Millis(TimeSpan time) => time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

static string Ratio(TimeSpan a, TimeSpan b) => (a / b).ToString("0.00", CultureInfo.InvariantCulture);

using System.Diagnostics;
using Pipelines.Testing;

namespace Pipelines.Fuzz.Tests;

/// <summary>
/// A smaller set of mutated inputs through the real <c>pipelines</c> program, started as a process the way a workflow
/// step starts it, with the runtime settings it ships with: the exit code, that it never aborts or hangs, and that
/// every message is words, printed once, naming the file — not a .NET resource key.
/// </summary>
[TestClass]
public sealed class CliProcessFuzzTests
{
    private const int PerTarget = 10;

    [TestMethod]
    public void Result_files_through_the_program() =>
        ResultFileFuzzTests.AssertClean(Process("process-results", SeedFormat.Xml, [.. Seeds.Trx.Take(1), .. Seeds.JUnit.Take(2), .. Seeds.NUnit], Runs.Parsed, "results.xml", (bytes, work) =>
        {
            Runs.Write(work, Path.Combine("history", "results.xml"), bytes);
            return ["plan-tests", "--repo", "no-repo", "--seed", "1", "--history", "history", "--out", "plan.json"];
        }));

    [TestMethod]
    public void Timing_files_through_the_program() =>
        ResultFileFuzzTests.AssertClean(Process("process-timings", SeedFormat.Json, Seeds.Timings, Runs.Parsed, "timings.json", (bytes, work) =>
        {
            Runs.Write(work, "timings.json", bytes);
            return ["plan-tests", "--repo", "no-repo", "--seed", "1", "--timings", "timings.json", "--out", "plan.json"];
        }));

    [TestMethod]
    public void Policy_files_through_the_program() =>
        ResultFileFuzzTests.AssertClean(Process("process-policy", SeedFormat.Yaml, Seeds.Policy, Runs.Parsed, "policy.yml", (bytes, work) =>
        {
            Runs.Write(work, "policy.yml", bytes);
            return ["plan-tests", "--repo", "no-repo", "--config", "policy.yml", "--seed", "1", "--tests", "tests.txt", "--out", "plan.json"];
        }, work => Runs.Write(work, "tests.txt", Runs.Utf8("Shop.Tests.CartTests.Adds\n"))));

    [TestMethod]
    public void Gate_files_through_the_program() =>
        ResultFileFuzzTests.AssertClean(Process("process-gate", SeedFormat.Yaml, Seeds.Gates.Take(1).ToList(), Runs.Judged, "gate.yml", (bytes, work) =>
        {
            Runs.Write(work, "gate.yml", bytes);
            return ["metrics-gate", "--gate", "gate.yml", "--data", "data.json"];
        }, work => Runs.Write(work, "data.json", Runs.Utf8(Seeds.GateData))));

    [TestMethod]
    public void Gate_data_through_the_program() =>
        ResultFileFuzzTests.AssertClean(Process("process-gate-data", SeedFormat.Json, Seeds.GateDataFiles, Runs.Judged, "data.json", (bytes, work) =>
        {
            Runs.Write(work, "data.json", bytes);
            return ["metrics-gate", "--gate", "gate.yml", "--data", "data.json"];
        }, work => Runs.Write(work, "gate.yml", Seeds.Gates[0])));

    /// <summary>The release build printed <c>Xml_MessageWithErrorPosition, Xml_TagMismatchEx, 1, 63</c> (UseSystemResourceKeys).</summary>
    [TestMethod]
    public void A_malformed_result_file_is_reported_in_words_not_resource_keys()
    {
        using var work = new TempDirectory();
        Runs.Write(work, Path.Combine("history", "bad.xml"), Runs.Utf8("<testsuites><testsuite name=\"a\"><testcase name=\"x\" time=\"1\"></testsuites>"));

        var run = Start(["plan-tests", "--repo", "no-repo", "--seed", "1", "--history", "history", "--out", "plan.json"], work.Path, []);

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        Assert.AreEqual(
            $"error: {Path.Combine("history", "bad.xml")}(1,63): not a readable test result file: The 'testcase' start tag on line 1 position 34 does not match the end tag of 'testsuites'.\n",
            run.StandardError);
    }

    /// <summary>The release build printed <c>ExpectedSeparatorAfterPropertyNameNotFound, p</c>.</summary>
    [TestMethod]
    public void Malformed_gate_data_is_reported_in_words_not_resource_keys()
    {
        using var work = new TempDirectory();
        Runs.Write(work, "gate.yml", Seeds.Gates[0]);
        Runs.Write(work, "data.json", Runs.Utf8("{\"metrics\" {}}"));

        var run = Start(["metrics-gate", "--gate", "gate.yml", "--data", "data.json"], work.Path, []);

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        Assert.AreEqual("error: data.json(1,12): the gate data file is not valid JSON: '{' is invalid after a property name. Expected a ':'.\n", run.StandardError);
    }

    /// <summary>Runs <see cref="PerTarget"/> mutated inputs (after the seeds) through the program, alternating hosts.</summary>
    private static FuzzReport Process(
        string name, SeedFormat format, IReadOnlyList<byte[]> seeds, IReadOnlySet<int> allowed, string fileName,
        Func<byte[], TempDirectory, string[]> arguments, Action<TempDirectory>? setUp = null)
    {
        // Seeds first, then mutated inputs, with the fixed seed: the same inputs in every run.
        return FuzzCampaign.Run(name, format, seeds, seeds.Count + PerTarget, allowed, fileName, (bytes, host, work) =>
        {
            setUp?.Invoke(work);
            var environment = Runs.Environment(host, work).Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);
            return Start(arguments(bytes, work), work.Path, environment);
        });
    }

    /// <summary>Starts <c>dotnet pipelines.dll</c> in a clean environment; one that does not end within the hang limit is killed.</summary>
    private static TargetRun Start(string[] arguments, string workingDirectory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pipelines.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var variable in new[] { "PATH", "HOME", "TMPDIR", "DOTNET_ROOT", "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_NOLOGO" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { } value)
            {
                start.Environment[variable] = value;
            }
        }

        foreach (var (variable, value) in environment)
        {
            start.Environment[variable] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(FuzzCampaign.HangLimit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new TargetRun(-2, stdout.Result, "hang: killed after " + FuzzCampaign.HangLimit.TotalSeconds + " s\n" + stderr.Result);
        }

        process.WaitForExit();

        // An abort (a stack overflow, a crash of the runtime) ends the process with a signal: exit 134 or the like.
        return new TargetRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}

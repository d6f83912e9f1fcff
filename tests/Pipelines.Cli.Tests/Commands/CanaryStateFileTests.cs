using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// A malformed canary state file is bad input (exit 2, naming the file and the field) before anything is deployed or
/// rolled back — never a crash, and never a command run with half a rollout's values (issue #20).
/// </summary>
[TestClass]
public sealed class CanaryStateFileTests
{
    private const string Ramped = """
        {
          "version": "v2", "previous": "v1",
          "waves": [["h1"], ["h2"]], "rest": ["h3"],
          "hosts": { "h1": "Deployed", "h2": "Deployed", "h3": "Previous" },
          "phase": "Ramping", "wavesDone": 2,
          "timeline": [{ "time": "2026-01-01T00:00:00+00:00", "what": "rollout of v2 (from v1) to 3 hosts in 2 waves planned" }],
          "verdict": null
        }
        """;

    private static (CliRun Run, TempDirectory Dir) Canary(string state, params string[] args)
    {
        var dir = new TempDirectory("pipelines-state");
        dir.Write("record.sh", "#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$2\" >> commands.log\n");
        Programs.RunOrThrow("chmod", ["+x", Path.Combine(dir.Path, "record.sh")]);
        dir.Write("plain.yml", "canary:\n  bake: 0.1s\n");
        dir.Write("canary-state.json", state);
        var run = CliRunner.Run(dir.Path, ["canary", .. args, "--config", "plain.yml",
            "--deploy-command", "./record.sh {host} {version}", "--rollback-command", "./record.sh {host} {previous}"]);
        return (run, dir);
    }

    private static void AssertBadInputAndNothingRun((CliRun Run, TempDirectory Dir) canary, string field)
    {
        using var dir = canary.Dir;
        Assert.AreEqual(2, canary.Run.ExitCode, canary.Run.StandardError);
        StringAssert.Contains(canary.Run.StandardError, "--state: canary-state.json is not a usable rollout state file: " + field);
        Assert.IsFalse(File.Exists(Path.Combine(dir.Path, "commands.log")), "no deploy or rollback command ran");
        Assert.IsFalse(canary.Run.StandardError.Contains("internal error", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Promote_from_a_state_file_whose_version_is_null_deploys_nothing_and_names_the_field()
    {
        AssertBadInputAndNothingRun(Canary(Ramped.Replace("\"version\": \"v2\"", "\"version\": null", StringComparison.Ordinal), "promote"), "version: expected a string, got null");
    }

    [TestMethod]
    public void Rollback_from_a_state_file_with_a_wave_host_missing_from_hosts_rolls_back_nothing_and_names_it()
    {
        AssertBadInputAndNothingRun(Canary(Ramped.Replace("\"h2\": \"Deployed\", ", string.Empty, StringComparison.Ordinal), "rollback"), "waves[1][0]: 'h2' is not in hosts");
    }

    [TestMethod]
    public void A_run_over_a_state_file_with_an_unknown_phase_or_a_missing_field_names_it()
    {
        AssertBadInputAndNothingRun(Canary(Ramped.Replace("\"Ramping\"", "\"Baking\"", StringComparison.Ordinal), "run", "--hosts", "h1,h2,h3", "--version", "v2", "--previous", "v1"),
            "phase: expected one of");
        AssertBadInputAndNothingRun(Canary(Ramped.Replace("\"rest\": [\"h3\"],", string.Empty, StringComparison.Ordinal), "promote"), "rest: missing");
    }

    [TestMethod]
    public void A_slot_state_file_given_to_a_fleet_canary_is_refused_before_anything_runs()
    {
        const string slot = """
            { "version": "v2", "previous": "v1", "steps": [1, 5], "stepsDone": 2, "traffic": 5, "trafficIntent": null,
              "deployed": true, "swapIntent": false, "phase": "Ramping", "timeline": [], "verdict": null }
            """;
        var (run, dir) = Canary(slot, "promote");
        using (dir)
        {
            Assert.AreEqual(2, run.ExitCode, run.StandardError);
            StringAssert.Contains(run.StandardError, "--state: canary-state.json holds a slot rollout of v2, and this canary's target is a fleet");
            Assert.IsFalse(File.Exists(Path.Combine(dir.Path, "commands.log")));
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// <c>pipelines canary</c> with the fleet target end to end on local processes: eight live instances on 127.0.0.1
/// whose behaviour follows the version a real deploy script gives them, scraped by the in-process gate.
/// </summary>
[TestClass]
public sealed class CanaryCommandTests
{
    [TestMethod]
    public void A_good_build_ramps_through_the_waves_and_is_promoted_on_every_host()
    {
        using var fleet = new Fleet();

        var (exit, json, error) = fleet.Canary("run", "--version", "v2", "--previous", "v1");

        Assert.AreEqual(0, exit, error);
        Assert.AreEqual("promoted", json.GetProperty("result").GetString());
        Assert.IsTrue(fleet.Versions.All(v => v == "v2"), string.Join(",", fleet.Versions));
        var timeline = json.GetProperty("timeline").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.AreEqual(3, timeline.Count(t => t.Contains("judged pass", StringComparison.Ordinal)), string.Join("\n", timeline));
        var report = File.ReadAllText(Path.Combine(fleet.Work.Path, "canary-report.md"));
        StringAssert.Contains(report, "Canary: promoted");
        StringAssert.Contains(report, "### The last wave judged: canary against baseline");
        StringAssert.Contains(report, "| `server-errors` |");
        StringAssert.Contains(error, "of bake (min 1 s, max 3 s)", "progress while baking");
    }

    [TestMethod]
    public void A_bad_build_fails_the_gate_at_the_first_wave_and_every_host_is_back_on_the_previous_version()
    {
        using var fleet = new Fleet();

        var (exit, json, error) = fleet.Canary("run", "--version", "v2-bad", "--previous", "v1");

        Assert.AreEqual(1, exit, error);
        Assert.AreEqual("rolled-back", json.GetProperty("result").GetString());
        Assert.IsTrue(fleet.Versions.All(v => v == "v1"));
        var deploys = File.ReadAllLines(Path.Combine(fleet.Work.Path, "deploys.log"));
        Assert.AreEqual(2, deploys.Length, "one host got the bad build, then got the previous one back");
    }

    [TestMethod]
    public void A_bad_build_is_stopped_as_soon_as_the_evidence_is_in_not_at_the_end_of_a_long_bake()
    {
        using var fleet = new Fleet();

        var (exit, json, error) = fleet.Canary("run", "--version", "v2-bad", "--previous", "v1", "--bake", "60s");

        Assert.AreEqual(1, exit, error);
        var timeline = string.Join("\n", json.GetProperty("timeline").EnumerateArray().Select(e => e.GetString()));
        var stopped = System.Text.RegularExpressions.Regex.Match(timeline, @"(\d+) interval\(s\) looked at; decided fail");
        Assert.IsTrue(stopped.Success, timeline);
        Assert.IsLessThan(50, int.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), "of the 600 intervals a 60 s bake at 0.1 s has");
        Assert.IsTrue(fleet.Versions.All(v => v == "v1"));
    }

    [TestMethod]
    public void A_failing_self_test_rolls_back_before_the_gate()
    {
        using var fleet = new Fleet();

        var (exit, json, error) = fleet.Canary("run", "--version", "v2-broken", "--previous", "v1");

        Assert.AreEqual(1, exit, error);
        Assert.AreEqual("rolled-back", json.GetProperty("result").GetString());
        Assert.IsTrue(fleet.Versions.All(v => v == "v1"));
        StringAssert.Contains(string.Join("\n", json.GetProperty("timeline").EnumerateArray().Select(e => e.GetString())), "/selftest: status 500, expected 200");
    }

    [TestMethod]
    public void Ramp_then_promote_leaves_room_for_an_approval_between_them()
    {
        using var fleet = new Fleet();

        var ramp = fleet.Canary("ramp", "--version", "v2", "--previous", "v1");
        var onNewAfterRamp = fleet.Versions.Count(v => v == "v2");
        var promote = fleet.Canary("promote");

        Assert.AreEqual(0, ramp.Exit, ramp.Error);
        Assert.AreEqual("ramped", ramp.Json.GetProperty("result").GetString());
        Assert.AreEqual(7, onNewAfterRamp, "1 + 2 + 4 hosts; the last waits for promote");
        Assert.AreEqual(0, promote.Exit, promote.Error);
        Assert.AreEqual("promoted", promote.Json.GetProperty("result").GetString());
        Assert.IsTrue(fleet.Versions.All(v => v == "v2"));
    }

    [TestMethod]
    public void A_rollout_killed_mid_wave_is_undone_by_rollback_from_the_state_file()
    {
        using var fleet = new Fleet();
        // The third host's deploy hangs, as a stuck machine would; the runner is killed while waiting on it.
        fleet.Work.Write("slow-deploy.sh", "#!/bin/sh\nprintf '%s' \"$2\" > \"versions/$1\"\ncase \"$(ls versions | head -3 | tail -1)\" in \"$1\") sleep 60 ;; esac\n");
        Programs.RunOrThrow("chmod", ["+x", Path.Combine(fleet.Work.Path, "slow-deploy.sh")]);
        var cli = typeof(PipelinesCli).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = fleet.Work.Path, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { cli, "canary", "run", "--hosts", string.Join(',', Directory.GetFiles(Path.Combine(fleet.Work.Path, "versions")).Select(Path.GetFileName).Order(StringComparer.Ordinal)),
            "--version", "v2", "--previous", "v1", "--deploy-command", "./slow-deploy.sh {host} {version}" })
        {
            start.ArgumentList.Add(argument!);
        }

        using (var process = Process.Start(start)!)
        {
            var statePath = Path.Combine(fleet.Work.Path, "canary-state.json");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !(File.Exists(statePath) && File.ReadAllText(statePath).Contains("\"Deploying\"", StringComparison.Ordinal) && fleet.Versions.Count(v => v == "v2") == 3))
            {
                Thread.Sleep(100);
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Assert.AreEqual(3, fleet.Versions.Count(v => v == "v2"), "killed with three hosts on the new version, one of them mid-deploy");

        var (exit, json, error) = fleet.Canary("rollback");

        Assert.AreEqual(1, exit, error);
        Assert.AreEqual("rolled-back", json.GetProperty("result").GetString());
        Assert.IsTrue(fleet.Versions.All(v => v == "v1"), string.Join(",", fleet.Versions));
    }

    [TestMethod]
    public void Hostile_host_names_and_versions_reach_the_deploy_command_as_plain_arguments_never_a_shell()
    {
        using var fleet = new Fleet();
        fleet.Work.Write("record.sh", "#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$2\" >> args.log\n");
        Programs.RunOrThrow("chmod", ["+x", Path.Combine(fleet.Work.Path, "record.sh")]);
        fleet.Work.Write("plain.yml", "canary:\n  bake: 0.1s\n");
        var hostile = "h1;touch${IFS}pwned-host";
        var version = "v2$(touch pwned-version)`touch pwned-tick`";

        var run = CliRunner.Run(fleet.Work.Path, "canary", "run", "--hosts", hostile + ",h2", "--version", version, "--previous", "v1",
            "--deploy-command", "./record.sh {host} {version}", "--rollback-command", "./record.sh {host} {previous}", "--steps", "1", "--config", "plain.yml");

        Assert.IsFalse(File.Exists(Path.Combine(fleet.Work.Path, "pwned-host")));
        Assert.IsFalse(File.Exists(Path.Combine(fleet.Work.Path, "pwned-version")));
        Assert.IsFalse(File.Exists(Path.Combine(fleet.Work.Path, "pwned-tick")));
        Assert.IsTrue(File.Exists(Path.Combine(fleet.Work.Path, "args.log")), run.StandardError);
        var recorded = File.ReadAllLines(Path.Combine(fleet.Work.Path, "args.log"));
        CollectionAssert.Contains(recorded, hostile + "|" + version, run.StandardError);

        var spaced = CliRunner.Run(fleet.Work.Path, "canary", "run", "--hosts", "h1 --rm,h2", "--version", "v2", "--previous", "v1",
            "--deploy-command", "./record.sh {host} {version}", "--rollback-command", "./record.sh {host} {previous}");
        Assert.AreEqual(2, spaced.ExitCode);
        StringAssert.Contains(spaced.StandardError, "--hosts");
    }

    [TestMethod]
    public void Promote_without_a_deploy_command_is_bad_input_and_never_deploys_with_the_rollback_command()
    {
        using var fleet = new Fleet();
        fleet.Work.Write("rollback-only.yml", "canary:\n  rollback-command: ./deploy.sh {host} {previous}\n");
        var ramp = fleet.Canary("ramp", "--version", "v2", "--previous", "v1", "--bake", "0.2s");
        Assert.AreEqual(0, ramp.Exit, ramp.Error);

        var promote = CliRunner.Run(fleet.Work.Path, "canary", "promote", "--config", "rollback-only.yml");

        Assert.AreEqual(2, promote.ExitCode);
        StringAssert.Contains(promote.StandardError, "--deploy-command");
        Assert.AreEqual(7, fleet.Versions.Count(v => v == "v2"), "the last host is untouched");
    }

    [TestMethod]
    public void The_appservice_target_without_its_site_is_bad_input_naming_the_key()
    {
        using var dir = new TempDirectory("pipelines-appservice");
        dir.Write(".pipelines/pipelines.yml", "canary:\n  target: appservice\n  appservice:\n    resource-group: shop-rg\n    package: shop-{version}.zip\n");
        dir.Write("none.yml", "canary:\n  target: appservice\n");

        var missingSite = CliRunner.Run(dir.Path, "canary", "run", "--version", "v2", "--previous", "v1");
        var missingSection = CliRunner.Run(dir.Path, "canary", "run", "--version", "v2", "--previous", "v1", "--config", "none.yml");

        Assert.AreEqual(2, missingSite.ExitCode, missingSite.StandardError);
        StringAssert.Contains(missingSite.StandardError, "canary.appservice.site");
        Assert.AreEqual(2, missingSection.ExitCode, missingSection.StandardError);
        StringAssert.Contains(missingSection.StandardError, "canary.appservice");
    }

    [TestMethod]
    public void The_self_test_runs_on_its_own_against_the_hosts_and_names_the_one_that_fails()
    {
        using var fleet = new Fleet(size: 2);
        var hosts = fleet.Hosts.Split(',');
        File.WriteAllText(Path.Combine(fleet.Work.Path, "versions", hosts[1]), "v2-broken");

        var healthy = CliRunner.Run(fleet.Work.Path, "canary", "self-test", "--hosts", hosts[0]);
        var broken = CliRunner.Run(fleet.Work.Path, "canary", "self-test", "--hosts", fleet.Hosts);

        Assert.AreEqual(0, healthy.ExitCode, healthy.StandardError);
        Assert.AreEqual(1, broken.ExitCode);
        var said = broken.StandardOutput + broken.StandardError;
        StringAssert.Contains(said, hosts[1] + ": /selftest: status 500");
        Assert.IsFalse(said.Contains(hosts[0] + ":", StringComparison.Ordinal), "the healthy host is not named");
    }

    [TestMethod]
    public void Watching_a_fleet_after_promote_is_bad_input_that_says_what_to_use_instead()
    {
        using var fleet = new Fleet(size: 2);

        var (exit, _, error) = fleet.Canary("run", "--version", "v2", "--previous", "v1", "--watch", "10m");
        var (watchExit, _, watchError) = fleet.Canary("watch", "--watch", "10m");

        Assert.AreEqual(2, exit);
        StringAssert.Contains(error, "metrics-gate --watch");
        Assert.AreEqual(2, watchExit);
        StringAssert.Contains(watchError, "metrics-gate --watch");
        Assert.IsTrue(fleet.Versions.All(v => v == "v1"), "nothing was deployed");
    }

    [TestMethod]
    public void Deploy_puts_out_the_first_wave_self_tested_and_ramp_carries_on_without_deploying_it_again()
    {
        using var fleet = new Fleet();

        var deploy = fleet.Canary("deploy", "--version", "v2", "--previous", "v1");
        var afterDeploy = fleet.Versions.Count(v => v == "v2");
        var ramp = fleet.Canary("ramp", "--version", "v2", "--previous", "v1");

        Assert.AreEqual(0, deploy.Exit, deploy.Error);
        Assert.AreEqual("deployed", deploy.Json.GetProperty("result").GetString());
        Assert.AreEqual(1, afterDeploy);
        Assert.AreEqual(0, ramp.Exit, ramp.Error);
        Assert.AreEqual("ramped", ramp.Json.GetProperty("result").GetString());
        Assert.AreEqual(7, File.ReadAllLines(Path.Combine(fleet.Work.Path, "deploys.log")).Length, "1 + 2 + 4 deploys, none repeated");
    }
}

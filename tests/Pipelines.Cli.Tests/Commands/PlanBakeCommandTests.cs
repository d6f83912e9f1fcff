using System.Text.Json;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary><c>pipelines plan-bake</c>: the bake a gate needs at a given traffic, before any rollout.</summary>
[TestClass]
public sealed class PlanBakeCommandTests
{
    private const string Gate = """
        gate:
          provider: scrape
          interval: 1m
          min-samples: 10
          metrics:
            - { name: server-errors, kind: ratio, critical: true }
            - { name: latency-p95, kind: continuous }
        """;

    [TestMethod]
    public void Less_canary_traffic_plans_a_longer_bake_and_the_bake_is_an_output()
    {
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", Gate);

        var quarter = CliRunner.Run(dir.Path, "plan-bake", "--canary-rpm", "50", "--baseline-rpm", "200", "--rate", "server-errors=1%", "--json");
        var equal = CliRunner.Run(dir.Path, "plan-bake", "--canary-rpm", "200", "--baseline-rpm", "200", "--rate", "server-errors=0.01", "--json");

        Assert.AreEqual(0, quarter.ExitCode, quarter.StandardError);
        var (q, e) = (JsonDocument.Parse(quarter.StandardOutput).RootElement, JsonDocument.Parse(equal.StandardOutput).RootElement);
        Assert.IsGreaterThan(e.GetProperty("bake").GetDouble(), q.GetProperty("bake").GetDouble());
        Assert.AreEqual(2, q.GetProperty("metrics").GetArrayLength());
    }

    [TestMethod]
    public void A_ratio_metric_without_its_rate_is_bad_input_naming_it()
    {
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", Gate);

        var run = CliRunner.Run(dir.Path, "plan-bake", "--canary-rpm", "50", "--baseline-rpm", "200");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--rate: no event rate for 'server-errors'");
    }

    [TestMethod]
    public void A_traffic_of_zero_is_bad_input()
    {
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", Gate);

        var run = CliRunner.Run(dir.Path, "plan-bake", "--canary-rpm", "0", "--baseline-rpm", "200", "--rate", "server-errors=0.01");

        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.StandardError, "--canary-rpm: expected a positive number");
    }
}

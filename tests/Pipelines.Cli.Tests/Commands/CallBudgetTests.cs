using System.Diagnostics;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// Each command's one total time budget for its outside calls (README, "Time budgets"): a hanging server costs the
/// command that budget once — not each call's own bound once per metric and retry — and the command exits 3 naming it.
/// PIPELINES_CALL_BUDGET makes the budget a few seconds so the bound is tested for real.
/// </summary>
[TestClass]
public sealed class CallBudgetTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    private static FaultServer Hanging() => new(_ => new FaultResponse(200, "{}", Delay: TimeSpan.FromMinutes(5)));

    [TestMethod]
    public void A_hanging_Prometheus_costs_a_two_metric_gate_one_look_budget_not_one_per_metric_and_retry_and_is_never_a_pass()
    {
        using var prometheus = Hanging();
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", $$$"""
            gate:
              provider: prometheus
              endpoint: {{{prometheus.BaseAddress}}}
              canary: { version: v2 }
              baseline: { version: v1 }
              metrics:
                - name: server-errors
                  kind: ratio
                  query: http_requests_total{code=~"5..", {selector}} / http_requests_total{{selector}}
                - name: latency
                  kind: continuous
                  query: latency_p95_seconds{{selector}}
            """);
        var env = new Dictionary<string, string?> { ["PIPELINES_CALL_BUDGET"] = "3s" };
        var clock = Stopwatch.StartNew();

        var run = CliRunner.Run(dir.Path, env, "metrics-gate", "--json");

        // A metric whose queries failed is incomplete (README: inconclusive, never a pass), so the gate completes.
        Assert.AreEqual(1, run.ExitCode, run.StandardError);
        Assert.AreEqual("inconclusive", System.Text.Json.JsonDocument.Parse(run.StandardOutput).RootElement.GetProperty("verdict").GetString(), run.StandardOutput);
        Assert.IsLessThan(Budget + Slack, clock.Elapsed, "one look's budget, not 6 × 30 s per metric");
        Assert.IsGreaterThanOrEqualTo(Budget - TimeSpan.FromMilliseconds(200), clock.Elapsed, "the server was given the budget");
        Assert.HasCount(1, prometheus.Requests, "one attempt took the whole budget; no other metric or retry was sent after it");
    }

    [TestMethod]
    public void A_hanging_GitHub_costs_metrics_gate_its_budget_once_and_the_status_is_sent_once()
    {
        using var api = Hanging();
        using var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", """
            gate:
              provider: file
              metrics:
                - name: server-errors
                  kind: ratio
              min-samples: 20
            """);
        dir.Write("data.json", """{"metrics": {"server-errors": {"canary": {"events": 500, "trials": 100000}, "baseline": {"events": 500, "trials": 100000}}}}""");
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = Path.Combine(dir.Path, "output"),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir.Path, "summary"),
            ["GITHUB_TOKEN"] = "ghs_budget_test_token",
            ["GITHUB_REPOSITORY"] = "shop/web",
            ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
            ["GITHUB_API_URL"] = api.BaseAddress.ToString(),
            ["PIPELINES_CALL_BUDGET"] = "3s",
        };
        var clock = Stopwatch.StartNew();

        var run = CliRunner.Run(dir.Path, env, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(3, run.ExitCode, run.StandardOutput + run.StandardError);
        Assert.IsLessThan(Budget + Slack, clock.Elapsed);
        StringAssert.Contains(run.StandardOutput + run.StandardError, "no answer within the time budget for outside calls (metrics-gate: 3 s, retries included)");
        Assert.AreEqual(1, api.Requests.Count(r => r.Method == "POST"), "the status whose answer never came was not sent again");
    }

    [TestMethod]
    [DataRow("forever")]
    [DataRow("-1s")]
    public void A_budget_that_is_not_a_duration_is_bad_input_naming_the_variable(string value)
    {
        using var dir = new TempDirectory();
        var run = CliRunner.Run(dir.Path, new Dictionary<string, string?> { ["PIPELINES_CALL_BUDGET"] = value }, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "PIPELINES_CALL_BUDGET: expected a duration such as 30s or 2m");
    }
}

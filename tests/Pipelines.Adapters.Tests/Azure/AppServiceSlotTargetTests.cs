using System.Text.Json.Nodes;
using Azure.Core;
using Pipelines.Adapters.Azure;
using Pipelines.Core.Judging;
using Pipelines.Core.Rollout;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Azure;

/// <summary>
/// A slot rollout through the App Service target end to end over HTTP, against one local server that plays ARM
/// (site configuration from Microsoft's example, the swap as a long-running operation), Kudu (OneDeploy, polled) and
/// the production app (which names the version it runs).
/// </summary>
[TestClass]
public sealed class AppServiceSlotTargetTests
{
    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>App Service as the canary sees it, in memory.</summary>
    private sealed class AppService : IDisposable
    {
        private readonly object _gate = new();
        private JsonObject _config;
        private string? _deploying;
        private int _deployPolls;

        public AppService(int kuduStatus = 4)
        {
            _config = SharedContracts.Load("azure/appservice/GetSiteConfig.json").Responses[200]!.DeepClone().AsObject();
            Server = new FaultServer(request =>
            {
                lock (_gate)
                {
                    var path = request.Path.Split('?')[0];
                    switch (request.Method, path)
                    {
                        case ("GET", "/health"):
                            return new FaultResponse(200, new JsonObject { ["status"] = "ok", ["version"] = Production }.ToJsonString());
                        case ("POST", "/baseline/api/publish"):
                            BaselineVersion = request.Body.Replace("version:", string.Empty, StringComparison.Ordinal);
                            return new FaultResponse(202, string.Empty, new Dictionary<string, string> { ["Location"] = "/baseline/api/deployments/latest" });
                        case ("GET", "/baseline/api/deployments/latest"):
                            return new FaultResponse(200, """{"status":4,"complete":true}""");
                        case ("POST", "/api/publish"):
                            _deploying = request.Body.Replace("version:", string.Empty, StringComparison.Ordinal);
                            return new FaultResponse(202, string.Empty, new Dictionary<string, string> { ["Location"] = "/api/deployments/latest" });
                        case ("GET", "/api/deployments/latest"):
                            if (++_deployPolls < 2)
                            {
                                return new FaultResponse(200, """{"status":1,"complete":false}""");
                            }

                            if (kuduStatus == 4)
                            {
                                SlotVersion = _deploying!;
                            }

                            return new FaultResponse(200, $$"""{"status":{{kuduStatus}},"status_text":"{{(kuduStatus == 4 ? "" : "npm install failed")}}","complete":true}""");
                        case ("GET", var p) when p.EndsWith("/config/web", StringComparison.Ordinal):
                            return new FaultResponse(200, _config.ToJsonString());
                        case ("PUT", var p) when p.EndsWith("/config/web", StringComparison.Ordinal):
                            ConfigWrites++;
                            _config = JsonNode.Parse(request.Body)!.AsObject();
                            Note();
                            return new FaultResponse(200, _config.ToJsonString());
                        case ("POST", var p) when p.EndsWith("/slots/canary/slotsswap", StringComparison.Ordinal):
                            Swaps++;
                            (Production, SlotVersion) = (SlotVersion, Production);
                            return new FaultResponse(202, string.Empty, new Dictionary<string, string> { ["Location"] = new Uri(Server!.BaseAddress, "operationResults/swap?api-version=2024-11-01").ToString() });
                        case ("GET", "/operationResults/swap"):
                            return new FaultResponse(200, string.Empty);
                        default:
                            return new FaultResponse(404, """{"error":{"code":"NotFound"}}""");
                    }
                }
            });
        }

        public FaultServer Server { get; }

        public string Production { get; private set; } = "v1";

        public string SlotVersion { get; private set; } = "v1";

        public string BaselineVersion { get; private set; } = "none";

        public int ConfigWrites { get; private set; }

        public int Swaps { get; private set; }

        public IReadOnlyList<double> Rules => _config["properties"]?["experiments"]?["rampUpRules"] is JsonArray rules
            ? [.. rules.Select(r => r!["reroutePercentage"]!.GetValue<double>())]
            : [];

        /// <summary>The most rules routed at once, by slot name.</summary>
        public HashSet<string> RuleNamesSeen { get; } = [];

        public void Note()
        {
            if (_config["properties"]?["experiments"]?["rampUpRules"] is JsonArray rules)
            {
                RuleNamesSeen.UnionWith(rules.Select(r => (string)r!["name"]!));
            }
        }

        public void Dispose() => Server.Dispose();
    }

    private sealed class Gate(GateVerdict verdict) : IRolloutGate
    {
        public Task<(GateVerdict Verdict, string Reason)> JudgeAsync(IReadOnlyList<string> canary, IReadOnlyList<string> baseline, CancellationToken cancellation) =>
            Task.FromResult((verdict, "fake"));
    }

    private sealed class Healthy : ISelfTest
    {
        public Task<(bool Ok, string Detail)> CheckAsync(IReadOnlyList<string> hosts, CancellationToken cancellation) => Task.FromResult((true, "ok"));
    }

    private sealed class Store : IRolloutStore
    {
        public void Save(RolloutState state)
        {
        }
    }

    private static async Task<RolloutState> RollOutAsync(AppService app, GateVerdict verdict, TempDirectory packages, bool baseline = false)
    {
        packages.Write("v2.zip", "version:v2");
        packages.Write("v1.zip", "version:v1");
        var options = new AzureClientOptions();
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        var pipeline = AzurePipelineFactory.Build(new Token(), AzureMonitorClient.ManagementScope, options);
        var client = new AppServiceClient(pipeline, "sub", "rg", app.Server.BaseAddress) { PollInterval = TimeSpan.FromMilliseconds(10) };
        using var http = new HttpClient();
        var target = new AppServiceSlotTarget(client, pipeline, http,
            new AppServiceSlot("shop", "canary", "shop-canary.azurewebsites.net", "shop-canary.scm.azurewebsites.net", Path.Combine(packages.Path, "{version}.zip"), new Uri(app.Server.BaseAddress, "health"),
                Baseline: baseline ? ("baseline", "shop-baseline.azurewebsites.net", "shop-baseline.scm.azurewebsites.net") : null),
            app.Server.BaseAddress)
        {
            PollInterval = TimeSpan.FromMilliseconds(10),
            BaselineScmEndpoint = new Uri(app.Server.BaseAddress, "baseline/"),
        };
        var runner = new RolloutEngine(new SlotTarget(target, new Healthy()), new Gate(verdict), new Store(), new RolloutOptions(TimeSpan.Zero), TimeProvider.System);
        return await runner.RunAsync(SlotTarget.Start([1, 5, 25, 50], "v2", "v1", DateTimeOffset.UtcNow), CancellationToken.None);
    }

    [TestMethod]
    public async Task A_good_build_is_deployed_to_the_slot_ramped_through_the_traffic_steps_and_swapped_in_once()
    {
        using var app = new AppService();
        using var packages = new TempDirectory("pipelines-packages");

        var state = await RollOutAsync(app, GateVerdict.Pass, packages);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual("v2", app.Production);
        Assert.AreEqual(1, app.Swaps);
        Assert.AreEqual(0, app.Rules.Count, "the slot, now holding v1, gets no traffic");
        Assert.AreEqual(5, app.ConfigWrites, "1, 5, 25, 50 and back to 0: one write each");
    }

    [TestMethod]
    public async Task A_failing_gate_takes_the_slots_traffic_back_and_production_is_never_swapped()
    {
        using var app = new AppService();
        using var packages = new TempDirectory("pipelines-packages");

        var state = await RollOutAsync(app, GateVerdict.Fail, packages);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual("v1", app.Production);
        Assert.AreEqual(0, app.Swaps);
        Assert.AreEqual(0, app.Rules.Count);
    }

    [TestMethod]
    public async Task A_failed_OneDeploy_rolls_back_before_any_traffic_moves()
    {
        using var app = new AppService(kuduStatus: 3);
        using var packages = new TempDirectory("pipelines-packages");

        var state = await RollOutAsync(app, GateVerdict.Pass, packages);

        Assert.AreEqual(RolloutPhase.RolledBack, state.Phase);
        Assert.AreEqual(0, app.ConfigWrites, "no traffic was ever routed (0% was already so)");
        StringAssert.Contains(string.Join("\n", state.Timeline.Select(e => e.What)), "npm install failed");
    }

    [TestMethod]
    public async Task A_baseline_slot_gets_the_previous_version_and_the_canarys_share_and_gives_it_back()
    {
        using var app = new AppService();
        using var packages = new TempDirectory("pipelines-packages");

        var state = await RollOutAsync(app, GateVerdict.Pass, packages, baseline: true);

        Assert.AreEqual(RolloutPhase.Promoted, state.Phase);
        Assert.AreEqual("v1", app.BaselineVersion);
        CollectionAssert.AreEquivalent(new[] { "canary", "baseline" }, app.RuleNamesSeen.ToArray());
        Assert.AreEqual(0, app.Rules.Count, "no slot keeps traffic after the promote");
        Assert.AreEqual(10, app.ConfigWrites, "five shares for each slot, the last being 0");
    }
}

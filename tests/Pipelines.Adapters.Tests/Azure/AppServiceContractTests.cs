using System.Text.Json.Nodes;
using Azure.Core;
using Pipelines.Adapters.Azure;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Azure;

/// <summary>
/// The App Service client against Microsoft's published Microsoft.Web examples (api-version 2024-11-01), served from
/// 127.0.0.1: each call's method, path and body; the long-running operations polled; ARM's 409, 429 and 5xx survived;
/// and traffic routing written only when it changes, so a re-run after a crash moves nothing twice.
/// </summary>
[TestClass]
public sealed class AppServiceContractTests
{
    private const string Sub = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
    private const string Site = "/subscriptions/" + Sub + "/resourceGroups/testrg123/providers/Microsoft.Web/sites/sitef6141";

    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("arm-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static ContractExample Example(string name) => SharedContracts.Load("azure/appservice/" + name);

    private static AppServiceClient Client(FaultServer arm)
    {
        var options = new AzureClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return new AppServiceClient(AzurePipelineFactory.Build(new Token(), AzureMonitorClient.ManagementScope, options), Sub, "testrg123", arm.BaseAddress)
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
        };
    }

    private static FaultResponse Json(int status, JsonNode? body, Dictionary<string, string>? headers = null) => new(status, body?.ToJsonString() ?? string.Empty, headers);

    [TestMethod]
    public async Task A_slot_is_read_and_a_missing_one_is_null()
    {
        var example = Example("GetWebAppSlot.json");
        using var arm = new FaultServer(r => r.Path.Contains("/slots/staging", StringComparison.Ordinal) ? Json(200, example.Responses[200]) : Json(404, null));
        var client = Client(arm);

        var slot = await client.GetSlotAsync("sitef6141", "staging", CancellationToken.None);
        var missing = await client.GetSlotAsync("sitef6141", "canary", CancellationToken.None);

        Assert.AreEqual("Running", slot!.State);
        Assert.AreEqual("sitef6141-staging.azurewebsites.net", slot.DefaultHostName);
        Assert.IsNull(missing);
        Assert.AreEqual(Site + "/slots/staging?api-version=2024-11-01", arm.Requests.First().Path);
    }

    [TestMethod]
    public async Task A_missing_slot_is_created_and_its_asynchronous_creation_polled_to_success()
    {
        var create = Example("CreateOrUpdateWebAppSlot.json");
        var get = Example("GetWebAppSlot.json");
        var polls = 0;
        var created = false;
        FaultServer? arm = null;
        arm = new FaultServer(r => (r.Method, r.Path.Split('?')[0]) switch
        {
            ("GET", var p) when p.EndsWith("/slots/staging", StringComparison.Ordinal) => created ? Json(200, get.Responses[200]) : Json(404, null),
            ("PUT", _) => Json(202, create.Responses[202], new Dictionary<string, string> { ["Azure-AsyncOperation"] = new Uri(arm!.BaseAddress, "operationResults/62e4d893?api-version=2024-11-01").ToString() }),
            ("GET", var p) when p.EndsWith("/operationResults/62e4d893", StringComparison.Ordinal) => Operation(),
            _ => Json(404, null),
        });
        using var _ = arm;
        FaultResponse Operation()
        {
            if (++polls < 3)
            {
                return Json(200, new JsonObject { ["status"] = "InProgress" });
            }

            created = true;
            return Json(200, new JsonObject { ["status"] = "Succeeded" });
        }

        var slot = await Client(arm).EnsureSlotAsync("sitef6141", "staging", "East US", CancellationToken.None);

        Assert.AreEqual("sitef6141-staging.azurewebsites.net", slot.DefaultHostName);
        Assert.AreEqual(3, polls, "polled until Succeeded");
        var put = arm.Requests.Single(r => r.Method == "PUT");
        var undocumented = SharedContracts.UndocumentedProperties(JsonNode.Parse(put.Body), create.Body);
        Assert.AreEqual(0, undocumented.Count, string.Join(", ", undocumented));
    }

    [TestMethod]
    public async Task Traffic_is_routed_by_rewriting_only_the_ramp_up_rules_and_not_at_all_when_already_so()
    {
        var config = Example("GetSiteConfig.json").Responses[200]!.DeepClone().AsObject();
        using var arm = new FaultServer(r =>
        {
            if (r.Method == "PUT")
            {
                config = JsonNode.Parse(r.Body)!.AsObject(); // the service keeps what it was sent
            }

            return Json(200, config);
        });
        var client = Client(arm);
        var before = config["properties"]!.AsObject().Select(p => p.Key).ToHashSet();

        await client.SetTrafficAsync("sitef6141", "canary", "sitef6141-canary.azurewebsites.net", 5, CancellationToken.None);
        await client.SetTrafficAsync("sitef6141", "canary", "sitef6141-canary.azurewebsites.net", 5, CancellationToken.None); // a re-run after a crash
        var rules = await client.GetRampUpRulesAsync("sitef6141", CancellationToken.None);
        await client.SetTrafficAsync("sitef6141", "canary", "sitef6141-canary.azurewebsites.net", 0, CancellationToken.None);

        Assert.AreEqual(2, arm.Requests.Count(r => r.Method == "PUT"), "5% once, then 0%: the repeat wrote nothing");
        Assert.AreEqual(new RampUpRule("canary", "sitef6141-canary.azurewebsites.net", 5), rules.Single());
        var first = JsonNode.Parse(arm.Requests.First(r => r.Method == "PUT").Body)!["properties"]!.AsObject();
        CollectionAssert.IsSubsetOf(before.ToList(), first.Select(p => p.Key).ToList(), "no setting of the site is lost by the write");
        Assert.AreEqual("""[{"actionHostName":"sitef6141-canary.azurewebsites.net","reroutePercentage":5,"name":"canary"}]""", first["experiments"]!["rampUpRules"]!.ToJsonString());
        Assert.AreEqual(0, (await client.GetRampUpRulesAsync("sitef6141", CancellationToken.None)).Count, "0% removes the rule");
        Assert.IsTrue(arm.Requests.All(r => r.Path.StartsWith(Site + "/config/web?api-version=2024-11-01", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task A_swap_is_posted_as_the_slot_entity_shows_and_followed_to_its_end()
    {
        var slotEntity = Example("ApplySlotConfig.json").Body;
        var polls = 0;
        FaultServer? arm = null;
        arm = new FaultServer(r => r.Method == "POST"
            ? Json(202, null, new Dictionary<string, string> { ["Location"] = new Uri(arm!.BaseAddress, "operationResults/swap-1?api-version=2024-11-01").ToString(), ["Retry-After"] = "0" })
            : ++polls < 3 ? Json(202, null) : Json(200, null));
        using var _ = arm;

        await Client(arm).SwapWithProductionAsync("sitef6141", "canary", CancellationToken.None);

        var post = arm.Requests.First();
        Assert.AreEqual(Site + "/slots/canary/slotsswap?api-version=2024-11-01", post.Path);
        Assert.AreEqual(0, SharedContracts.UndocumentedProperties(JsonNode.Parse(post.Body), slotEntity).Count, post.Body);
        Assert.AreEqual("production", (string?)JsonNode.Parse(post.Body)!["targetSlot"]);
        Assert.AreEqual(3, polls, "polled through 202s to the 200");
        Assert.AreEqual(1, arm.Requests.Count(r => r.Method == "POST"), "one swap: a second would swap back");
    }

    [TestMethod]
    public async Task Another_operation_in_progress_a_throttle_and_a_server_error_are_waited_out()
    {
        var config = Example("GetSiteConfig.json").Responses[200]!;
        using var arm = new FaultServer(_ => Json(200, config));
        arm.Then(
            Json(409, new JsonObject { ["error"] = new JsonObject { ["code"] = "Conflict", ["message"] = "There is already an operation in progress" } }),
            Json(429, null, new Dictionary<string, string> { ["Retry-After"] = "0" }),
            Json(503, null));

        var rules = await Client(arm).GetRampUpRulesAsync("sitef6141", CancellationToken.None);

        Assert.AreEqual(0, rules.Count);
        Assert.AreEqual(4, arm.Requests.Count);
    }

    [TestMethod]
    public async Task A_slot_deployments_status_is_read_while_starting_and_when_done()
    {
        var example = Example("GetSiteDeploymentStatusSlot.json");
        using var arm = new FaultServer(_ => Json(200, example.Responses[200]));
        arm.Then(Json(202, example.Responses[202]));
        var client = Client(arm);

        var starting = await client.DeploymentStatusAsync("testSite", "stage", "eacfd68b-3bbd-4ad9-99c5-98614d89c8e5", CancellationToken.None);
        var done = await client.DeploymentStatusAsync("testSite", "stage", "eacfd68b-3bbd-4ad9-99c5-98614d89c8e5", CancellationToken.None);

        Assert.AreEqual("RuntimeStarting", starting);
        Assert.AreEqual("RuntimeSuccessful", done);
        StringAssert.EndsWith(arm.Requests.First().Path.Split('?')[0], "/sites/testSite/slots/stage/deploymentStatus/eacfd68b-3bbd-4ad9-99c5-98614d89c8e5");
    }
}

using Azure.Core;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Azure;

/// <summary>
/// What the fuzz suite's ARM campaign found, kept: a 200 from Azure Resource Manager whose body is not the documented
/// JSON (two values, a list for an object, a repeated key, nothing) is Azure's failure, exit 3 — never a crash.
/// </summary>
[TestClass]
public sealed class AppServiceWrongShapeTests
{
    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("arm-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static async Task<OutsideSystemException> Answered(string body, Func<AppServiceClient, Task> call)
    {
        using var arm = new FaultServer(_ => new FaultResponse(200, body));
        var options = new AzureClientOptions(HttpRetryOptions.Default with { MaxRetries = 0 });
        var client = new AppServiceClient(AzurePipelineFactory.Build(new Token(), AzureMonitorClient.ManagementScope, options), "sub", "rg", arm.BaseAddress);
        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => call(client));
        Assert.AreEqual(AppServiceClient.SystemName, error.System);
        return error;
    }

    [TestMethod]
    [DataRow("""{"name":"canary"} null""", DisplayName = "two JSON values")]
    [DataRow("""[[[]]]""", DisplayName = "a list for the slot")]
    [DataRow("""{"name":"canary","properties":{"state":"Running","state":"Stopped"}}""", DisplayName = "a repeated key")]
    [DataRow("""{"name":["canary"]}""", DisplayName = "a list for the name")]
    public async Task A_slot_of_the_wrong_shape_is_azures_failure(string body)
    {
        var error = await Answered(body, c => c.GetSlotAsync("shop", "canary", CancellationToken.None));

        StringAssert.Contains(error.Message, "could not read slot canary: the answer is not of the documented shape");
    }

    [TestMethod]
    public async Task An_empty_slot_answer_is_azures_failure() =>
        await Answered("", c => c.GetSlotAsync("shop", "canary", CancellationToken.None));

    [TestMethod]
    public async Task A_routing_rule_with_a_list_for_its_name_is_azures_failure() =>
        await Answered("""{"properties":{"experiments":{"rampUpRules":[{"name":{"":null},"reroutePercentage":5}]}}}""", c => c.GetRampUpRulesAsync("shop", CancellationToken.None));

    [TestMethod]
    public async Task A_deployment_status_that_is_a_list_is_azures_failure() =>
        await Answered("""{"properties":{"status":[]}}""", c => c.DeploymentStatusAsync("shop", "canary", "d1", CancellationToken.None));
}

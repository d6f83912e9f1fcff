using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Formats;
using Pipelines.Core.Revert;
using Pipelines.Testing;

namespace Pipelines.Fuzz.Tests;

/// <summary>run-tests --plan: every matrix job reads the plan file plan-tests wrote.</summary>
[TestClass]
public sealed class PlanFileFuzzTests
{
    /// <summary>What run-tests does with the plan before it starts dotnet test: every member read, the shard's filters taken.</summary>
    [TestMethod]
    public void Plan_files_never_crash_run_tests() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("plan", SeedFormat.Json, Seeds.Plans, 700, Runs.Parsed, "test-plan.json", (bytes, host, work) =>
        {
            var path = Runs.Write(work, "test-plan.json", bytes);
            return Runs.Parse(host, work, _ =>
            {
                var plan = PlanFile.Read(path, "test-plan.json");
                foreach (var shard in plan.Shards)
                {
                    Assert.IsTrue(shard.Filters.All(f => f.Length > 0), "no empty filter reaches dotnet test");
                    Assert.IsTrue(shard.Units.All(u => u.Id is not null && double.IsFinite(u.Seconds)), "every unit whole");
                }

                MetricsAnswerFuzzTests.Use(plan);
            });
        }));
}

/// <summary>select-tests --impact-map: a map kept in a cache or an artifact, so possibly corrupt, cut short or foreign.</summary>
[TestClass]
public sealed class ImpactMapFuzzTests
{
    /// <summary>Any bytes: a map or bad input naming the file, never a crash; a map that parses holds together.</summary>
    [TestMethod]
    public void Impact_maps_never_crash_the_reader() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("impact-map", SeedFormat.Json, Seeds.ImpactMaps, 600, Runs.Parsed, "impact-map.json", (bytes, host, work) =>
            Runs.Parse(host, work, _ =>
            {
                var map = ImpactMapFile.Parse(bytes, "impact-map.json");
                foreach (var test in map.Projects.SelectMany(p => p.Tests))
                {
                    Assert.IsTrue(test.Files.All(i => i >= 0 && i < map.Files.Count), "every index names a listed file");
                    Assert.IsTrue(test.Files.Zip(test.Files.Skip(1)).All(pair => pair.First < pair.Second), "indices ascend, each once");
                }

                MetricsAnswerFuzzTests.Use(map);
            })));
}

/// <summary>revert-on-red --decision-log: one JSON line appended per decision to a file a workflow keeps.</summary>
[TestClass]
public sealed class DecisionLogFuzzTests
{
    /// <summary>
    /// Any earlier log (a corrupt artifact) and any text in the decision (test names, branch names, reasons, read from
    /// outside): the append never crashes, and the line it adds is one valid JSON object carrying the names.
    /// </summary>
    [TestMethod]
    public void Decisions_with_any_text_append_one_valid_json_line() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("decision-log", SeedFormat.Json, Seeds.DecisionLogs, 500, Runs.Parsed, null, (bytes, host, work) =>
        {
            var path = Runs.Write(work, "decisions.jsonl", bytes);
            return Runs.Parse(host, work, _ =>
            {
                // The same bytes as raw UTF-16 too: lone surrogates are what a writer of JSON refuses.
                var text = Encoding.UTF8.GetString(bytes);
                var raw = new string(MemoryMarshal.Cast<byte, char>(bytes.AsSpan(0, bytes.Length & ~1)));
                var decision = new RevertDecision(RevertVerdict.Reverted, text, new CommitInfo("aa21", raw, raw, text, text, [], []), new RevertAttempt(raw, text, null),
                    [new ProbeResult("aa21", raw, [false, true])], raw, "aa21", "bb21", [text, raw], DryRun: false);
                DecisionLog.Append(path, decision, DateTimeOffset.UnixEpoch);

                var written = File.ReadAllBytes(path).AsSpan(bytes.Length);
                Assert.AreEqual((byte)'\n', written[^1], "the line ends the file");
                using var line = JsonDocument.Parse(written.ToArray());
                Assert.AreEqual(2, line.RootElement.GetProperty("failingTests").GetArrayLength());
                Assert.AreEqual(text, line.RootElement.GetProperty("reason").GetString(), "the text is kept when it is text");
            });
        }));
}

/// <summary>Azure Resource Manager answering the App Service client with anything, through a local server.</summary>
[TestClass]
public sealed class AppServiceAnswerFuzzTests
{
    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>A 200 of any shape is Azure's failure (exit 3 naming it) or a value read whole, never a crash.</summary>
    [TestMethod]
    public void Arm_answers_never_crash_the_app_service_client()
    {
        var body = string.Empty;
        using var server = new FaultServer(_ => new FaultResponse(200, body, new Dictionary<string, string> { ["Content-Type"] = "application/json" }));
        var pipeline = AzurePipelineFactory.Build(new Token(), "https://management.azure.com/.default", new AzureClientOptions(MetricsAnswerFuzzTests.Quick));
        var client = new AppServiceClient(pipeline, "sub", "rg", server.BaseAddress);
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("arm-api", SeedFormat.Json, Seeds.ArmAnswers, 400, Runs.Answered, null, (bytes, host, work) =>
        {
            body = Encoding.UTF8.GetString(bytes);
            return Runs.Parse(host, work, _ =>
            {
                var cancel = CancellationToken.None;
                MetricsAnswerFuzzTests.Call(() => client.GetSlotAsync("shop", "canary", cancel).GetAwaiter().GetResult());
                MetricsAnswerFuzzTests.Call(() => client.GetRampUpRulesAsync("shop", cancel).GetAwaiter().GetResult());
                MetricsAnswerFuzzTests.Call(() => client.DeploymentStatusAsync("shop", "canary", "d1", cancel).GetAwaiter().GetResult());
            });
        }));
    }
}

/// <summary>select-tests --assemblies: built test assemblies read for their tests, categories and source lines.</summary>
[TestClass]
public sealed class TestAssemblyFuzzTests
{
    /// <summary>A corrupt .dll (a half-written build output, a renamed file) is bad input naming it, never a crash.</summary>
    [TestMethod]
    public void Corrupt_test_assemblies_never_crash_the_reader() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("assembly", SeedFormat.Text, Seeds.Assemblies, 400, Runs.Parsed, "Shop.Tests.dll", (bytes, host, work) =>
        {
            var path = Runs.Write(work, "Shop.Tests.dll", bytes);
            return Runs.Parse(host, work, _ => MetricsAnswerFuzzTests.Use(TestAssemblyReader.Read(path, "Shop.Tests.dll")));
        }));
}

using System.Net;
using System.Text;
using Pipelines.Adapters.AppConfiguration;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.AzureDevOps;
using Pipelines.Adapters.DotNet;
using Pipelines.Adapters.Flags;
using Pipelines.Adapters.GitHub;
using Pipelines.Adapters.Http;
using Pipelines.Adapters.Metrics;
using Pipelines.Adapters.ResultFiles;
using Pipelines.Cli.Commands.MetricsGate;
using Pipelines.Cli.Configuration;
using Pipelines.Core.Judging;
using Pipelines.Testing;

namespace Pipelines.Fuzz.Tests;

/// <summary>
/// Every parser the CLI exposes, fed mutated inputs in-process through the entry point its command uses, inside a
/// command session: exit codes and printed errors are exactly the command's. Each campaign has a fixed seed and budget;
/// together with the process campaigns they run about 15,000 inputs (<see cref="FuzzCampaign"/> prints the counts).
/// </summary>
[TestClass]
public sealed class ResultFileFuzzTests
{
    [TestMethod]
    public void Trx_files_never_crash_plan_tests_or_the_merged_result_files() =>
        AssertClean(ResultFiles("trx", Seeds.Trx, 1000, "results.trx"));

    [TestMethod]
    public void JUnit_files_never_crash_plan_tests_or_the_merged_result_files() =>
        AssertClean(ResultFiles("junit", Seeds.JUnit, 1000, "results.xml"));

    [TestMethod]
    public void NUnit_files_never_crash_plan_tests_or_the_merged_result_files() =>
        AssertClean(ResultFiles("nunit", Seeds.NUnit, 1000, "results.xml"));

    [TestMethod]
    public void Timing_files_never_crash_plan_tests() =>
        AssertClean(FuzzCampaign.Run("timings", SeedFormat.Json, Seeds.Timings, 600, Runs.Parsed, "timings.json", (bytes, host, work) =>
        {
            Runs.Write(work, "timings.json", bytes);
            return Runs.Cli(host, work, "plan-tests", "--repo", "no-repo", "--seed", "1", "--timings", "timings.json", "--out", "plan.json");
        }));

    /// <summary>plan-tests reads the file as history; run-tests reads the same shapes and writes them back merged.</summary>
    private static FuzzReport ResultFiles(string name, IReadOnlyList<byte[]> seeds, int count, string fileName) =>
        FuzzCampaign.Run(name, SeedFormat.Xml, seeds, count, Runs.Parsed, fileName, (bytes, host, work) =>
        {
            var path = Runs.Write(work, Path.Combine("history", fileName), bytes);
            var plan = Runs.Cli(host, work, "plan-tests", "--repo", "no-repo", "--seed", "1", "--history", "history", "--out", "plan.json");
            if (plan.ExitCode != 0)
            {
                return plan;
            }

            return Runs.Parse(host, work, _ =>
            {
                var results = ResultFileReader.Read(path, Path.Combine("history", fileName)).Results;
                var trx = Path.Combine(work.Path, "merged.trx");
                var junit = Path.Combine(work.Path, "merged.xml");
                TrxWriter.Write(trx, "merged", results, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
                JUnitWriter.Write(junit, "merged", results, new Dictionary<string, Pipelines.Core.TestResults.TestCaseResult>(StringComparer.Ordinal));
                Assert.HasCount(results.Count, ResultFileReader.Read(trx).Results, "the merged TRX reads back whole");
                Assert.HasCount(results.Count, ResultFileReader.Read(junit).Results, "the merged JUnit reads back whole");
            });
        });

    internal static void AssertClean(FuzzReport report)
    {
        Assert.IsEmpty(report.Findings, report.Summary());
    }
}

[TestClass]
public sealed class ConfigFuzzTests
{
    private static readonly string[] ChangedPaths =
        ["src/Billing/Invoice.cs", "docs/guide.md", "src/Api/v2/Orders.cs", "src/" + new string('a', 60), new string('/', 30) + "x", "build.cs"];

    /// <summary>Every section reader the commands use on the policy file, and its globs on changed paths.</summary>
    [TestMethod]
    public void Policy_files_never_crash_a_section_reader() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("policy", SeedFormat.Yaml, Seeds.Policy, 1400, Runs.Parsed, "pipelines.yml", (bytes, host, work) =>
        {
            var path = Runs.Write(work, Path.Combine(".pipelines", "pipelines.yml"), bytes);
            return Runs.Parse(host, work, session =>
            {
                var config = ConfigFile.Load(path, ".pipelines/pipelines.yml", mustExist: true);
                var policy = TestsSection.Read(config);

                // select-tests matches every changed path against the tags' and the ignore list's globs.
                foreach (var changed in ChangedPaths)
                {
                    _ = policy.Ignore.IsMatch(changed);
                    _ = policy.Tags.Count(t => t.Paths.IsMatch(changed));
                }

                PlanSection.Read(config);
                RevertSection.Read(config);
                CanarySection.Read(config);
                if (config.Section("gate") is not null)
                {
                    GateSection.Read(config);
                }
            });
        }));

    /// <summary>metrics-gate --gate: the file provider judges for real; the others are built but never called.</summary>
    [TestMethod]
    public void Gate_files_never_crash_metrics_gate() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("gate", SeedFormat.Yaml, Seeds.Gates, 1000, Runs.Judged, "gate.yml", (bytes, host, work) =>
        {
            Runs.Write(work, "gate.yml", bytes);
            Runs.Write(work, "data.json", Runs.Utf8(Seeds.GateData));
            var provider = "file";
            var load = Runs.Parse(host, work, session =>
            {
                var gate = GateSection.Read(ConfigFile.Load(Path.Combine(work.Path, "gate.yml"), "gate.yml", mustExist: true)).ForVersions("v2", "v1");
                provider = gate.Provider;
                if (provider != "file" && provider != "azure-monitor")
                {
                    Pipelines.Cli.Composition.MetricsSources.For(gate, session.Context, null);
                }
            });
            return load.ExitCode != 0 || provider != "file"
                ? load
                : Runs.Cli(host, work, "metrics-gate", "--gate", "gate.yml", "--data", "data.json", "--version", "v2", "--previous", "v1");
        }));

    [TestMethod]
    public void Gate_data_files_never_crash_metrics_gate() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("gate-data", SeedFormat.Json, Seeds.GateDataFiles, 900, Runs.Judged, "data.json", (bytes, host, work) =>
        {
            Runs.Write(work, "gate.yml", Seeds.Gates[0]);
            Runs.Write(work, "data.json", bytes);
            return Runs.Cli(host, work, "metrics-gate", "--gate", "gate.yml", "--data", "data.json");
        }));

    /// <summary>The event payload a GitHub Actions run starts with (select-tests' base, revert-on-red's culprit).</summary>
    [TestMethod]
    public void Event_payloads_never_crash_the_run_environment() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("event", SeedFormat.Json, Seeds.Events, 700, Runs.Parsed, "event.json", (bytes, host, work) =>
        {
            var path = Runs.Write(work, "event.json", bytes);
            var environment = Runs.Environment(HostKind.GitHub, work);
            environment["GITHUB_EVENT_PATH"] = path;
            environment["GITHUB_EVENT_NAME"] = "push";
            return Runs.Parse(environment, work, session =>
            {
                var payload = session.Context.Ci.EventPayload;
                _ = payload?.Before;
                _ = payload?.WorkflowRun;
            });
        }));

    /// <summary>The feature flag file release ramps (read, then a share written back): bad input or a flag set, never a crash.</summary>
    [TestMethod]
    public void Feature_flag_files_never_crash_the_flag_store() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("feature-flags", SeedFormat.Json, Seeds.FeatureFlagFiles, 600, Runs.Parsed, "flags.json", (bytes, host, work) =>
        {
            var path = Runs.Write(work, "flags.json", bytes);
            return Runs.Parse(host, work, _ =>
            {
                var store = new FeatureFlagFile(path, "flags.json");
                foreach (var flag in new[] { "new-checkout", "ComplexTargeting" })
                {
                    try
                    {
                        var seen = store.ReadAsync(flag, CancellationToken.None).GetAwaiter().GetResult();
                        var written = store.SetPercentAsync(seen, 25, CancellationToken.None).GetAwaiter().GetResult();
                        if (written.Percent != 25 || store.ReadAsync(flag, CancellationToken.None).GetAwaiter().GetResult().Percent != 25)
                        {
                            throw new InvalidOperationException($"flag {flag} set to 25% reads back as {written.Percent}%");
                        }
                    }
                    catch (Pipelines.Core.Errors.InputException ex) when (ex.Message.Contains("no flag with id", StringComparison.Ordinal))
                    {
                        // The seeds hold one of the two flags each; the other one's absence is no finding.
                    }
                }
            });
        }));
}

[TestClass]
public sealed class ProjectFileFuzzTests
{
    /// <summary>A project file of a repository select-tests reads (with the sample projects and imports beside it).</summary>
    [TestMethod]
    public void Project_files_never_crash_the_project_graph() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("project", SeedFormat.Xml, Seeds.Projects, 1200, Runs.Parsed, "App.Tests.csproj", (bytes, host, work) =>
            Graph(host, work, "tests/App.Tests/App.Tests.csproj", bytes)));

    /// <summary>Directory.Build.props, which every project imports first.</summary>
    [TestMethod]
    public void Imported_files_never_crash_the_project_graph() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("import", SeedFormat.Xml, Seeds.Imports, 900, Runs.Parsed, "Directory.Build.props", (bytes, host, work) =>
            Graph(host, work, "Directory.Build.props", bytes)));

    private static TargetRun Graph(HostKind host, TempDirectory work, string fuzzed, byte[] bytes)
    {
        var tree = new BytesTree();
        tree.Add("Directory.Build.props", Seeds.Imports[0]);
        tree.Add("Directory.Packages.props", Seeds.Imports[1]);
        tree.Add("eng/Test.targets", Encoding.UTF8.GetBytes("<Project><ItemGroup><PackageReference Include=\"Microsoft.NET.Test.Sdk\" /></ItemGroup></Project>"));
        tree.Add("src/Shop/Shop.csproj", Encoding.UTF8.GetBytes("<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><Compile Include=\"..\\Shared\\*.cs\" /></ItemGroup></Project>"));
        tree.Add("src/Shared/Money.cs", Encoding.UTF8.GetBytes("class Money {}"));
        tree.Add("tests/App.Tests/App.Tests.csproj", Seeds.Projects[0]);
        tree.Add("tests/Other.Tests/Other.Tests.csproj", Seeds.Projects[2]);
        tree.Add(fuzzed, bytes);
        return Runs.Parse(host, work, _ => ProjectGraphReader.Read(tree));
    }
}

[TestClass]
public sealed class MetricsAnswerFuzzTests
{
    /// <summary>What an instance's /metrics serves, read by the scrape provider and judged.</summary>
    [TestMethod]
    public void Scraped_metrics_text_never_crashes_the_scrape_gate() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("prometheus-text", SeedFormat.Text, Seeds.PrometheusText, 700, Runs.Parsed, null, (bytes, host, work) =>
            Runs.Parse(host, work, _ =>
            {
                using var http = new HttpClient(new FixedAnswer(HttpStatusCode.OK, bytes, "text/plain"));
                var source = new ScrapeMetricsSource(http, [new Uri("http://canary/metrics")], [new Uri("http://baseline/metrics")],
                    TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), retry: Quick);
                var queries = new[]
                {
                    new MetricQuery("errors", MetricKind.Ratio, "http_requests_total{code=~\"5..\",route!=\"/health\"} / http_requests_total"),
                    new MetricQuery("latency", MetricKind.Continuous, "latency_seconds{quantile=\"0.95\"}"),
                    new MetricQuery("weird", MetricKind.Count, "something_weird{problem!~\"x|y\"}"),
                };
                var observations = source.FetchAsync(queries, CancellationToken.None).GetAwaiter().GetResult();
                Judge.Evaluate([new MetricSpec("errors", MetricKind.Ratio, BadDirection.Increase, 0.5, false, 1), new MetricSpec("latency", MetricKind.Continuous, BadDirection.Increase, 0.1, false, 1),
                    new MetricSpec("weird", MetricKind.Count, BadDirection.Both, 0.5, false, 1)], observations, GatePolicy.Default);
            })));

    /// <summary>Prometheus' HTTP API answering 200 with anything: a wrong shape is the server's failure (exit 3 or an incomplete metric), never a crash.</summary>
    [TestMethod]
    public void Prometheus_answers_never_crash_the_prometheus_gate() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("prometheus-api", SeedFormat.Json, Seeds.PrometheusAnswers, 600, Runs.Answered, null, (bytes, host, work) =>
            Runs.Parse(host, work, _ =>
            {
                using var http = new HttpClient(new FixedAnswer(HttpStatusCode.OK, bytes));
                var source = new PrometheusMetricsSource(http, new Uri("http://prometheus:9090/"), new Dictionary<string, string> { ["version"] = "v2" },
                    new Dictionary<string, string> { ["version"] = "v1" }, TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(10), retry: Quick);
                var observations = source.FetchAsync([new MetricQuery("errors", MetricKind.Ratio, "errors_total{ {selector} } / requests_total{ {selector} }"),
                    new MetricQuery("latency", MetricKind.Continuous, "latency{ {selector} }")], CancellationToken.None).GetAwaiter().GetResult();
                Judge.Evaluate([new MetricSpec("errors", MetricKind.Ratio, BadDirection.Increase, 0.5, false, 1), new MetricSpec("latency", MetricKind.Continuous, BadDirection.Increase, 0.1, false, 1)],
                    observations, GatePolicy.Default);
            })));

    /// <summary>GitHub's REST API answering 200 with anything: exit 3 naming GitHub, never a crash.</summary>
    [TestMethod]
    public void GitHub_answers_never_crash_the_client() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("github-api", SeedFormat.Json, Seeds.GitHubAnswers, 500, Runs.Answered, null, (bytes, host, work) =>
            Runs.Parse(host, work, _ =>
            {
                using var http = new HttpClient(new FixedAnswer(HttpStatusCode.OK, bytes));
                var client = new GitHubClient(http, new Uri("https://api.github.com/"), "token", Quick);
                var cancel = CancellationToken.None;
                Call(() => client.GetRefAsync("o", "r", "heads/main", cancel).GetAwaiter().GetResult());
                Call(() => client.ListRefsAsync("o", "r", "heads/pipelines/", cancel).GetAwaiter().GetResult());
                Call(() => client.PullRequestsOfCommitAsync("o", "r", "aa21", cancel).GetAwaiter().GetResult());
                Call(() => client.ListStatusesAsync("o", "r", "aa21", cancel).GetAwaiter().GetResult());
                Call(() => client.SuccessfulRunsAsync("o", "r", 1, "main", cancel).GetAwaiter().GetResult());
                Call(() => client.CreateBlobAsync("o", "r", [1, 2], cancel).GetAwaiter().GetResult());
            })));

    /// <summary>Azure Repos answering 200 with anything: exit 3 naming Azure DevOps, never a crash or a "bad input".</summary>
    [TestMethod]
    public void Azure_Repos_answers_never_crash_the_client() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("azure-repos-api", SeedFormat.Json, Seeds.AzureReposAnswers, 500, Runs.Answered, null, (bytes, host, work) =>
            Runs.Parse(host, work, _ =>
            {
                using var http = new HttpClient(new FixedAnswer(HttpStatusCode.OK, bytes));
                var client = new AzureReposClient(http, new Uri("https://dev.azure.com/org/"), "Shop", "shop", "token", Quick);
                var cancel = CancellationToken.None;
                Call(() => client.GetRefAsync("refs/heads/main", cancel).GetAwaiter().GetResult());
                Call(() => client.ListRefsAsync("heads/pipelines/", cancel).GetAwaiter().GetResult());
                Call(() => client.GetCommitAsync("aa21", cancel).GetAwaiter().GetResult());
            })));

    /// <summary>
    /// One call of a client on the answer: the server's failure (exit 3) is a proper outcome, so the next call still
    /// runs; what the call returned is read whole (<see cref="Use"/>).
    /// </summary>
    internal static void Call(Func<object?> call)
    {
        try
        {
            Use(call());
        }
        catch (Pipelines.Core.Errors.OutsideSystemException)
        {
        }
    }

    internal static readonly HttpRetryOptions Quick = new(1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

    /// <summary>Reads every member of what a client answered, as the commands do: a null where the model says none can be is a crash.</summary>
    internal static void Use(object? value)
    {
        if (value is null or string or ValueType)
        {
            return;
        }

        if (value is System.Collections.IEnumerable items)
        {
            foreach (var item in items)
            {
                Use(item);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            var member = property.GetValue(value);
            var context = new System.Reflection.NullabilityInfoContext();
            if (member is null && context.Create(property).ReadState == System.Reflection.NullabilityState.NotNull)
            {
                throw new InvalidOperationException($"{value.GetType().Name}.{property.Name} is null, which its model says cannot be");
            }

            Use(member);
        }
    }
}

[TestClass]
public sealed class FeatureFlagFuzzTests
{
    private static readonly IReadOnlySet<int> ReadOrRefused = new HashSet<int> { 0, 2, 3 };

    /// <summary>
    /// A feature flag's JSON (App Configuration's value, a flag file's entry): read, or refused as bad input; a flag
    /// that is read is rewritten at another share and reads back at exactly that share.
    /// </summary>
    [TestMethod]
    public void Feature_flag_values_never_crash_the_flag_reader() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("feature-flag", SeedFormat.Json, Seeds.FeatureFlags, 800, Runs.Parsed, null, (bytes, host, work) =>
            Runs.Parse(host, work, _ =>
            {
                var flag = FeatureFlagValue.Parse(System.Text.Encoding.UTF8.GetString(bytes), "fuzzed", "fuzz");
                var again = FeatureFlagValue.Parse(flag.WithPercent(37.5), "fuzzed", "fuzz");
                if (again.Percent != 37.5 || again.Kind != flag.Kind)
                {
                    throw new InvalidOperationException($"a {flag.Kind} flag set to 37.5% reads back as {again.Percent}% ({again.Kind})");
                }
            })));

    /// <summary>App Configuration answering 200 with anything: read (exit 0), a bad flag (exit 2) or the server's failure (exit 3), never a crash.</summary>
    [TestMethod]
    public void App_Configuration_answers_never_crash_the_flag_store() =>
        ResultFileFuzzTests.AssertClean(FuzzCampaign.Run("appconfig-api", SeedFormat.Json, Seeds.AppConfigurationAnswers, 400, ReadOrRefused, null, (bytes, host, work) =>
            Runs.Parse(host, work, _ =>
            {
                var options = new AzureClientOptions(new HttpRetryOptions(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)))
                {
                    Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(new FixedAnswer(HttpStatusCode.OK, bytes))),
                };
                var store = AppConfigurationFlagStore.Open(null, "Endpoint=https://fuzz.azconfig.io;Id=id;Secret=c2VjcmV0", null, options: options);
                var seen = store.ReadAsync("new-checkout", CancellationToken.None).GetAwaiter().GetResult();
                store.SetPercentAsync(seen, 0, CancellationToken.None).GetAwaiter().GetResult();
            })));
}

/// <summary>A file tree of bytes decoded the way <c>GitTree</c> decodes a commit's files (UTF-8, BOM dropped).</summary>
internal sealed class BytesTree : Pipelines.Adapters.Files.IFileTree
{
    private readonly SortedDictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Files => [.. _files.Keys];

    public void Add(string path, byte[] bytes) => _files[path] = bytes;

    public bool FileExists(string path) => _files.ContainsKey(path);

    public bool DirectoryExists(string path) => path.Length == 0 || _files.Keys.Any(f => f.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal));

    public string? ReadText(string path) => _files.TryGetValue(path, out var bytes) ? Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF') : null;
}

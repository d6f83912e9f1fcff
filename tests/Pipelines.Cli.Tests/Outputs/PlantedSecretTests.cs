using Pipelines.Cli.Outputs;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Outputs;

/// <summary>
/// Secrets planted where a run finds them — GITHUB_TOKEN, SYSTEM_ACCESSTOKEN, an Azure client secret, a URL's
/// user-info — and echoed back by a server in its error body: none appears in standard output, standard error, the
/// step summary or the output file, except in the one line that tells the host to mask it.
/// </summary>
[TestClass]
public sealed class PlantedSecretTests
{
    private const string GitHubToken = "ghs_PlantedGitHubToken0001";
    private const string AccessToken = "ado_PlantedAccessToken0002";
    private const string ClientSecret = "azs_PlantedClientSecret0003";
    private const string UrlToken = "url_PlantedUserInfoToken0004";
    private static readonly string[] Planted = [GitHubToken, AccessToken, ClientSecret, UrlToken];

    private const string Gate = """
        gate:
          provider: file
          metrics:
            - name: server-errors
              kind: ratio
              bad: increase
              critical: true
          min-samples: 20
        """;

    private static TempDirectory Failing()
    {
        var dir = new TempDirectory();
        dir.Write(".pipelines/pipelines.yml", Gate);
        dir.Write("data.json", """{"metrics": {"server-errors": {"canary": {"events": 5000, "trials": 100000}, "baseline": {"events": 500, "trials": 100000}}}}""");
        return dir;
    }

    /// <summary>A server that answers every write with an error quoting every header and secret it could have seen.</summary>
    private static FaultServer Echoing(string emptyList = "[]") => new(request => request.Method == "GET"
        ? new FaultResponse(200, emptyList)
        : new FaultResponse(401, $$"""{"message":"Bad credentials {{GitHubToken}} {{AccessToken}} {{ClientSecret}} {{UrlToken}}"}"""));

    private static void AssertNowhere(CliRun run, TempDirectory dir, params string[] maskLines)
    {
        var files = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("data.json", StringComparison.Ordinal)).ToList();
        var texts = new List<(string Where, string Text)> { ("stdout", run.StandardOutput), ("stderr", run.StandardError) };
        texts.AddRange(files.Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
        foreach (var (where, text) in texts)
        {
            foreach (var line in text.Split('\n').Where(l => !maskLines.Any(m => l.StartsWith(m, StringComparison.Ordinal))))
            {
                foreach (var secret in Planted)
                {
                    Assert.DoesNotContain(secret, line, $"{where}: {line}");
                }
            }
        }
    }

    [TestMethod]
    public void On_GitHub_no_planted_secret_is_printed_even_when_the_server_echoes_them()
    {
        using var dir = Failing();
        using var api = Echoing();
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = Path.Combine(dir.Path, "output"),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir.Path, "summary"),
            ["GITHUB_TOKEN"] = GitHubToken,
            ["SYSTEM_ACCESSTOKEN"] = AccessToken,
            ["AZURE_CLIENT_SECRET"] = ClientSecret,
            ["GITHUB_REPOSITORY"] = "shop/web",
            ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
            ["GITHUB_API_URL"] = $"http://x-access-token:{UrlToken}@{api.BaseAddress.Authority}/",
        };

        var run = CliRunner.Run(dir.Path, env, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(3, run.ExitCode, run.StandardError);
        Assert.IsTrue(api.Requests.Any(r => r.Method == "POST"), "the status write reached the server, which echoed the secrets");
        StringAssert.Contains(run.StandardOutput + run.StandardError, "401 Bad credentials *** *** *** ***");
        AssertNowhere(run, dir, "::add-mask::");
    }

    [TestMethod]
    public void On_Azure_Pipelines_no_planted_secret_is_printed_even_when_the_server_echoes_them()
    {
        using var dir = Failing();
        using var api = Echoing("""{"value":[],"count":0}""");
        var env = new Dictionary<string, string?>
        {
            ["TF_BUILD"] = "True",
            ["AGENT_TEMPDIRECTORY"] = dir.Path,
            ["SYSTEM_ACCESSTOKEN"] = AccessToken,
            ["GITHUB_TOKEN"] = GitHubToken,
            ["AZURE_CLIENT_SECRET"] = ClientSecret,
            ["SYSTEM_COLLECTIONURI"] = $"http://build:{UrlToken}@{api.BaseAddress.Authority}/fabrikam/",
            ["SYSTEM_TEAMPROJECT"] = "Shop",
            ["BUILD_REPOSITORY_NAME"] = "shop",
            ["BUILD_BUILDID"] = "77",
            ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "5",
        };

        var run = CliRunner.Run(dir.Path, env, "metrics-gate", "--data", "data.json");

        Assert.AreEqual(3, run.ExitCode, run.StandardError);
        Assert.IsTrue(api.Requests.Any(r => r.Method == "POST"), "the status write reached the server, which echoed the secrets");
        AssertNowhere(run, dir, "##vso[task.setsecret]");
    }

    [TestMethod]
    [DataRow("https://user:s3cr3t-pass@ghe.example.com/api/v3", "https://***@ghe.example.com/api/v3")]
    [DataRow("could not reach http://token-only-value@127.0.0.1:9/x: refused", "could not reach http://***@127.0.0.1:9/x: refused")]
    [DataRow("https://github.com/o/r/commit/abc and git@github.com:o/r", "https://github.com/o/r/commit/abc and git@github.com:o/r")]
    public void Credentials_in_a_url_are_redacted_wherever_the_url_is_printed(string text, string printed) =>
        Assert.AreEqual(printed, new Redactor().Redact(text));

    [TestMethod]
    public void The_user_info_of_a_url_in_the_environment_is_a_secret_even_where_the_url_is_not_printed_whole()
    {
        var redactor = new Redactor();
        redactor.AddFromEnvironment(new Dictionary<string, string?> { ["GITHUB_API_URL"] = "https://user:p%40ss-word-1@ghe.example.com/api/v3" });

        Assert.AreEqual("echoed: *** and ***", redactor.Redact("echoed: p%40ss-word-1 and p@ss-word-1"));
    }
}

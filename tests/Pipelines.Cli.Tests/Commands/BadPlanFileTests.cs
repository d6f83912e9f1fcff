using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Commands;

/// <summary>
/// run-tests --plan on a plan file that is not a whole plan: exit 2 with one message naming the file, the JSON path and
/// what was expected — never a crash, and never a null id or filter reaching <c>dotnet test</c>.
/// </summary>
[TestClass]
public sealed class BadPlanFileTests
{
    private const string Whole = """
        {
          "format": "pipelines-plan/1", "seed": "3", "seedSource": "--seed", "by": "class", "order": "slowest-first",
          "lowerBoundSeconds": 2, "predictedMakespanSeconds": 2, "testCount": 2, "estimatedUnits": 0, "categoryFilter": "",
          "shards": [ { "index": 1, "predictedSeconds": 2,
            "units": [ { "id": "Shop.Tests.CartTests", "seconds": 2, "estimated": false, "restricted": false } ],
            "filters": [ "FullyQualifiedName~Shop.Tests.CartTests" ] } ],
          "warnings": []
        }
        """;

    private static CliRun RunTests(string plan)
    {
        using var dir = new TempDirectory();
        dir.Write("test-plan.json", plan);
        return CliRunner.Run(dir.Path, "run-tests", "--shard", "1", "--plan", "test-plan.json", "--dotnet-test-args", "no-such-project.csproj");
    }

    private static void AssertBad(string plan, string expected)
    {
        var run = RunTests(plan);

        Assert.AreEqual(2, run.ExitCode, run.StandardError + run.StandardOutput);
        StringAssert.Contains(run.StandardError, "test-plan.json: " + expected);
        Assert.HasCount(1, run.StandardError.Split('\n').Where(l => l.StartsWith("error", StringComparison.Ordinal)).ToList(), run.StandardError);
        Assert.DoesNotContain("Exception", run.StandardError);
    }

    [TestMethod]
    public void A_test_count_past_the_int32_range_names_its_json_path() =>
        AssertBad(Whole.Replace("\"testCount\": 2", "\"testCount\": 3000000000", StringComparison.Ordinal),
            "$.testCount: expected a whole number from 0 to 2147483647, found 3000000000");

    [TestMethod]
    public void A_shard_index_that_is_not_whole_names_its_json_path() =>
        AssertBad(Whole.Replace("\"index\": 1", "\"index\": 1.5", StringComparison.Ordinal),
            "$.shards[0].index: expected a whole number from 0 to 2147483647, found 1.5");

    [TestMethod]
    public void A_null_unit_id_is_bad_input_naming_its_json_path() =>
        AssertBad(Whole.Replace("\"id\": \"Shop.Tests.CartTests\"", "\"id\": null", StringComparison.Ordinal),
            "$.shards[0].units[0].id: expected a string, found null");

    [TestMethod]
    public void A_null_seed_is_bad_input_naming_its_json_path() =>
        AssertBad(Whole.Replace("\"seed\": \"3\"", "\"seed\": null", StringComparison.Ordinal), "$.seed: expected a string, found null");

    [TestMethod]
    public void A_null_filter_never_reaches_dotnet_test() =>
        AssertBad(Whole.Replace("\"FullyQualifiedName~Shop.Tests.CartTests\"", "null", StringComparison.Ordinal),
            "$.shards[0].filters[0]: expected a string, found null");

    [TestMethod]
    public void An_empty_filter_never_runs_the_whole_suite_on_a_shard() =>
        AssertBad(Whole.Replace("\"FullyQualifiedName~Shop.Tests.CartTests\"", "\"\"", StringComparison.Ordinal),
            "$.shards[0].filters[0]: expected a test filter, found an empty string");

    [TestMethod]
    public void Null_filters_are_bad_input_naming_their_json_path() =>
        AssertBad(Whole.Replace("\"filters\": [ \"FullyQualifiedName~Shop.Tests.CartTests\" ]", "\"filters\": null", StringComparison.Ordinal),
            "$.shards[0].filters: expected a list, found null");

    [TestMethod]
    public void A_missing_member_is_named_with_the_object_it_belongs_to() =>
        AssertBad(Whole.Replace("\"order\": \"slowest-first\",", "", StringComparison.Ordinal), "$: expected a \"order\" member");

    [TestMethod]
    public void A_plan_of_another_version_says_which_it_expects() =>
        AssertBad(Whole.Replace("pipelines-plan/1", "pipelines-plan/0", StringComparison.Ordinal), "$.format: expected \"pipelines-plan/1\"");

    [TestMethod]
    public void A_root_that_is_not_an_object_is_bad_input() => AssertBad("[1, 2]", "$: expected an object, found a list");

    [TestMethod]
    public void An_unknown_placement_is_bad_input() =>
        AssertBad(Whole.Replace("\"by\": \"class\"", "\"by\": \"shard\"", StringComparison.Ordinal), "$.by: expected \"test\", \"class\" or \"file\"");

    [TestMethod]
    public void A_negative_duration_is_bad_input() =>
        AssertBad(Whole.Replace("\"seconds\": 2", "\"seconds\": -1", StringComparison.Ordinal), "$.shards[0].units[0].seconds: expected a finite number from 0 to 31536000, found -1");

    [TestMethod]
    public void Text_that_is_not_json_names_the_line_and_column()
    {
        var run = RunTests("{ \"format\": ");

        Assert.AreEqual(2, run.ExitCode, run.StandardError);
        StringAssert.Contains(run.StandardError, "test-plan.json(1,");
        StringAssert.Contains(run.StandardError, "the plan file is not valid JSON");
    }
}

using System.Text.Json.Nodes;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// Every Azure DevOps task manifest (tasks/*/task.json) validates against Microsoft's task schema (kept in Schemas/, see
/// its README) and runs on the current Node handlers.
/// </summary>
[TestClass]
public sealed class TaskManifestTests
{
    private static readonly string[] RequiredHandlers = ["Node20_1", "Node24"];

    private static string Schema => SourceTree.PathOf("tests/Pipelines.Cli.Tests/Packaging/Schemas/task.schema.json");

    private static List<string> TaskManifests() =>
        [.. Directory.GetDirectories(SourceTree.PathOf("tasks")).Select(d => Path.Combine(d, "task.json")).Where(File.Exists).Order(StringComparer.Ordinal)];

    private static ProgramRun ValidateJson(IEnumerable<string> files)
    {
        TestTools.PathOf("ajv-draft-04/package.json"); // installs the pinned tools on first use
        return Programs.Run("node", [SourceTree.PathOf("tools/validate-json.mjs"), Schema, .. files]);
    }

    /// <summary>
    /// What is wrong with a manifest's handlers: a missing current Node handler, or one whose target will not be in the
    /// task's folder — a file there, or the shim (tasks/index.js) that build/release.sh copies into every task.
    /// </summary>
    private static IEnumerable<string> HandlerProblems(string file, JsonNode manifest)
    {
        var execution = manifest["execution"] as JsonObject;
        foreach (var handler in RequiredHandlers)
        {
            var target = (string?)execution?[handler]?["target"];
            if (target is null)
            {
                yield return $"{file}: execution has no {handler} handler; expected {string.Join(" and ", RequiredHandlers)}, each with a target";
            }
            else if (!File.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)) && !(target == "index.js" && File.Exists(SourceTree.PathOf("tasks/index.js"))))
            {
                yield return $"{file}: the {handler} handler's target '{target}' is not in the task's folder";
            }
        }
    }

    [TestMethod]
    public void Every_task_manifest_validates_against_the_task_schema()
    {
        var manifests = TaskManifests();
        Assert.IsNotEmpty(manifests);

        var run = ValidateJson(manifests);

        Assert.AreEqual(0, run.ExitCode, run.StandardOutput + run.StandardError);
    }

    [TestMethod]
    public void A_task_manifest_with_a_misspelled_handler_or_an_input_without_a_type_fails_the_schema()
    {
        using var dir = new TempDirectory();
        var real = SourceTree.PathOf("tasks/SelectTests/task.json");
        var misspelled = JsonNode.Parse(File.ReadAllText(real))!;
        var execution = misspelled["execution"]!.AsObject();
        execution["Node_24"] = execution["Node24"]!.DeepClone();
        execution.Remove("Node24");
        var untyped = JsonNode.Parse(File.ReadAllText(real))!;
        untyped["inputs"]![1]!.AsObject().Remove("type");
        var handlerFile = dir.Write("handler/task.json", misspelled.ToJsonString());
        var inputFile = dir.Write("input/task.json", untyped.ToJsonString());

        var run = ValidateJson([real, handlerFile, inputFile]);

        Assert.AreEqual(1, run.ExitCode, run.StandardOutput + run.StandardError);
        StringAssert.Contains(run.StandardOutput, $"{handlerFile}: /execution must NOT have additional properties (additionalProperty: \"Node_24\")");
        StringAssert.Contains(run.StandardOutput, $"{inputFile}: /inputs/1 must have required property 'type'");
        Assert.DoesNotContain(real, run.StandardOutput, "the real manifest beside them is valid");
    }

    [TestMethod]
    public void Every_task_declares_the_Node20_1_and_Node24_handlers_with_a_target_in_its_folder()
    {
        var manifests = TaskManifests();
        Assert.IsNotEmpty(manifests);

        var problems = manifests.SelectMany(m => HandlerProblems(m, JsonNode.Parse(File.ReadAllText(m))!)).ToList();

        Assert.IsEmpty(problems, string.Join('\n', problems));
    }

    [TestMethod]
    public void A_task_without_the_Node24_handler_is_caught()
    {
        var real = SourceTree.PathOf("tasks/SelectTests/task.json");
        var manifest = JsonNode.Parse(File.ReadAllText(real))!;
        manifest["execution"]!.AsObject().Remove("Node24");

        var problems = HandlerProblems(real, manifest).ToList();

        Assert.HasCount(1, problems);
        Assert.AreEqual($"{real}: execution has no Node24 handler; expected Node20_1 and Node24, each with a target", problems[0]);
    }
}

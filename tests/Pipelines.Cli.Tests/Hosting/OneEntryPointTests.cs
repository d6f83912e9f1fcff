using System.Text.RegularExpressions;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Hosting;

/// <summary>
/// Issue #15's acceptance, kept: the CI's variables are read by the CI environment classes only, and HTTP clients and
/// Azure credentials are made by the composition root only.
/// </summary>
[TestClass]
public sealed class OneEntryPointTests
{
    private static IEnumerable<(string File, int Line, string Text)> Matches(string pattern) =>
        from file in Directory.EnumerateFiles(Path.Combine(SourceTree.Root, "src"), "*.cs", SearchOption.AllDirectories)
        where !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        from line in File.ReadLines(file).Select((text, i) => (Text: text, Number: i + 1))
        where Regex.IsMatch(line.Text, pattern)
        select (Path.GetRelativePath(SourceTree.Root, file).Replace('\\', '/'), line.Number, line.Text.Trim());

    [TestMethod]
    public void The_CIs_detection_and_event_variables_are_read_by_the_CI_environment_classes_only()
    {
        string[] allowed = ["src/Pipelines.Cli/Hosting/CiEnvironment.cs", "src/Pipelines.Cli/Hosting/GitHubActions.cs", "src/Pipelines.Cli/Hosting/AzurePipelines.cs"];

        var elsewhere = Matches("TF_BUILD|GITHUB_EVENT_PATH").Where(m => !allowed.Contains(m.File)).ToList();

        Assert.IsEmpty(elsewhere, string.Join('\n', elsewhere));
    }

    [TestMethod]
    public void Http_clients_and_Azure_credentials_are_made_by_the_composition_root_only()
    {
        var elsewhere = Matches(@"new HttpClient\b|static (readonly )?HttpClient\b|new (Azure\.Identity\.)?DefaultAzureCredential\b")
            .Where(m => m.File != "src/Pipelines.Cli/Composition/Connections.cs").ToList();

        Assert.IsEmpty(elsewhere, string.Join('\n', elsewhere));
    }
}

using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Tests;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs <c>pipelines</c> in-process with its own environment, so tests can run in parallel.</summary>
internal static class CliRunner
{
    public static CliRun Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(environment, workingDirectory, stdout, stderr);
        var exit = PipelinesCli.Run(args, context);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    public static CliRun Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string?>(), args);
}

/// <summary>Reads back what the GitHub runner would read from <c>$GITHUB_OUTPUT</c>.</summary>
internal static class GitHubOutputFile
{
    public static Dictionary<string, string> Parse(string text)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            if (heredoc < 0)
            {
                var eq = line.IndexOf('=', StringComparison.Ordinal);
                outputs[line[..eq]] = line[(eq + 1)..];
                continue;
            }

            var name = line[..heredoc];
            var delimiter = line[(heredoc + 2)..];
            var value = new List<string>();
            for (i++; lines[i] != delimiter; i++)
            {
                value.Add(lines[i]);
            }

            outputs[name] = string.Join('\n', value);
        }

        return outputs;
    }
}

/// <summary>Reads back what the Azure Pipelines agent would take from <c>##vso[task.setvariable]</c> lines.</summary>
internal static class AzureLog
{
    public static Dictionary<string, string> OutputVariables(string log)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in log.Split('\n'))
        {
            const string prefix = "##vso[task.setvariable ";
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var close = line.IndexOf(']', StringComparison.Ordinal);
            var properties = line[prefix.Length..close].Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Unescape(p[1]));
            Assert.AreEqual("true", properties["isOutput"]);
            variables[properties["variable"]] = Unescape(line[(close + 1)..].TrimEnd('\r'));
        }

        return variables;
    }

    public static string Unescape(string value) =>
        value.Replace("%3B", ";", StringComparison.Ordinal).Replace("%5D", "]", StringComparison.Ordinal)
            .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
            .Replace("%AZP25", "%", StringComparison.Ordinal);
}

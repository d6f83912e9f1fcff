using System.Globalization;
using System.Text.Json;
using Pipelines.Core.Revert;

namespace Pipelines.Adapters.Formats;

/// <summary>
/// One JSON line per decision, appended to a file a workflow keeps as an artifact: over time it tells how often a
/// revert was right (the re-land fixed a test) and how often the red was a flake.
/// </summary>
public static class DecisionLog
{
    public static void Append(string path, RevertDecision decision, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("at", at.ToString("o", CultureInfo.InvariantCulture));
            writer.WriteString("branch", decision.Branch);
            writer.WriteString("green", decision.Green);
            writer.WriteString("red", decision.Red);
            writer.WriteString("verdict", decision.Verdict.Name());
            writer.WriteString("reason", decision.Reason);
            writer.WriteString("culprit", decision.Culprit?.Sha);
            writer.WriteString("revertSha", decision.Attempt?.RevertSha);
            writer.WriteString("pullRequest", decision.Attempt?.PullRequest);
            writer.WriteStartArray("failingTests");
            foreach (var test in decision.FailingTests)
            {
                writer.WriteStringValue(test);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("probes");
            foreach (var probe in decision.Probes)
            {
                writer.WriteStartObject();
                writer.WriteString("sha", probe.Sha);
                writer.WriteString("purpose", probe.Purpose);
                writer.WriteNumber("attempts", probe.Attempts.Count);
                writer.WriteBoolean("passed", probe.Passed);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(buffer.ToArray());
    }
}

using System.Globalization;
using System.Text.Json;
using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;
using Pipelines.Core.Planning;

namespace Pipelines.Adapters.ResultFiles;

/// <summary>
/// The merged timing history as one compact JSON file, meant for a CI cache: a few recent durations per test,
/// in milliseconds' precision, instead of every result file ever written.
/// </summary>
public static class TimingFile
{
    public const string Format = "pipelines-timings/1";

    /// <summary>The history in <paramref name="path"/>; empty when the file does not exist yet (a cold cache).</summary>
    public static TimingHistory Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return new TimingHistory();
        }

        var (file, document) = JsonInput.Load(path, path, "timing file");
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || JsonInput.TextOrNull(format) != Format)
            {
                throw new InputException($"{path}: not a timing file of this version (expected \"format\": \"{Format}\")");
            }

            var tests = new List<TestTiming>();
            foreach (var (test, at) in file.Items(file.Member(root, "tests", "$"), "$.tests"))
            {
                tests.Add(new TestTiming(
                    file.Text(file.Member(test, "id", at), at + ".id"),
                    file.Text(file.Member(test, "class", at), at + ".class"),
                    file.Optional(test, "file", at) is { ValueKind: JsonValueKind.String } name ? file.Text(name, at + ".file") : null,
                    [.. file.Items(file.Member(test, "seconds", at), at + ".seconds").Select(s => file.Number(s.Item, s.Path, 0, TestIds.MaxSeconds))],
                    file.Optional(test, "source", at) is { ValueKind: JsonValueKind.String } source ? file.Text(source, at + ".source") : null,
                    file.Optional(test, "categories", at) is { ValueKind: JsonValueKind.Array } categories
                        ? [.. file.Items(categories, at + ".categories").Select(c => file.Text(c.Item, c.Path))]
                        : null));
            }

            return new TimingHistory(tests);
        }
    }

    /// <summary>Writes the file whole or not at all, so a cancelled job never leaves half a cache behind.</summary>
    public static void Write(string path, TimingHistory history)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(history);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteStartArray("tests");
            foreach (var test in history.Tests)
            {
                writer.WriteStartObject();
                writer.WriteString("id", test.Id);
                writer.WriteString("class", test.ClassName);
                if (test.File is not null)
                {
                    writer.WriteString("file", test.File);
                }

                if (test.Source is not null)
                {
                    writer.WriteString("source", test.Source);
                }

                if (test.Categories is not null)
                {
                    writer.WriteStartArray("categories");
                    foreach (var category in test.Categories)
                    {
                        writer.WriteStringValue(category);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteStartArray("seconds");
                foreach (var seconds in test.Seconds)
                {
                    writer.WriteRawValue(Math.Round(seconds, 3).ToString("0.###", CultureInfo.InvariantCulture));
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        File.Move(temporary, path, overwrite: true);
    }
}

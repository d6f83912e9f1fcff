using System.Globalization;
using System.Text.Json;
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

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format)
            {
                throw new InputException($"{path}: not a timing file of this version (expected \"format\": \"{Format}\")");
            }

            var tests = new List<TestTiming>();
            foreach (var test in root.GetProperty("tests").EnumerateArray())
            {
                tests.Add(new TestTiming(
                    test.GetProperty("id").GetString()!,
                    test.GetProperty("class").GetString()!,
                    test.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.String ? file.GetString() : null,
                    [.. test.GetProperty("seconds").EnumerateArray().Select(s => s.GetDouble())],
                    test.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String ? source.GetString() : null,
                    test.TryGetProperty("categories", out var categories) && categories.ValueKind == JsonValueKind.Array
                        ? [.. categories.EnumerateArray().Select(c => c.GetString()!)]
                        : null));
            }

            return new TimingHistory(tests);
        }
        catch (JsonException ex)
        {
            throw InputException.At(path, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, "not valid JSON: " + ex.Message);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"{path}: a timing file needs \"tests\": [{{\"id\", \"class\", \"seconds\": [...]}}]: {ex.Message}", ex);
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

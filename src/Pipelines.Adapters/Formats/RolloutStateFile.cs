using System.Globalization;
using System.Text.Json;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;

namespace Pipelines.Adapters.Formats;

/// <summary>
/// A rollout's state as a JSON file (kept as a workflow artifact between jobs), replaced atomically on every save so
/// a crash leaves either the old state or the new one, never half of one. Two shapes, as written since the first
/// release and read back unchanged: a fleet's (<c>waves</c>, <c>rest</c>, <c>hosts</c>, <c>wavesDone</c>) and a
/// slot's (<c>steps</c>, <c>stepsDone</c>, <c>traffic</c>, <c>trafficIntent</c>, <c>deployed</c>, <c>swapIntent</c>),
/// both with <c>version</c>, <c>previous</c>, <c>phase</c>, <c>timeline</c> and <c>verdict</c>. A file that is not
/// one of them whole — a field missing, null or of the wrong type, a host in a wave that is not in <c>hosts</c>, an
/// unknown phase — is bad input naming the file and the field, never half a rollout to act on.
/// </summary>
public sealed class RolloutStateFile(string path, string displayPath) : IRolloutStore
{
    private static readonly string[] Phases = Enum.GetNames<RolloutPhase>();
    private static readonly string[] Statuses = Enum.GetNames<HostStatus>();

    public string Path => path;

    /// <summary>The state in the file; null when there is no file yet.</summary>
    public RolloutState? Load()
    {
        if (!File.Exists(path))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InputException($"--state: {displayPath} is not a rollout state file: not valid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}", ex);
        }

        using (document)
        {
            return new Reader(displayPath).State(document.RootElement);
        }
    }

    public void Save(RolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        using (var file = File.Create(temporary))
        {
            using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
            Write(writer, state);
        }

        File.Move(temporary, full, overwrite: true);
    }

    private static void Write(Utf8JsonWriter writer, RolloutState state)
    {
        writer.WriteStartObject();
        writer.WriteString("version", state.Version);
        writer.WriteString("previous", state.Previous);
        switch (state.Target)
        {
            case FleetState fleet:
                writer.WriteStartArray("waves");
                foreach (var wave in fleet.Waves)
                {
                    Strings(writer, null, wave);
                }

                writer.WriteEndArray();
                Strings(writer, "rest", fleet.Rest);
                writer.WriteStartObject("hosts");
                foreach (var (host, status) in fleet.Hosts)
                {
                    writer.WriteString(host, status.ToString());
                }

                writer.WriteEndObject();
                writer.WriteString("phase", state.Phase.ToString());
                writer.WriteNumber("wavesDone", state.StepsDone);
                Common(writer, state);

                // Derived, kept for people and tools reading the artifact.
                Strings(writer, "touched", fleet.Touched);
                Strings(writer, "onNew", fleet.OnNew);
                Strings(writer, "onPrevious", fleet.OnPrevious);
                break;
            case SlotState slot:
                writer.WriteStartArray("steps");
                foreach (var step in slot.Steps)
                {
                    writer.WriteNumberValue(step);
                }

                writer.WriteEndArray();
                writer.WriteNumber("stepsDone", state.StepsDone);
                writer.WriteNumber("traffic", slot.Traffic);
                if (slot.TrafficIntent is { } intent)
                {
                    writer.WriteNumber("trafficIntent", intent);
                }
                else
                {
                    writer.WriteNull("trafficIntent");
                }

                writer.WriteBoolean("deployed", slot.Deployed);
                writer.WriteBoolean("swapIntent", slot.SwapIntent);
                writer.WriteString("phase", state.Phase.ToString());
                Common(writer, state);
                break;
            case FlagState flag:
                writer.WriteString("flag", flag.Flag);
                writer.WriteString("store", flag.Store);
                writer.WriteStartArray("steps");
                foreach (var step in flag.Steps)
                {
                    writer.WriteNumberValue(step);
                }

                writer.WriteEndArray();
                writer.WriteNumber("stepsDone", state.StepsDone);
                Nullable(writer, "percent", flag.Percent);
                Nullable(writer, "percentIntent", flag.PercentIntent);
                writer.WriteString("phase", state.Phase.ToString());
                Common(writer, state);
                break;
            default:
                throw new InvalidOperationException($"no state file shape for a {state.Target.Kind} rollout");
        }

        writer.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void Common(Utf8JsonWriter writer, RolloutState state)
    {
        writer.WriteStartArray("timeline");
        foreach (var e in state.Timeline)
        {
            writer.WriteStartObject();
            writer.WriteString("time", e.Time);
            writer.WriteString("what", e.What);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("verdict", state.Verdict);
    }

    private static void Strings(Utf8JsonWriter writer, string? name, IEnumerable<string> values)
    {
        if (name is null)
        {
            writer.WriteStartArray();
        }
        else
        {
            writer.WriteStartArray(name);
        }

        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads one state file, field by field, each problem named by the field's path.</summary>
    private sealed class Reader(string file)
    {
        public RolloutState State(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad("the document", $"expected an object with the rollout's fields, got {Kind(root)}");
            }

            var version = Text(root, "version");
            var previous = Text(root, "previous");
            var phase = Choice(root, "phase", Phases, Enum.Parse<RolloutPhase>);
            var timeline = Timeline(root);
            var verdict = root.TryGetProperty("verdict", out var v) && v.ValueKind != JsonValueKind.Null ? Text(root, "verdict") : null;
            if (root.TryGetProperty("flag", out _))
            {
                var flag = FlagPart(root);
                return new RolloutState(version, previous, phase, Count(root, "stepsDone", flag.StepCount), timeline, flag, verdict);
            }

            if (root.TryGetProperty("waves", out _) || root.TryGetProperty("hosts", out _))
            {
                var fleet = Fleet(root);
                return new RolloutState(version, previous, phase, Count(root, "wavesDone", fleet.Waves.Count), timeline, fleet, verdict);
            }

            if (root.TryGetProperty("steps", out _) || root.TryGetProperty("traffic", out _))
            {
                var slot = Slot(root);
                return new RolloutState(version, previous, phase, Count(root, "stepsDone", slot.Steps.Count), timeline, slot, verdict);
            }

            throw Bad("the document", "holds neither a fleet rollout (waves, rest, hosts), a slot rollout (steps, traffic) nor a flag release (flag, store, steps)");
        }

        private FleetState Fleet(JsonElement root)
        {
            var hostsElement = Field(root, "hosts", JsonValueKind.Object);
            var hosts = new Dictionary<string, HostStatus>(StringComparer.Ordinal);
            foreach (var host in hostsElement.EnumerateObject())
            {
                if (!hosts.TryAdd(host.Name, ChoiceOf(host.Value, $"hosts.{host.Name}", Statuses, Enum.Parse<HostStatus>)))
                {
                    throw Bad($"hosts.{host.Name}", "is listed twice");
                }
            }

            var placed = new HashSet<string>(StringComparer.Ordinal);
            string Placed(JsonElement element, string at)
            {
                var host = TextOf(element, at);
                return !hosts.ContainsKey(host) ? throw Bad(at, $"'{host}' is not in hosts")
                    : !placed.Add(host) ? throw Bad(at, $"'{host}' is in more than one wave (or in a wave and in rest)")
                    : host;
            }

            var waves = new List<IReadOnlyList<string>>();
            var wavesElement = Field(root, "waves", JsonValueKind.Array);
            foreach (var (wave, i) in wavesElement.EnumerateArray().Select((w, i) => (w, i)))
            {
                var at = $"waves[{i}]";
                Expect(wave, at, JsonValueKind.Array);
                waves.Add([.. wave.EnumerateArray().Select((h, j) => Placed(h, $"{at}[{j}]"))]);
                if (waves[^1].Count == 0)
                {
                    throw Bad(at, "a wave with no hosts");
                }
            }

            var rest = Field(root, "rest", JsonValueKind.Array).EnumerateArray().Select((h, j) => Placed(h, $"rest[{j}]")).ToList();
            var lost = hosts.Keys.FirstOrDefault(h => !placed.Contains(h));
            return lost is null ? new FleetState(waves, rest, hosts) : throw Bad($"hosts.{lost}", "is in no wave and not in rest");
        }

        private SlotState Slot(JsonElement root)
        {
            var steps = new List<double>();
            foreach (var (step, i) in Field(root, "steps", JsonValueKind.Array).EnumerateArray().Select((s, i) => (s, i)))
            {
                var share = Share(step, $"steps[{i}]");
                steps.Add(share is > 0 and < 100 && (steps.Count == 0 || share > steps[^1])
                    ? share
                    : throw Bad($"steps[{i}]", $"expected a rising share of traffic between 0 and 100, got {share.ToString(CultureInfo.InvariantCulture)}"));
            }

            var intent = root.TryGetProperty("trafficIntent", out var i2) && i2.ValueKind != JsonValueKind.Null ? Share(i2, "trafficIntent") : (double?)null;
            return new SlotState(steps, Share(Field(root, "traffic", JsonValueKind.Number), "traffic"), intent, Flag(root, "deployed"), Flag(root, "swapIntent"));
        }

        private FlagState FlagPart(JsonElement root)
        {
            var steps = new List<double>();
            foreach (var (step, i) in Field(root, "steps", JsonValueKind.Array).EnumerateArray().Select((s, i) => (s, i)))
            {
                var share = Share(step, $"steps[{i}]");
                steps.Add(share > 0 && (steps.Count == 0 || share > steps[^1])
                    ? share
                    : throw Bad($"steps[{i}]", $"expected a rising share of users above 0 and at most 100, got {share.ToString(CultureInfo.InvariantCulture)}"));
            }

            double? Optional(string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Share(value, name) : null;
            return new FlagState(Text(root, "flag"), Text(root, "store"), steps, Optional("percent"), Optional("percentIntent"));
        }

        private List<RolloutEvent> Timeline(JsonElement root)
        {
            var events = new List<RolloutEvent>();
            foreach (var (e, i) in Field(root, "timeline", JsonValueKind.Array).EnumerateArray().Select((e, i) => (e, i)))
            {
                var at = $"timeline[{i}]";
                Expect(e, at, JsonValueKind.Object);
                var time = Field(e, "time", JsonValueKind.String, at);
                events.Add(new RolloutEvent(
                    time.TryGetDateTimeOffset(out var when) ? when : throw Bad($"{at}.time", $"expected a date and time such as 2025-01-31T12:00:00+00:00, got '{time.GetString()}'"),
                    Text(e, "what", at)));
            }

            return events;
        }

        private string Text(JsonElement parent, string name, string? at = null)
        {
            var path = Join(at, name);
            var value = Field(parent, name, JsonValueKind.String, at).GetString()!;
            return value.Length > 0 ? value : throw Bad(path, "expected a non-empty string, got \"\"");
        }

        /// <summary>An element that is itself the string (a host in a wave).</summary>
        private string TextOf(JsonElement element, string at)
        {
            Expect(element, at, JsonValueKind.String);
            var value = element.GetString()!;
            return value.Length > 0 ? value : throw Bad(at, "expected a non-empty string, got \"\"");
        }

        private T Choice<T>(JsonElement parent, string name, string[] names, Func<string, T> parse) =>
            ChoiceOf(Field(parent, name, JsonValueKind.String), name, names, parse);

        private T ChoiceOf<T>(JsonElement element, string at, string[] names, Func<string, T> parse)
        {
            Expect(element, at, JsonValueKind.String);
            var text = element.GetString()!;
            var known = names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            return known is not null ? parse(known) : throw Bad(at, $"expected one of {string.Join(", ", names)}, got '{text}'");
        }

        private int Count(JsonElement parent, string name, int most)
        {
            var element = Field(parent, name, JsonValueKind.Number);
            return element.TryGetInt32(out var count) && count >= 0 && count <= most
                ? count
                : throw Bad(name, $"expected a whole number from 0 to {most}, got {element.GetRawText()}");
        }

        private double Share(JsonElement element, string at)
        {
            Expect(element, at, JsonValueKind.Number);
            return element.TryGetDouble(out var share) && share is >= 0 and <= 100
                ? share
                : throw Bad(at, $"expected a share of traffic from 0 to 100, got {element.GetRawText()}");
        }

        private bool Flag(JsonElement parent, string name) =>
            Field(parent, name, JsonValueKind.True, alsoFalse: true).ValueKind == JsonValueKind.True;

        private JsonElement Field(JsonElement parent, string name, JsonValueKind kind, string? at = null, bool alsoFalse = false)
        {
            var path = Join(at, name);
            if (!parent.TryGetProperty(name, out var value))
            {
                throw Bad(path, "missing");
            }

            if (!(value.ValueKind == kind || (alsoFalse && value.ValueKind == JsonValueKind.False)))
            {
                throw Bad(path, $"expected {Expected(alsoFalse ? JsonValueKind.True : kind)}, got {Kind(value)}");
            }

            return value;
        }

        private void Expect(JsonElement element, string at, JsonValueKind kind)
        {
            if (element.ValueKind != kind)
            {
                throw Bad(at, $"expected {Expected(kind)}, got {Kind(element)}");
            }
        }

        private InputException Bad(string field, string problem) =>
            new($"--state: {file} is not a usable rollout state file: {field}: {problem}");

        private static string Join(string? at, string name) => at is null ? name : $"{at}.{name}";

        private static string Expected(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "true or false",
        };

        private static string Kind(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "true or false",
            _ => "null",
        };
    }
}

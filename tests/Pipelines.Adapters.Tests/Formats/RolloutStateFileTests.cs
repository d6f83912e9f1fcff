using System.Text.Json.Nodes;
using Pipelines.Adapters.Formats;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.Formats;

/// <summary>
/// The canary's state file: both shapes written by earlier releases load and are written back byte for byte, and a
/// malformed file is bad input naming the file and the field, never a crash or half a rollout to act on (issue #20).
/// </summary>
[TestClass]
public sealed class RolloutStateFileTests
{
    /// <summary>A fleet's state file as the release before the one engine wrote it (canary ramp --steps 1 over a,b,c).</summary>
    private const string FleetFile = """
        {
          "version": "v2",
          "previous": "v1",
          "waves": [
            [
              "a"
            ]
          ],
          "rest": [
            "b",
            "c"
          ],
          "hosts": {
            "a": "Deployed",
            "b": "Previous",
            "c": "Previous"
          },
          "phase": "Ramping",
          "wavesDone": 1,
          "timeline": [
            {
              "time": "2026-12-07T00:13:14.7363982+00:00",
              "what": "rollout of v2 (from v1) to 3 hosts in 1 waves planned"
            },
            {
              "time": "2026-12-07T00:13:14.8926386+00:00",
              "what": "wave 1 judged pass: no gate configured: the self-test is the only check"
            }
          ],
          "verdict": null,
          "touched": [
            "a"
          ],
          "onNew": [
            "a"
          ],
          "onPrevious": [
            "b",
            "c"
          ]
        }
        """;

    /// <summary>A slot's state file as the release before the one engine wrote it, caught between a traffic intention and its move.</summary>
    private const string SlotFile = """
        {
          "version": "v2",
          "previous": "v1",
          "steps": [
            1,
            5,
            25.5,
            50
          ],
          "stepsDone": 1,
          "traffic": 1,
          "trafficIntent": 5,
          "deployed": true,
          "swapIntent": false,
          "phase": "Ramping",
          "timeline": [
            {
              "time": "2026-12-07T00:13:14+00:00",
              "what": "rollout of v2 (from v1) through a slot at 1%, 5%, 25.5%, 50% planned"
            }
          ],
          "verdict": "pass"
        }
        """;

    private static RolloutState? Load(string text)
    {
        using var dir = new TempDirectory("pipelines-state");
        return new RolloutStateFile(dir.Write("canary-state.json", text), "canary-state.json").Load();
    }

    private static string RoundTrip(string text)
    {
        using var dir = new TempDirectory("pipelines-state");
        var file = new RolloutStateFile(dir.Write("canary-state.json", text), "canary-state.json");
        file.Save(file.Load()!);
        return File.ReadAllText(file.Path);
    }

    private static string Mutated(string text, Action<JsonObject> change)
    {
        var root = JsonNode.Parse(text)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    [TestMethod]
    public void A_fleet_state_file_from_the_release_before_loads_and_is_written_back_unchanged()
    {
        var state = Load(FleetFile)!;

        Assert.AreEqual(RolloutKind.Fleet, state.Target.Kind);
        Assert.AreEqual(RolloutPhase.Ramping, state.Phase);
        Assert.AreEqual(1, state.StepsDone);
        CollectionAssert.AreEqual(new[] { "b", "c" }, state.Fleet.Rest.ToArray());
        Assert.AreEqual(HostStatus.Deployed, state.Fleet.Hosts["a"]);
        Assert.AreEqual(FleetFile.ReplaceLineEndings("\n"), RoundTrip(FleetFile).ReplaceLineEndings("\n"));
    }

    [TestMethod]
    public void A_slot_state_file_from_the_release_before_loads_and_is_written_back_unchanged()
    {
        var state = Load(SlotFile)!;

        Assert.AreEqual(RolloutKind.Slot, state.Target.Kind);
        CollectionAssert.AreEqual(new[] { 1, 5, 25.5, 50 }, state.Slot.Steps.ToArray());
        Assert.AreEqual(5, state.Slot.TrafficIntent);
        Assert.IsTrue(state.Slot.Deployed);
        Assert.AreEqual("pass", state.Verdict);
        Assert.AreEqual(SlotFile.ReplaceLineEndings("\n"), RoundTrip(SlotFile).ReplaceLineEndings("\n"));
    }

    [TestMethod]
    public void No_file_is_no_rollout_yet()
    {
        using var dir = new TempDirectory("pipelines-state");
        Assert.IsNull(new RolloutStateFile(Path.Combine(dir.Path, "canary-state.json"), "canary-state.json").Load());
    }

    [TestMethod]
    [DataRow("version", null, "version: expected a string, got null", DisplayName = "issue #20: version null")]
    [DataRow("version", "", "version: expected a non-empty string", DisplayName = "version empty")]
    [DataRow("previous", "<missing>", "previous: missing", DisplayName = "previous missing")]
    [DataRow("phase", "Baking", "phase: expected one of Started, Ramping, Promoting, Promoted, RollingBack, RolledBack, got 'Baking'", DisplayName = "unknown phase")]
    [DataRow("phase", null, "phase: expected a string, got null", DisplayName = "phase null")]
    [DataRow("waves", null, "waves: expected a list, got null", DisplayName = "waves null")]
    [DataRow("rest", "<missing>", "rest: missing", DisplayName = "rest missing")]
    [DataRow("hosts", null, "hosts: expected an object, got null", DisplayName = "hosts null")]
    [DataRow("wavesDone", 5, "wavesDone: expected a whole number from 0 to 1, got 5", DisplayName = "more waves done than there are")]
    [DataRow("wavesDone", -1, "wavesDone: expected a whole number from 0 to 1, got -1", DisplayName = "negative waves done")]
    [DataRow("wavesDone", "1", "wavesDone: expected a number, got a string", DisplayName = "waves done as text")]
    [DataRow("timeline", null, "timeline: expected a list, got null", DisplayName = "timeline null")]
    [DataRow("verdict", 3, "verdict: expected a string, got a number", DisplayName = "verdict a number")]
    public void A_malformed_fleet_field_is_bad_input_naming_the_file_and_the_field(string field, object? value, string expected)
    {
        var text = Mutated(FleetFile, root =>
        {
            if (value is "<missing>")
            {
                root.Remove(field);
            }
            else
            {
                root[field] = JsonValue.Create(value);
            }
        });

        var error = Assert.ThrowsExactly<InputException>(() => Load(text));

        StringAssert.StartsWith(error.Message, "--state: canary-state.json is not a usable rollout state file: ");
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public void A_host_in_a_wave_or_in_rest_that_is_not_in_hosts_is_bad_input_naming_where()
    {
        var inWave = Mutated(FleetFile, root => root["waves"]![0]![0] = "h9");
        var inRest = Mutated(FleetFile, root => root["hosts"]!.AsObject().Remove("c"));
        var twice = Mutated(FleetFile, root => root["rest"]![1] = "a");
        var lost = Mutated(FleetFile, root => root["hosts"]!["d"] = "Previous");
        var status = Mutated(FleetFile, root => root["hosts"]!["b"] = "Sleeping");

        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(inWave)).Message, "waves[0][0]: 'h9' is not in hosts");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(inRest)).Message, "rest[1]: 'c' is not in hosts");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(twice)).Message, "rest[1]: 'a' is in more than one wave");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(lost)).Message, "hosts.d: is in no wave and not in rest");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(status)).Message, "hosts.b: expected one of Previous, Deploying, Deployed, RollingBack, RolledBack, got 'Sleeping'");
    }

    [TestMethod]
    public void A_wave_of_nothing_or_of_the_wrong_type_is_bad_input()
    {
        var empty = Mutated(FleetFile, root => root["waves"]![0] = new JsonArray());
        var number = Mutated(FleetFile, root => root["waves"]![0] = 7);
        var nullHost = Mutated(FleetFile, root => root["waves"]![0]![0] = null);

        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(empty)).Message, "waves[0]: a wave with no hosts");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(number)).Message, "waves[0]: expected a list, got a number");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(nullHost)).Message, "waves[0][0]: expected a string, got null");
    }

    [TestMethod]
    public void A_malformed_timeline_entry_is_bad_input_naming_it()
    {
        var noTime = Mutated(FleetFile, root => root["timeline"]![1]!.AsObject().Remove("time"));
        var badTime = Mutated(FleetFile, root => root["timeline"]![0]!["time"] = "yesterday");
        var notAnEvent = Mutated(FleetFile, root => root["timeline"]![0] = "started");

        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(noTime)).Message, "timeline[1].time: missing");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(badTime)).Message, "timeline[0].time: expected a date and time");
        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(notAnEvent)).Message, "timeline[0]: expected an object, got a string");
    }

    [TestMethod]
    [DataRow("steps", null, "steps: expected a list, got null", DisplayName = "steps null")]
    [DataRow("stepsDone", 9, "stepsDone: expected a whole number from 0 to 4, got 9", DisplayName = "more steps done than there are")]
    [DataRow("traffic", 150, "traffic: expected a share of traffic from 0 to 100, got 150", DisplayName = "traffic over 100")]
    [DataRow("traffic", "<missing>", "traffic: missing", DisplayName = "traffic missing")]
    [DataRow("trafficIntent", "5", "trafficIntent: expected a number, got a string", DisplayName = "traffic intent as text")]
    [DataRow("deployed", "yes", "deployed: expected true or false, got a string", DisplayName = "deployed as text")]
    [DataRow("swapIntent", null, "swapIntent: expected true or false, got null", DisplayName = "swap intent null")]
    [DataRow("version", null, "version: expected a string, got null", DisplayName = "slot version null")]
    public void A_malformed_slot_field_is_bad_input_naming_the_file_and_the_field(string field, object? value, string expected)
    {
        var text = Mutated(SlotFile, root =>
        {
            if (value is "<missing>")
            {
                root.Remove(field);
            }
            else
            {
                root[field] = JsonValue.Create(value);
            }
        });

        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(text)).Message, expected);
    }

    [TestMethod]
    public void Traffic_steps_that_do_not_rise_are_bad_input()
    {
        var falling = Mutated(SlotFile, root => root["steps"]![2] = 3);

        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(falling)).Message, "steps[2]: expected a rising share of traffic between 0 and 100, got 3");
    }

    [TestMethod]
    [DataRow("", "not valid JSON at line 1", DisplayName = "empty file")]
    [DataRow("{\"version\": \"v2\", \"prev", "not valid JSON at line 1", DisplayName = "truncated")]
    [DataRow("[1, 2]", "the document: expected an object with the rollout's fields, got a list", DisplayName = "a list")]
    [DataRow("null", "the document: expected an object with the rollout's fields, got null", DisplayName = "null")]
    [DataRow("{\"version\": \"v2\", \"previous\": \"v1\", \"phase\": \"Started\", \"timeline\": []}", "holds neither a fleet rollout", DisplayName = "neither kind")]
    public void A_file_that_is_not_a_state_file_at_all_is_bad_input(string text, string expected)
    {
        var error = Assert.ThrowsExactly<InputException>(() => Load(text));

        StringAssert.StartsWith(error.Message, "--state: canary-state.json is not ");
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public void Deep_nesting_is_bad_input_not_a_stack_overflow()
    {
        var deep = "{\"version\": " + new string('[', 100_000) + new string(']', 100_000) + "}";

        StringAssert.Contains(Assert.ThrowsExactly<InputException>(() => Load(deep)).Message, "not valid JSON");
    }

    /// <summary>A flag release caught mid-step: 5% intended, 1% written.</summary>
    private const string FlagFile = """
        {
          "version": "new-checkout",
          "previous": "off",
          "flag": "new-checkout",
          "store": "flags.json",
          "steps": [
            1,
            5,
            25,
            100
          ],
          "stepsDone": 1,
          "percent": 1,
          "percentIntent": 5,
          "phase": "Ramping",
          "timeline": [
            {
              "time": "2026-12-07T00:13:14+00:00",
              "what": "release of flag new-checkout in flags.json at 1%, 5%, 25%, 100% of users planned"
            }
          ],
          "verdict": null
        }
        """;

    [TestMethod]
    public void A_flag_release_caught_mid_step_is_written_and_read_back_unchanged()
    {
        var state = Load(FlagFile)!;

        Assert.AreEqual(RolloutKind.Flag, state.Target.Kind);
        Assert.AreEqual("new-checkout", state.Flag.Flag);
        Assert.AreEqual("flags.json", state.Flag.Store);
        Assert.AreEqual(1, state.Flag.Percent);
        Assert.AreEqual(5, state.Flag.PercentIntent);
        Assert.AreEqual(3, state.Steps, "the last 100 is the promote");
        Assert.AreEqual(FlagFile.ReplaceLineEndings("\n"), RoundTrip(FlagFile).ReplaceLineEndings("\n"));
    }

    [TestMethod]
    public void A_flag_release_not_read_yet_keeps_its_unknown_share()
    {
        var fresh = Mutated(FlagFile, root => { root["percent"] = null; root["percentIntent"] = null; root["stepsDone"] = 0; });

        var state = Load(fresh)!;

        Assert.IsNull(state.Flag.Percent);
        Assert.IsNull(state.Flag.PercentIntent);
    }

    [TestMethod]
    [DataRow("flag", null, "flag: expected a string, got null", DisplayName = "flag null")]
    [DataRow("store", "<missing>", "store: missing", DisplayName = "store missing")]
    [DataRow("percent", 101, "percent: expected a share of traffic from 0 to 100, got 101", DisplayName = "percent over 100")]
    [DataRow("percentIntent", "5", "percentIntent: expected a number, got a string", DisplayName = "percent intent as text")]
    [DataRow("stepsDone", 4, "stepsDone: expected a whole number from 0 to 3, got 4", DisplayName = "more flag steps done than there are")]
    public void A_malformed_flag_field_is_bad_input_naming_the_file_and_the_field(string field, object? value, string expected)
    {
        var text = Mutated(FlagFile, root =>
        {
            if (value is "<missing>")
            {
                root.Remove(field);
            }
            else
            {
                root[field] = JsonValue.Create(value);
            }
        });

        var message = Assert.ThrowsExactly<InputException>(() => Load(text)).Message;
        StringAssert.Contains(message, "canary-state.json");
        StringAssert.Contains(message, expected);
    }
}

using System.Diagnostics;
using System.Text;
using Pipelines.Adapters.Files;
using Pipelines.Cli.Configuration;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Cli.Tests.Configuration;

/// <summary>
/// What the fuzz suite found in the policy and gate files, kept: nesting and size past the documented limits are
/// refused with the place, keys that are not names are bad input, and big files are read in time proportional to
/// their size.
/// </summary>
[TestClass]
public sealed class ConfigLimitsTests
{
    private const string File = ".pipelines/pipelines.yml";

    private static FileInputException Refused(string yaml)
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.ThrowsExactly<FileInputException>(() => TestsSection.Read(ConfigFile.Parse(yaml, File)));
        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds);
        Assert.AreEqual(File, error.File);
        return error;
    }

    [TestMethod]
    [DataRow("tests:\n  tags:\n    web: ", "[", 3, DisplayName = "flow lists")]
    [DataRow("tests:\n  tags:\n    web: ", "{a: ", 3, DisplayName = "flow mappings")]
    [DataRow("tests:\n  tags:\n    web:\n      ", "- ", 4, DisplayName = "block lists")]
    public void A_policy_nested_100_000_deep_is_refused_at_the_limit_not_a_stack_overflow(string start, string open, int line)
    {
        var error = Refused(start + string.Concat(Enumerable.Repeat(open, 100_000)) + "x");

        StringAssert.Contains(error.Message, $"lists and mappings are nested more than {InputLimits.MaxYamlDepth} deep here");
        Assert.AreEqual(line, error.Line);
    }

    [TestMethod]
    public void A_complex_key_is_bad_input_at_its_line_not_an_invalid_cast()
    {
        var error = Refused("tests:\n  tags:\n    ? [web, api]\n    : [\"src/**\"]\n");

        Assert.AreEqual(3, error.Line);
        StringAssert.Contains(error.Message, "tests.tags: a key must be a plain name, not a list or a mapping");
    }

    [TestMethod]
    public void A_complex_key_at_the_top_is_bad_input_too()
    {
        var error = Assert.ThrowsExactly<FileInputException>(() => ConfigFile.Parse("? {a: b}\n: c\n", File));

        Assert.AreEqual(1, error.Line);
    }

    [TestMethod]
    public void A_policy_with_40_000_tags_is_read_in_linear_time()
    {
        var yaml = new StringBuilder("tests:\n  tags:\n");
        for (var i = 0; i < 40_000; i++)
        {
            yaml.Append("    tag").Append(i).Append(": [\"src/Area").Append(i).Append("/**\"]\n");
        }

        var clock = Stopwatch.StartNew();
        var policy = TestsSection.Read(ConfigFile.Parse(yaml.ToString(), File));

        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds, "was 8.3 s: each tag was compared with every tag before it");
        Assert.HasCount(40_000, policy.Tags);
    }

    [TestMethod]
    public void A_config_file_over_the_size_limit_is_refused_before_it_is_parsed()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("big.yml", "tests:\n  always: [" + new string('a', (int)InputLimits.MaxConfigFileBytes) + "]\n");

        var error = Assert.ThrowsExactly<InputException>(() => ConfigFile.Load(path, "big.yml", mustExist: true));

        StringAssert.StartsWith(error.Message, "big.yml: the config file is 4 MiB, over the limit of 4 MiB");
    }

    [TestMethod]
    public void Gate_selectors_are_read_in_linear_time_and_a_list_where_a_value_belongs_is_refused()
    {
        var yaml = new StringBuilder("gate:\n  metrics: [{name: e, kind: ratio}]\n  canary:\n");
        for (var i = 0; i < 20_000; i++)
        {
            yaml.Append("    label").Append(i).Append(": v").Append(i).Append('\n');
        }

        var clock = Stopwatch.StartNew();
        var gate = GateSection.Read(ConfigFile.Parse(yaml.ToString(), File));
        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds);
        Assert.HasCount(20_000, gate.Canary);

        var error = Assert.ThrowsExactly<FileInputException>(() => GateSection.Read(ConfigFile.Parse("gate:\n  metrics: [{name: e, kind: ratio}]\n  canary:\n    version: [v1, v2]\n", File)));
        Assert.AreEqual(4, error.Line);
        StringAssert.Contains(error.Message, "gate.canary.version: expected a single value");
    }

    [TestMethod]
    public void A_canary_command_with_an_unclosed_quote_names_the_file_and_line()
    {
        var error = Assert.ThrowsExactly<FileInputException>(() => CanarySection.Read(ConfigFile.Parse("canary:\n  rollback-command: ./rollback\".sh {host}\n", File)));

        Assert.AreEqual(2, error.Line);
        StringAssert.Contains(error.Message, "canary.rollback-command: unclosed \"");
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Judging;

namespace Pipelines.Cli.Commands.MetricsGate;

/// <summary>One metric in the <c>--json</c> document of <c>plan-bake</c>.</summary>
public sealed record MetricPlanJson(string Name, double MinutesToPass, double MinutesToFail, string Basis);

/// <summary>The <c>--json</c> document of <c>plan-bake</c>.</summary>
public sealed record PlanBakeJson(double Bake, double MaxBake, IReadOnlyList<MetricPlanJson> Metrics);

/// <summary>
/// <c>pipelines plan-bake</c>: before a rollout, on a laptop — given the traffic on each side, how long a bake the
/// gate's metrics need to tell an unchanged canary from a harmful one.
/// </summary>
public static class PlanBakeCommand
{
    public const string Name = "plan-bake";

    public static Command Create(CliContext context)
    {
        var canary = new Option<double>("--canary-rpm") { Description = "Requests a minute the canary serves.", Required = true };
        var baseline = new Option<double>("--baseline-rpm") { Description = "Requests a minute the baseline serves.", Required = true };
        var rates = new Option<string[]>("--rate") { Description = "For each ratio or count metric: NAME=events per request on the baseline, e.g. server-errors=0.01.", AllowMultipleArgumentsPerToken = true };
        var sigma = new Option<double>("--latency-sigma") { Description = "Continuous metrics: the spread of log latency behind each interval's percentile (log-normal σ).", DefaultValueFactory = _ => 0.5 };
        var gate = new Option<string?>("--gate") { Description = "A file holding the gate (a 'gate:' section); default: the config file's gate section." };
        var repo = CommonOptions.Repo();
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command(Name, "Before a rollout: how long a bake the gate needs at this traffic to pass an unchanged canary and to fail one twice the tolerance off.")
        {
            canary, baseline, rates, sigma, gate, repo, config, json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(PipelinesCli.Execute(context, Name, parse.GetValue(json), session =>
            Run(session, parse.GetValue(canary), parse.GetValue(baseline), parse.GetValue(rates) ?? [], parse.GetValue(sigma), parse.GetValue(gate), parse.GetValue(repo)!, parse.GetValue(config)))));
        return command;
    }

    private static CommandResult Run(CommandSession session, double canaryRpm, double baselineRpm, string[] rateTexts, double sigma, string? gateFile, string repo, string? configFile)
    {
        var context = session.Context;
        foreach (var (value, option) in new[] { (canaryRpm, "--canary-rpm"), (baselineRpm, "--baseline-rpm"), (sigma, "--latency-sigma") })
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                throw new InputException($"{option}: expected a positive number, got {value.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var text in rateTexts.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var equals = text.LastIndexOf('=');
            var number = equals < 0 ? string.Empty : text[(equals + 1)..].TrimEnd('%');
            if (equals <= 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate <= 0 || rate >= (text.EndsWith('%') ? 100 : 1))
            {
                throw new InputException($"--rate: expected NAME=events per request such as server-errors=0.01 or server-errors=1%, got '{text}'");
            }

            rates[text[..equals]] = text.EndsWith('%') ? rate / 100 : rate;
        }

        var config = gateFile is not null
            ? ConfigFile.Load(context.ResolvePath(gateFile), gateFile, mustExist: true)
            : ConfigLoader.Load(context, context.ResolvePath(repo), configFile);
        var spec = GateSection.Read(config);
        var plans = BakePlanner.Plan([.. spec.Metrics.Select(m => m.Spec)], spec.Policy, new PlanTraffic(canaryRpm, baselineRpm, rates, sigma), spec.Interval);
        var bake = Math.Ceiling(plans.Max(p => p.MinutesToPass));
        var result = new CommandResult(ExitCodes.Success)
            .Output("bake", bake.ToString(CultureInfo.InvariantCulture) + "m")
            .Output("max-bake", (2 * bake).ToString(CultureInfo.InvariantCulture) + "m");
        result.WithJson(new PlanBakeJson(bake, 2 * bake, [.. plans.Select(p => new MetricPlanJson(p.Name, Math.Round(p.MinutesToPass, 1), Math.Round(p.MinutesToFail, 1), p.Basis))]), c => c.PlanBakeJson);
        var text2 = new StringBuilder();
        text2.Append(CultureInfo.InvariantCulture, $"plan-bake: canary {canaryRpm:0.##} and baseline {baselineRpm:0.##} requests a minute\n");
        foreach (var p in plans)
        {
            text2.Append(CultureInfo.InvariantCulture, $"  {p.Name,-24} unchanged passes after {p.MinutesToPass,6:0} min; twice the tolerance off fails after {p.MinutesToFail,6:0} min ({p.Basis})\n");
        }

        text2.Append(CultureInfo.InvariantCulture,
            $"  bake: {bake:0} min for the one-shot gate to pass an unchanged canary on every metric together 9 times in 10; the canary's sequential bake needs longer: max-bake {2 * bake:0} min\n");
        result.Report = text2.ToString();
        return result;
    }
}

using Pipelines.Adapters.Http;
using Pipelines.Cli.Configuration;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;

namespace Pipelines.Cli.Composition;

/// <summary>
/// Each command's one total time for its outside calls (the README's "Time budgets" table; keep the two in step).
/// PIPELINES_CALL_BUDGET (a duration, e.g. 30s) replaces every number, for a slow network or a test.
/// </summary>
public static class CallBudgets
{
    public const string Variable = "PIPELINES_CALL_BUDGET";

    /// <summary>One look of a gate that queries a server (prometheus, azure-monitor): every metric of the look, retries included.</summary>
    public static readonly TimeSpan GateLook = TimeSpan.FromMinutes(2);

    /// <summary>The commands' budgets for the calls outside their gate looks; a command not here makes no outside call, or only calls with their own documented deadlines (canary's App Service operations).</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> Commands = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["metrics-gate"] = TimeSpan.FromMinutes(2),
        ["revert-on-red"] = TimeSpan.FromMinutes(5),
    };

    /// <summary>The budget for <paramref name="command"/>'s calls; null when it has none.</summary>
    public static CallBudget? ForCommand(CliContext context, string command)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Commands.TryGetValue(command, out var total) ? new CallBudget(command, Override(context) ?? total) : null;
    }

    /// <summary>A fresh budget for one gate look.</summary>
    public static CallBudget ForLook(CliContext context) => new("each gate look", Override(context) ?? GateLook);

    private static TimeSpan? Override(CliContext context) => context.Get(Variable) is { } text
        ? GateSection.ParseDuration(text) is { } value && value > TimeSpan.Zero
            ? value
            : throw new InputException($"{Variable}: expected a duration such as 30s or 2m, got '{text}'")
        : null;
}

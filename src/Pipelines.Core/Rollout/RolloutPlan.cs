using System.Globalization;
using Pipelines.Core.Errors;

namespace Pipelines.Core.Rollout;

/// <summary>
/// Which hosts get the new version in which wave. Steps are wave sizes ("1,2,4": kaChing's doubling) or cumulative
/// shares ("5%,25%": IMVU's 35 of 800); the hosts left after the last step are deployed by promote.
/// </summary>
public sealed record RolloutPlan(IReadOnlyList<IReadOnlyList<string>> Waves, IReadOnlyList<string> Rest)
{
    /// <summary>kaChing's default: one host, then two more, then four more.</summary>
    public static readonly IReadOnlyList<string> DefaultSteps = ["1", "2", "4"];

    public static RolloutPlan For(IReadOnlyList<string> hosts, IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(steps);
        if (hosts.Count == 0)
        {
            throw new InputException("--hosts: no hosts to deploy to");
        }

        var duplicate = hosts.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InputException($"--hosts: '{duplicate.Key}' is listed twice");
        }

        var waves = new List<IReadOnlyList<string>>();
        var done = 0;
        foreach (var step in steps)
        {
            int size;
            if (step.EndsWith('%'))
            {
                if (!double.TryParse(step[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || share is <= 0 or > 100)
                {
                    throw new InputException($"--steps: '{step}' is not a share between 0% and 100%");
                }

                size = Math.Max(1, (int)Math.Ceiling(hosts.Count * share / 100)) - done; // cumulative
            }
            else if (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size <= 0)
            {
                throw new InputException($"--steps: '{step}' is neither a wave size (2) nor a share (25%)");
            }

            size = Math.Min(size, hosts.Count - done - 1); // the last host always waits for promote: it keeps the baseline alive
            if (size <= 0)
            {
                break;
            }

            waves.Add([.. hosts.Skip(done).Take(size)]);
            done += size;
        }

        return new RolloutPlan(waves, [.. hosts.Skip(done)]);
    }
}

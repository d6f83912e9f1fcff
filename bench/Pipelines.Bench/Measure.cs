using System.Diagnostics;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>Wall-clock timing: the median of several runs after the given warm-ups.</summary>
internal static class Measure
{
    public static TimeSpan Median(int runs, Action action)
    {
        var times = new List<TimeSpan>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    public static TimeSpan Once(Action action) => Median(1, action);

    /// <summary>Runs a program to completion, failing loudly if it fails: a benchmark of a failure measures nothing.</summary>
    public static void Run(string file, IEnumerable<string> arguments)
    {
        var run = Programs.Run(file, arguments);
        if (run.ExitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {run.ExitCode}:\n{run.StandardError}{run.StandardOutput}");
        }
    }
}

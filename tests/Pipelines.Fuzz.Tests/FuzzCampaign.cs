using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pipelines.Testing;

namespace Pipelines.Fuzz.Tests;

/// <summary>One problem an input showed, with what is needed to replay it.</summary>
public sealed record Finding(string Cause, int Index, string Mutation, string Excerpt);

/// <summary>What a campaign found.</summary>
public sealed record FuzzReport(string Name, int Inputs, TimeSpan Elapsed, TimeSpan Slowest, string SlowestMutation, IReadOnlyList<Finding> Findings)
{
    public int Crashes => Findings.Count(f => f.Cause.StartsWith("crash", StringComparison.Ordinal) || f.Cause == "hang");

    /// <summary>The lines the suite prints (and <c>./build.sh test</c> repeats): counts first, then each cause once.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"fuzz {Name}: {Inputs} inputs, {Crashes} crashes or hangs, {Findings.Count(f => f.Cause.StartsWith("resource key", StringComparison.Ordinal))} resource-key messages, ")
            .Append(CultureInfo.InvariantCulture, $"{Findings.Count} problems in all, {Elapsed.TotalSeconds:0.0} s (slowest input {Slowest.TotalSeconds:0.00} s: {SlowestMutation})\n");
        foreach (var cause in Findings.GroupBy(f => f.Cause).OrderByDescending(g => g.Count()))
        {
            var first = cause.First();
            text.Append(CultureInfo.InvariantCulture, $"  {cause.Count()} × {cause.Key} (first: input {first.Index}, {first.Mutation}): {first.Excerpt}\n");
        }

        return text.ToString();
    }
}

/// <summary>
/// Runs a target on a fixed number of mutated inputs from a fixed seed: each input is checked by the
/// <see cref="Oracle"/> and bounded in time (<see cref="HangLimit"/>). Inputs that showed a problem are kept under
/// <c>$TMPDIR/pipelines-fuzz-findings/</c> for replay.
/// </summary>
public static class FuzzCampaign
{
    /// <summary>The fixed seed CI runs; FUZZ_SEED replaces it to explore further by hand.</summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20;

    /// <summary>FUZZ_SCALE multiplies every campaign's budget (e.g. 10 for a longer run by hand).</summary>
    public static double Scale { get; } = double.TryParse(Environment.GetEnvironmentVariable("FUZZ_SCALE"), CultureInfo.InvariantCulture, out var scale) ? scale : 1;

    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="target"/> on <paramref name="count"/> inputs made from <paramref name="seeds"/>.</summary>
    /// <param name="target">Runs one input (its bytes, under a host, in a scratch folder) and says what happened.</param>
    /// <param name="fileName">The name the input has on disk, which an exit-2 message must name (null: not a file).</param>
    public static FuzzReport Run(
        string name, SeedFormat format, IReadOnlyList<byte[]> seeds, int count, IReadOnlySet<int> allowedExits, string? fileName,
        Func<byte[], HostKind, TempDirectory, TargetRun> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var mutator = new Mutator(unchecked((Seed * 1_000_003) + StableHash(name)))
        {
            Structural = Environment.GetEnvironmentVariable("FUZZ_NO_STRUCTURAL") != "1",
        };
        var total = (int)Math.Ceiling(count * Scale);
        var findings = new List<Finding>();
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        var slowestMutation = string.Empty;
        for (var i = 0; i < total; i++)
        {
            // The seeds themselves first: a parser must take what real tools write.
            var input = i < seeds.Count ? new FuzzInput(i, seeds[i], "seed") : mutator.Next(i, seeds, format);
            var host = (HostKind)(i % 3);
            var started = Stopwatch.GetTimestamp();
            List<string> problems;
            string excerpt;
            using (var work = new TempDirectory("pipelines-fuzz"))
            {
                var run = Task.Run(() =>
                {
                    try
                    {
                        return target(input.Bytes, host, work);
                    }
#pragma warning disable CA1031 // Anything that escapes the command is what we are looking for.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        return new TargetRun(-1, string.Empty, "escaped: " + ex);
                    }
                });
                if (!run.Wait(HangLimit))
                {
                    problems = ["hang"];
                    excerpt = $"no answer within {HangLimit.TotalSeconds:0} s";
                }
                else
                {
                    var result = run.Result;
                    problems = result.ExitCode == -1 ? ["crash: escaped " + Oracle.CrashCause(result.StandardError)] : Oracle.Check(result, allowedExits, fileName);
                    excerpt = Excerpt(result);
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > slowest)
            {
                (slowest, slowestMutation) = (elapsed, input.Mutation);
            }

            foreach (var problem in problems.Distinct())
            {
                findings.Add(new Finding(problem, input.Index, input.Mutation, excerpt));
            }

            if (problems.Count > 0)
            {
                Keep(name, input);
            }
        }

        var report = new FuzzReport(name, total, clock.Elapsed, slowest, slowestMutation, findings);
        Console.Write(report.Summary());
        return report;
    }

    /// <summary>The real seed files a campaign starts from.</summary>
    public static byte[] Data(params string[] relative) => File.ReadAllBytes(SourceTree.PathOf(Path.Combine(relative)));

    private static string Excerpt(TargetRun run)
    {
        var errors = Oracle.ErrorLines(run.Output);
        var text = errors.Count > 0 ? string.Join(" | ", errors) : run.Output.Trim();
        text = text.ReplaceLineEndings(" ");
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static void Keep(string name, FuzzInput input)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipelines-fuzz-findings", name);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, $"{Seed}-{input.Index}.bin"), input.Bytes);
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}

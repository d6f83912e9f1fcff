using System.Text.RegularExpressions;

namespace Pipelines.Bench.Impact;

/// <summary>
/// Lines of HEAD that recent code-changing commits wrote and that are still there (<c>git blame</c>): where the
/// mutants go. Lines with nothing to mutate (blank, comments, usings, attributes, lone braces) are left out, and every
/// n-th of the rest is kept, so the sample spreads over all the files and commits instead of the first few.
/// </summary>
internal static partial class ChangedLines
{
    /// <param name="commits">How many of the last non-merge commits that touch src/**/*.cs count as recent.</param>
    /// <param name="under">The folder the lines are taken from, e.g. <c>src/Pipelines.Core/</c>.</param>
    /// <param name="want">How many lines to keep at most, per offset.</param>
    /// <param name="offsets">Which of every n lines to keep (0: the first); several give disjoint samples, run in batches.</param>
    public static (IReadOnlyList<(string File, int Line)> Sample, int Candidates, int Commits) Sample(
        string repository, string head, int commits, string under, int want, IReadOnlyList<int> offsets)
    {
        var recent = ImpactBenchSupport.Git(repository, "log", "--no-merges", "--format=%H", head, "--", "src/*.cs")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(commits).ToHashSet(StringComparer.Ordinal);
        var files = ImpactBenchSupport.Git(repository, "ls-tree", "-r", "--name-only", head, "--", under)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(f => f.EndsWith(".cs", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var candidates = new List<(string File, int Line)>();
        var writers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lines = ImpactBenchSupport.Git(repository, "show", $"{head}:{file}").Split('\n');
            foreach (var header in ImpactBenchSupport.Git(repository, "blame", "--porcelain", head, "--", file).Split('\n'))
            {
                // Each line's header: "<commit> <line at origin> <line at head> [<lines in group>]".
                var parts = header.Split(' ');
                if (parts.Length < 3 || parts[0].Length != 40 || !recent.Contains(parts[0]) || !int.TryParse(parts[2], out var line))
                {
                    continue;
                }

                var code = lines[line - 1].Trim();
                if (code.Length == 0 || code.StartsWith("//", StringComparison.Ordinal) || code.StartsWith("using ", StringComparison.Ordinal)
                    || code.StartsWith("namespace ", StringComparison.Ordinal) || code.StartsWith('[') || code.StartsWith('*')
                    || code.StartsWith("/*", StringComparison.Ordinal) || Punctuation().IsMatch(code))
                {
                    continue;
                }

                candidates.Add((file, line));
                writers.Add(parts[0]);
            }
        }

        var step = Math.Max(1, candidates.Count / want);
        var sample = offsets.SelectMany(offset => candidates.Where((_, i) => i % step == offset).Take(want)).Distinct().ToList();
        return (sample, candidates.Count, writers.Count);
    }

    /// <summary>Stryker's mutate patterns: each file's lines as character spans of the file's text (Roslyn positions, no BOM).</summary>
    public static IReadOnlyList<string> StrykerPatterns(string clone, string projectFolder, IReadOnlyList<(string File, int Line)> lines)
    {
        var patterns = new List<string>();
        foreach (var group in lines.GroupBy(l => l.File, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var text = File.ReadAllText(Path.Combine(clone, group.Key));
            var starts = new List<int> { 0 };
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    starts.Add(i + 1);
                }
            }

            var spans = string.Concat(group.Select(l => l.Line).Order().Select(line =>
            {
                var end = line < starts.Count ? starts[line] - 1 : text.Length;
                return $"{{{starts[line - 1]}..{end}}}";
            }));
            patterns.Add("**/" + group.Key[projectFolder.Length..] + spans);
        }

        return patterns;
    }

    [GeneratedRegex(@"^[{}();,\s]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Punctuation();
}

namespace Pipelines.Core.Revert;

/// <summary>One probe: the failing tests run at one commit, up to 1 + retries times, stopping at the first pass.</summary>
/// <param name="Attempts">Each attempt's result, true for a pass.</param>
public sealed record ProbeResult(string Sha, string Purpose, IReadOnlyList<bool> Attempts)
{
    /// <summary>A pass at any attempt: a commit that can pass is not where a deterministic failure comes from.</summary>
    public bool Passed => Attempts.Contains(true);
}

/// <summary>The commit to probe next, and why.</summary>
public sealed record ProbeRequest(string Sha, string Purpose);

/// <summary>Where the search ended.</summary>
public sealed record SearchOutcome(RevertVerdict Verdict, string? Culprit, string Reason);

/// <summary>
/// Finds the commit that turned the branch red, trusting nothing it has not seen fail and pass itself (Google's
/// flake-aware culprit finding): first re-run the failing tests at the red commit (a pass there means the red was a
/// flake); then bisect (green, red] in ⌈log₂ N⌉ probes; then confirm the suspect's parent passes, so that a red caused
/// by something outside the range (an expired certificate, a broken package feed) is not pinned on a commit.
/// A plain state machine: the caller runs each probe and records it.
/// </summary>
public sealed class CulpritSearch
{
    private readonly string _green;
    private readonly IReadOnlyList<string> _commits;
    private readonly List<ProbeResult> _probes = [];
    private int _passing = -1; // index of the newest commit known to pass; -1 is the green commit
    private int _failing;      // index of the oldest commit known to fail
    private bool _greenProbed;

    /// <param name="green">The last commit known to pass (from CI history); its pass is re-checked before blaming its child.</param>
    /// <param name="commits">(green, red], oldest first: the red commit is the last.</param>
    public CulpritSearch(string green, IReadOnlyList<string> commits)
    {
        ArgumentNullException.ThrowIfNull(green);
        ArgumentNullException.ThrowIfNull(commits);
        if (commits.Count == 0)
        {
            throw new ArgumentException("the range (green, red] holds no commit", nameof(commits));
        }

        _green = green;
        _commits = commits;
        _failing = commits.Count - 1;
        Next = new ProbeRequest(commits[^1], "deflake: the failing tests again at the red commit");
    }

    /// <summary>The probe to run next, or null when the search is over.</summary>
    public ProbeRequest? Next { get; private set; }

    public SearchOutcome? Outcome { get; private set; }

    public IReadOnlyList<ProbeResult> Probes => _probes;

    /// <summary>How many bisection probes a range of <paramref name="commits"/> needs at most: ⌈log₂ N⌉.</summary>
    public static int BisectionRounds(int commits) => commits <= 1 ? 0 : (int)Math.Ceiling(Math.Log2(commits));

    public void Record(ProbeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Next is null || result.Sha != Next.Sha)
        {
            throw new InvalidOperationException($"expected a probe of {Next?.Sha ?? "nothing"}, got {result.Sha}");
        }

        _probes.Add(result);
        if (_probes.Count == 1)
        {
            if (result.Passed)
            {
                Finish(RevertVerdict.Flaky, null, $"the failing tests passed at the red commit on attempt {result.Attempts.ToList().IndexOf(true) + 1}: the red was a flake");
                return;
            }
        }
        else if (result.Sha == _green && _greenProbed)
        {
            if (result.Passed)
            {
                Finish(RevertVerdict.Reverted, _commits[_failing], "it fails and its parent passes");
            }
            else
            {
                Finish(RevertVerdict.NoCulprit, null, "the last green commit fails too: the red does not come from a commit in the range");
            }

            return;
        }
        else
        {
            var index = IndexOf(result.Sha);
            if (result.Passed)
            {
                _passing = index;
            }
            else
            {
                _failing = index;
            }
        }

        Advance();
    }

    private void Advance()
    {
        if (_failing - _passing > 1)
        {
            var middle = (_passing + _failing) / 2;
            Next = new ProbeRequest(_commits[middle], $"bisect: {_failing - _passing - 1} commit(s) between the last pass and the first failure");
            return;
        }

        if (_passing >= 0)
        {
            Finish(RevertVerdict.Reverted, _commits[_failing], "it fails and its parent passes");
            return;
        }

        // The suspect's parent is the green commit, whose pass comes from an earlier run: see it pass now.
        _greenProbed = true;
        Next = new ProbeRequest(_green, "confirm: the suspect's parent (the last green commit) passes");
    }

    private int IndexOf(string sha)
    {
        for (var i = 0; i < _commits.Count; i++)
        {
            if (_commits[i] == sha)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{sha} is not in the range");
    }

    private void Finish(RevertVerdict verdict, string? culprit, string reason)
    {
        Outcome = new SearchOutcome(verdict, culprit, reason);
        Next = null;
    }
}

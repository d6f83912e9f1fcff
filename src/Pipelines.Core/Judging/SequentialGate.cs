using Pipelines.Core.Statistics;

namespace Pipelines.Core.Judging;

/// <summary>
/// The gate looked at every interval of a bake: each metric's answer comes from anytime-valid evidence (e-processes),
/// so the bake may stop the moment the evidence decides, and may go on while it does not, without inflating either
/// error. A metric fails when the evidence that it is beyond its tolerance reaches 1/α over the metrics (the family's
/// false-fail bound, as in <see cref="Judge"/>); it passes when the evidence that it is within tolerance reaches
/// 1/<see cref="GatePolicy.PassAlpha"/>. Both answers are final once reached.
/// </summary>
/// <remarks>
/// Rates: the conditional rate-ratio likelihood against θ = 1 + tolerance, from above (fail) and from below (pass).
/// Continuous metrics: a sign test on each interval's pair of values, scoring whether the canary is worse than the
/// baseline by more than the tolerance; at the harm boundary that has probability ½, so evidence that it is above ½
/// fails the metric and evidence that it is below ½ passes it. The sign test needs both sides' per-interval values to
/// be alike in noise: per-interval percentiles from very unequal traffic are not (see <see cref="Watch"/>).
/// </remarks>
public sealed class SequentialGate
{
    private readonly IReadOnlyList<MetricSpec> _specs;
    private readonly GatePolicy _policy;
    private readonly MetricTrack[] _tracks;

    public SequentialGate(IReadOnlyList<MetricSpec> specs, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(policy);
        GateChecks.ValidatePolicy(specs, policy);
        _specs = specs;
        _policy = policy;
        _tracks = [.. specs.Select(s => new MetricTrack(s, GateChecks.FailAlpha(s, specs.Count, policy), policy))];
    }

    public int Looks { get; private set; }

    /// <summary>Adds one interval's observations; bad data is refused, incomplete or missing data adds nothing.</summary>
    public void Look(IReadOnlyList<MetricObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        Looks++;
        foreach (var track in _tracks)
        {
            var observation = observations.FirstOrDefault(o => o.Name == track.Spec.Name);
            if (observation is not null)
            {
                GateChecks.Validate(track.Spec, observation);
            }

            track.Add(observation);
        }
    }

    public IReadOnlyList<MetricJudgement> Judgements => [.. _tracks.Select(t => t.Judgement())];

    public GateResult Result => Judge.Verdict(_specs, Judgements, _policy);

    /// <summary>One metric's evidence so far.</summary>
    private sealed class MetricTrack
    {
        private readonly GatePolicy _policy;
        private readonly double _failThreshold;
        private readonly double _passThreshold;
        private readonly List<(MixtureEvidence Evidence, Func<double, MetricObservation, double> Look)> _fail = [];
        private readonly List<(MixtureEvidence Evidence, Func<double, MetricObservation, double> Look)> _pass = [];
        private readonly (MixtureEvidence Evidence, Func<double, MetricObservation, double> Look)? _floorPass;
        private readonly (MixtureEvidence Evidence, Func<double, MetricObservation, double> Look)? _floorFail;
        private long _canaryEvents;
        private double _canaryTrials;
        private long _baselineEvents;
        private double _baselineTrials;
        private readonly List<double> _shifts = [];
        private int _informative;
        private int _missing;
        private MetricAnswer _answer = MetricAnswer.Undecided;
        private string? _decidedAt;

        public MetricTrack(MetricSpec spec, double failAlpha, GatePolicy policy)
        {
            Spec = spec;
            _policy = policy;
            _failThreshold = Math.Log(1 / failAlpha);
            _passThreshold = Math.Log(1 / policy.PassAlpha);
            var tol = spec.Tolerance;
            if (spec.Kind == MetricKind.Continuous)
            {
                // The score: is the canary worse than the baseline by more than the tolerance (upwards, downwards)?
                static long Up(MetricObservation o, double t) => o.Canary[0] - o.Baseline[0] > t * Math.Abs(o.Baseline[0]) ? 1 : 0;
                static long Down(MetricObservation o, double t) => o.Baseline[0] - o.Canary[0] > t * Math.Abs(o.Baseline[0]) ? 1 : 0;
                if (spec.Bad != BadDirection.Decrease)
                {
                    _fail.Add((MixtureEvidence.Probability(0.5, above: true), (q, o) => MixtureEvidence.ProbabilityLook(q, 0.5, Up(o, tol), 1)));
                    _pass.Add((MixtureEvidence.Probability(0.5, above: false), (q, o) => MixtureEvidence.ProbabilityLook(q, 0.5, Up(o, tol), 1)));
                }

                if (spec.Bad != BadDirection.Increase)
                {
                    _fail.Add((MixtureEvidence.Probability(0.5, above: true), (q, o) => MixtureEvidence.ProbabilityLook(q, 0.5, Down(o, tol), 1)));
                    _pass.Add((MixtureEvidence.Probability(0.5, above: false), (q, o) => MixtureEvidence.ProbabilityLook(q, 0.5, Down(o, tol), 1)));
                }

                return;
            }

            static double Rate(double theta, double null0, MetricObservation o) =>
                MixtureEvidence.RateRatioLook(theta, null0, o.CanaryEvents, o.CanaryTrials, o.BaselineEvents, o.BaselineTrials);
            if (spec.Bad != BadDirection.Decrease)
            {
                var up = 1 + tol;
                _fail.Add((MixtureEvidence.RateRatio(up, above: true), (t, o) => Rate(t, up, o)));
                _pass.Add((MixtureEvidence.RateRatio(up, above: false), (t, o) => Rate(t, up, o)));
            }

            if (spec.Bad != BadDirection.Increase)
            {
                var down = Math.Max(1 - tol, 1e-6);
                _fail.Add((MixtureEvidence.RateRatio(down, above: false), (t, o) => Rate(t, down, o)));
                _pass.Add((MixtureEvidence.RateRatio(down, above: true), (t, o) => Rate(t, down, o)));
            }

            if (spec.Kind == MetricKind.Ratio && spec.Floor > 0 && spec.Bad == BadDirection.Increase)
            {
                var floor = spec.Floor;
                _floorPass = (MixtureEvidence.Probability(floor, above: false), (q, o) => MixtureEvidence.ProbabilityLook(q, floor, o.CanaryEvents, o.CanaryTrials));
                _floorFail = (MixtureEvidence.Probability(floor, above: true), (q, o) => MixtureEvidence.ProbabilityLook(q, floor, o.CanaryEvents, o.CanaryTrials));
            }
        }

        public MetricSpec Spec { get; }

        public void Add(MetricObservation? o)
        {
            if (o is null || !o.Complete)
            {
                _missing++;
                return;
            }

            if (Spec.Kind == MetricKind.Continuous)
            {
                // One pair per interval: the interval's own summary on each side (several values are averaged).
                if (o.Canary.Count == 0 || o.Baseline.Count == 0)
                {
                    _missing++;
                    return;
                }

                o = o with { Canary = [o.Canary.Average()], Baseline = [o.Baseline.Average()] };
                var scale = Math.Abs(o.Baseline[0]) > 0 ? Math.Abs(o.Baseline[0]) : 1e-12;
                _shifts.Add((o.Canary[0] - o.Baseline[0]) / scale);
            }
            else
            {
                (_canaryEvents, _canaryTrials, _baselineEvents, _baselineTrials) =
                    (_canaryEvents + o.CanaryEvents, _canaryTrials + o.CanaryTrials, _baselineEvents + o.BaselineEvents, _baselineTrials + o.BaselineTrials);
            }

            _informative++;
            foreach (var (evidence, look) in _fail.Concat(_pass))
            {
                evidence.Add(x => look(x, o));
            }

            _floorPass?.Evidence.Add(x => _floorPass.Value.Look(x, o));
            _floorFail?.Evidence.Add(x => _floorFail.Value.Look(x, o));
            if (_answer != MetricAnswer.Undecided)
            {
                return; // decided answers are final
            }

            var failed = _fail.Any(f => f.Evidence.LogValue >= _failThreshold) && (_floorFail is not { } ff || ff.Evidence.LogValue >= _failThreshold);
            var enough = Spec.Kind != MetricKind.Continuous || _informative >= _policy.MinSamples;
            var passed = enough && (_pass.All(p => p.Evidence.LogValue >= _passThreshold) || (_floorPass is { } fp && fp.Evidence.LogValue >= _passThreshold));
            if (failed || passed)
            {
                _answer = failed ? MetricAnswer.Fail : MetricAnswer.Pass;
                _decidedAt = $"after {_informative} interval(s)";
            }
        }

        public MetricJudgement Judgement()
        {
            var effect = Spec.Kind == MetricKind.Continuous
                ? _shifts.Count == 0 ? double.NaN : Descriptive.Median(_shifts)
                : RateRatio.Estimate(_canaryEvents, _canaryTrials, _baselineEvents, _baselineTrials) - 1;
            var failE = _fail.Max(f => f.Evidence.LogValue);
            var passE = _pass.Min(p => p.Evidence.LogValue);
            var evidence = $"evidence beyond {Math.Exp(Math.Min(failE, 700)):0.##} of {Math.Exp(_failThreshold):0}, within {Math.Exp(Math.Min(passE, 700)):0.##} of {Math.Exp(_passThreshold):0}"
                + (_floorPass is { } floor ? $", below the floor {Spec.Floor:0.###%} {Math.Exp(Math.Min(floor.Evidence.LogValue, 700)):0.##} of {Math.Exp(_passThreshold):0}" : string.Empty);
            var data = Spec.Kind == MetricKind.Continuous
                ? $"{_informative} paired interval(s)"
                : $"{_canaryEvents}/{_canaryTrials:0} canary, {_baselineEvents}/{_baselineTrials:0} baseline";
            var missing = _missing > 0 ? $", {_missing} interval(s) without complete data" : string.Empty;
            var tolerance = $"tolerance {Spec.Tolerance:0.#%}";
            var reason = _answer switch
            {
                MetricAnswer.Pass => $"{Judge.Percent(effect)} shown within {tolerance} {_decidedAt} ({data})",
                MetricAnswer.Fail => $"{Judge.Percent(effect)} shown beyond {tolerance} {_decidedAt} ({data})",
                _ when Spec.Kind == MetricKind.Continuous && _informative < _policy.MinSamples =>
                    $"{_informative} of the {_policy.MinSamples} paired intervals needed ({data}{missing})",
                _ => $"{Judge.Percent(effect)} not yet shown either side of {tolerance} ({data}; {evidence}{missing})",
            };
            return new MetricJudgement(Spec.Name, _answer, effect, double.NaN, double.NaN, "sequential " + (Spec.Kind == MetricKind.Continuous ? "sign" : "rate-ratio"), reason);
        }
    }
}

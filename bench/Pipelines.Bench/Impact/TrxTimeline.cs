using System.Globalization;
using System.Xml.Linq;
using Pipelines.Adapters.ResultFiles;

namespace Pipelines.Bench.Impact;

/// <summary>
/// When each test of a full run ran (TRX <c>startTime</c>/<c>endTime</c>), so a selection's cost can be read as the
/// part of that run's clock its tests held. Summed durations count a fixture twice when two tests that run side by
/// side both wait for it (the packaging tests' one release build); the clock counts that wait once.
/// </summary>
internal sealed class TrxTimeline
{
    private readonly Dictionary<string, List<(double Start, double End)>> spans;

    private TrxTimeline(Dictionary<string, List<(double Start, double End)>> spans) => this.spans = spans;

    public IReadOnlyCollection<string> Tests => spans.Keys;

    /// <summary>The run's tests by id (as <see cref="TrxReader"/> names them), each with its spans in seconds from the run's first start.</summary>
    public static TrxTimeline Read(string trxPath)
    {
        var root = XDocument.Load(trxPath).Root!;
        var definitions = TrxReader.Definitions(root);
        var read = new List<(string Id, DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var result in TrxReader.Results(root))
        {
            var (id, _) = TrxReader.Identify(result, TrxReader.DefinitionOf(result, definitions));
            if (Time(result, "startTime") is { } start && Time(result, "endTime") is { } end && end >= start)
            {
                read.Add((id, start, end));
            }
        }

        var origin = read.Count == 0 ? DateTimeOffset.MinValue : read.Min(r => r.Start);
        var spans = new Dictionary<string, List<(double, double)>>(StringComparer.Ordinal);
        foreach (var (id, start, end) in read)
        {
            if (!spans.TryGetValue(id, out var list))
            {
                spans[id] = list = [];
            }

            list.Add(((start - origin).TotalSeconds, (end - origin).TotalSeconds));
        }

        return new TrxTimeline(spans);
    }

    /// <summary>Seconds of the run's clock during which at least one of <paramref name="tests"/> was running.</summary>
    public double Clock(IEnumerable<string> tests) => Union(tests.SelectMany(Spans));

    public IReadOnlyList<(double Start, double End)> Spans(string test) => spans.GetValueOrDefault(test) ?? [];

    /// <summary>When the test first started in the run; +∞ for one that did not run.</summary>
    public double FirstStart(string test) => spans.TryGetValue(test, out var list) ? list.Min(s => s.Start) : double.PositiveInfinity;

    /// <summary>The whole run's clock: every test's spans.</summary>
    public double Clock() => Union(spans.Values.SelectMany(s => s));

    public static double Union(IEnumerable<(double Start, double End)> spans)
    {
        double total = 0, coveredTo = double.NegativeInfinity;
        foreach (var (start, end) in spans.OrderBy(s => s.Start))
        {
            if (end <= coveredTo)
            {
                continue;
            }

            total += end - Math.Max(start, coveredTo);
            coveredTo = end;
        }

        return total;
    }

    private static DateTimeOffset? Time(XElement result, string name) =>
        DateTimeOffset.TryParse((string?)result.Attribute(name), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;
}

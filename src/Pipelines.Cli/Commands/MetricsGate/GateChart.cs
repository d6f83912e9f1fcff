using System.Globalization;
using System.Security;
using System.Text;
using Pipelines.Core.Judging;

namespace Pipelines.Cli.Commands.MetricsGate;

/// <summary>
/// Canary against baseline over the window, per metric: an SVG written beside the report (one panel per metric:
/// the samples interval by interval, or the two rates as bars), and Mermaid charts GitHub renders in the summary.
/// </summary>
public static class GateChart
{
    private const int Width = 560;
    private const int PanelHeight = 150;
    private const int Margin = 40;
    private const string CanaryColor = "#d9480f";
    private const string BaselineColor = "#1c7ed6";

    public static string Svg(IReadOnlyList<MetricObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var svg = new StringBuilder();
        var height = (observations.Count * PanelHeight) + 30;
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">").AppendLine();
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"18\"><tspan fill=\"{CanaryColor}\">■ canary</tspan> <tspan fill=\"{BaselineColor}\">■ baseline</tspan></text>").AppendLine();
        for (var i = 0; i < observations.Count; i++)
        {
            Panel(svg, observations[i], 30 + (i * PanelHeight));
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>Mermaid line charts of the continuous metrics (canary first, baseline second); empty when there are none.</summary>
    public static string Mermaid(IReadOnlyList<MetricObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var md = new StringBuilder();
        foreach (var o in observations.Where(o => o.Canary.Count > 1 && o.Baseline.Count > 1))
        {
            var points = Math.Max(o.Canary.Count, o.Baseline.Count);
            md.AppendLine("```mermaid").AppendLine("xychart-beta");
            md.Append("  title \"").Append(o.Name.Replace("\"", "'", StringComparison.Ordinal)).AppendLine(": canary (first line) vs baseline\"");
            md.Append(CultureInfo.InvariantCulture, $"  x-axis \"interval\" 1 --> {points}").AppendLine();
            md.Append("  line [").Append(string.Join(", ", o.Canary.Select(Number))).AppendLine("]");
            md.Append("  line [").Append(string.Join(", ", o.Baseline.Select(Number))).AppendLine("]");
            md.AppendLine("```").AppendLine();
        }

        return md.ToString();
    }

    private static void Panel(StringBuilder svg, MetricObservation o, int top)
    {
        var plotTop = top + 20;
        var plotHeight = PanelHeight - 45;
        var plotWidth = Width - (2 * Margin);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"{top + 12}\" font-weight=\"bold\">{SecurityElement.Escape(o.Name)}</text>").AppendLine();
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Margin}\" y=\"{plotTop}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#ccc\"/>").AppendLine();
        if (o.Canary.Count == 0 && o.Baseline.Count == 0 && o.CanaryTrials <= 0 && o.BaselineTrials <= 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + 10}\" y=\"{plotTop + 20}\" fill=\"#888\">no data</text>").AppendLine();
            return;
        }

        if (o.Canary.Count > 0 || o.Baseline.Count > 0)
        {
            var all = o.Canary.Concat(o.Baseline).Where(double.IsFinite).ToList();
            var (low, high) = all.Count == 0 ? (0.0, 1.0) : (Math.Min(0, all.Min()), all.Max());
            high = high <= low ? low + 1 : high;
            var points = Math.Max(2, Math.Max(o.Canary.Count, o.Baseline.Count));
            string Line(IReadOnlyList<double> values) => string.Join(' ', values.Select((v, i) => string.Create(CultureInfo.InvariantCulture,
                $"{Margin + (plotWidth * i / (double)(points - 1)):0.#},{plotTop + plotHeight - (plotHeight * (v - low) / (high - low)):0.#}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{BaselineColor}\" stroke-width=\"2\" points=\"{Line(o.Baseline)}\"/>").AppendLine();
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{CanaryColor}\" stroke-width=\"2\" points=\"{Line(o.Canary)}\"/>").AppendLine();
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin - 4}\" y=\"{plotTop + 10}\" text-anchor=\"end\" font-size=\"10\">{Number(high)}</text>").AppendLine();
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin - 4}\" y=\"{plotTop + plotHeight}\" text-anchor=\"end\" font-size=\"10\">{Number(low)}</text>").AppendLine();
            return;
        }

        // Events: the two rates as bars.
        var canaryRate = o.CanaryTrials > 0 ? o.CanaryEvents / o.CanaryTrials : 0;
        var baselineRate = o.BaselineTrials > 0 ? o.BaselineEvents / o.BaselineTrials : 0;
        var max = Math.Max(Math.Max(canaryRate, baselineRate), 1e-12);
        var barHeight = (plotHeight - 30) / 2.0;
        foreach (var (rate, color, row, label) in new[] { (canaryRate, CanaryColor, 0, "canary"), (baselineRate, BaselineColor, 1, "baseline") })
        {
            var y = plotTop + 10 + (row * (barHeight + 10));
            var width = plotWidth * 0.8 * rate / max;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Margin}\" y=\"{y:0.#}\" width=\"{width:0.#}\" height=\"{barHeight:0.#}\" fill=\"{color}\"/>").AppendLine();
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + width + 6:0.#}\" y=\"{y + (barHeight / 2) + 4:0.#}\">{label} {Rate(rate)}</text>").AppendLine();
        }
    }

    private static string Rate(double rate) => rate < 0.01 ? (rate * 1000).ToString("0.###", CultureInfo.InvariantCulture) + "‰" : rate.ToString("0.##%", CultureInfo.InvariantCulture);

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("0.####", CultureInfo.InvariantCulture) : "0";
}

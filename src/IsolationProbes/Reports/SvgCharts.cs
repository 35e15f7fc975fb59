using System.Globalization;
using System.Net;
using System.Text;
using GpuQos.IsolationProbes.Audit;

namespace GpuQos.IsolationProbes.Reports;

/// <summary>The report's charts as inline SVG: no scripts, no external assets, readable offline.</summary>
internal static class SvgCharts
{
    private const string Baseline = "#3b82f6";
    private const string Contended = "#ef4444";

    /// <summary>Victim timings alone and beside the aggressor, one dot per run, with each median marked.</summary>
    public static string Distributions(ProbeResult r)
    {
        const int width = 560, height = 150, left = 90, right = 20;
        var all = r.BaselineSeconds.Concat(r.ContendedSeconds).ToArray();
        if (all.Length == 0)
        {
            return "";
        }

        var min = all.Min();
        var max = all.Max();
        var span = max > min ? max - min : Math.Max(min, 1e-9) * 0.1;
        double X(double v) => left + ((v - min) / span * (width - left - right));
        var svg = new StringBuilder();
        svg.Append(Open("distribution", width, height, $"{r.Probe} timings of {r.Victim}, baseline against contended"));
        Row(svg, "alone", r.BaselineSeconds, 40, Baseline, X);
        Row(svg, "contended", r.ContendedSeconds, 95, Contended, X);
        svg.Append(Text(left, height - 8, $"{Ms(min)} ms", "start"));
        svg.Append(Text(width - right, height - 8, $"{Ms(max)} ms", "end"));
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>A victim × aggressor matrix of median slowdowns for one probe, coloured from 1× (green) to 2× and beyond (red).</summary>
    public static string Heatmap(string probe, IReadOnlyList<ProbeResult> results)
    {
        var cells = results.Where(r => r.Probe == probe && r.Slowdown is not null).ToList();
        if (cells.Count == 0)
        {
            return "";
        }

        var names = cells.SelectMany(c => new[] { c.Victim, c.Aggressor }).Distinct().Order(StringComparer.Ordinal).ToList();
        const int cell = 70, left = 110, top = 40;
        var width = left + (names.Count * cell) + 20;
        var height = top + (names.Count * cell) + 30;
        var svg = new StringBuilder();
        svg.Append(Open("heatmap", width, height, $"{probe} slowdown matrix: rows are victims, columns aggressors"));
        for (var i = 0; i < names.Count; i++)
        {
            svg.Append(Text(left + (i * cell) + (cell / 2), top - 10, names[i], "middle"));
            svg.Append(Text(left - 8, top + (i * cell) + (cell / 2) + 4, names[i], "end"));
            for (var j = 0; j < names.Count; j++)
            {
                var c = cells.FirstOrDefault(x => x.Victim == names[i] && x.Aggressor == names[j]);
                var x0 = left + (j * cell);
                var y0 = top + (i * cell);
                var fill = c?.Slowdown is { } s ? HeatColour(s) : "#e5e7eb";
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"cell\" x=\"{x0}\" y=\"{y0}\" width=\"{cell - 2}\" height=\"{cell - 2}\" fill=\"{fill}\"><title>{Esc(c?.Summary ?? "not measured")}</title></rect>");
                if (c?.Slowdown is { } v)
                {
                    svg.Append(Text(x0 + (cell / 2), y0 + (cell / 2) + 4, v.ToString("0.00", CultureInfo.InvariantCulture) + "x", "middle"));
                }
            }
        }

        svg.Append(Text(left, height - 8, "rows: victim, columns: aggressor; green 1x, red 2x or more", "start"));
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The covert channel's slots: the receiver's count per slot, shaded by the bit sent, the threshold, and wrong bits marked.</summary>
    public static string BitTrace(CovertTrace trace, string title)
    {
        const int height = 170, top = 20, bottom = 30;
        var n = trace.Counts.Count;
        var bar = Math.Max(4, Math.Min(14, 900 / Math.Max(1, n)));
        var width = 60 + (n * bar) + 20;
        var max = Math.Max(1, trace.Counts.Max());
        double Y(double v) => top + ((height - top - bottom) * (1 - (v / max)));
        var svg = new StringBuilder();
        svg.Append(Open("bit-trace", width, height, title));
        for (var i = 0; i < n; i++)
        {
            var sent = trace.Sent[i];
            var x = 60 + (i * bar);
            var y = Y(trace.Counts[i]);
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"slot\" x=\"{x}\" y=\"{y:0.#}\" width=\"{bar - 1}\" height=\"{(height - bottom - y):0.#}\" fill=\"{(sent == '1' ? Contended : Baseline)}\"><title>slot {i}: sent {sent}, decoded {trace.Decoded[i]}, {trace.Counts[i]} kernels</title></rect>");
            if (trace.Decoded[i] != sent)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (bar / 2)}\" y=\"{height - 12}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#b91c1c\">x</text>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"60\" x2=\"{width - 20}\" y1=\"{Y(trace.Threshold):0.#}\" y2=\"{Y(trace.Threshold):0.#}\" stroke=\"#111827\" stroke-dasharray=\"4 3\"/>");
        svg.Append(Text(55, top + 8, max.ToString(CultureInfo.InvariantCulture), "end"));
        svg.Append(Text(55, height - bottom, "0", "end"));
        svg.Append(Text(60, height - 2, "red: sent 1 (contend), blue: sent 0 (idle); dashed: decision threshold; x: wrong bit", "start"));
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Green at 1×, yellow at 1.5×, red at 2× and above.</summary>
    public static string HeatColour(double slowdown)
    {
        var t = Math.Clamp(slowdown - 1, 0, 1);
        var red = (int)(t < 0.5 ? 80 + (t * 2 * 175) : 255);
        var green = (int)(t < 0.5 ? 200 : 200 - ((t - 0.5) * 2 * 150));
        return $"#{red:x2}{green:x2}60";
    }

    private static void Row(StringBuilder svg, string label, IReadOnlyList<double> values, int y, string colour, Func<double, double> x)
    {
        svg.Append(Text(80, y + 4, label, "end"));
        for (var i = 0; i < values.Count; i++)
        {
            // Deterministic jitter so overlapping runs stay visible.
            var jitter = ((i * 37) % 21) - 10;
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"run\" cx=\"{x(values[i]):0.#}\" cy=\"{y + jitter}\" r=\"3.5\" fill=\"{colour}\" fill-opacity=\"0.7\"/>");
        }

        if (values.Count > 0)
        {
            var m = x(ProbeStatistics.Median(values));
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"median\" x1=\"{m:0.#}\" x2=\"{m:0.#}\" y1=\"{y - 16}\" y2=\"{y + 16}\" stroke=\"#111827\" stroke-width=\"2\"/>");
        }
    }

    private static string Open(string kind, int width, int height, string title) =>
        string.Create(CultureInfo.InvariantCulture, $"<svg class=\"chart\" data-chart=\"{kind}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\"><title>{Esc(title)}</title><rect width=\"100%\" height=\"100%\" fill=\"#f9fafb\"/>");

    private static string Text(double x, double y, string text, string anchor) =>
        string.Create(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" text-anchor=\"{anchor}\" font-size=\"11\" fill=\"#374151\">{Esc(text)}</text>");

    private static string Ms(double seconds) => (seconds * 1000).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}

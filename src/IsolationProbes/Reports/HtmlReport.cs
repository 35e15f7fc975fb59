using System.Globalization;
using System.Net;
using System.Text;
using GpuQos.IsolationProbes.Audit;

namespace GpuQos.IsolationProbes.Reports;

/// <summary>Writes <c>report.html</c>: one self-contained page (inline CSS and SVG, no scripts, nothing fetched).</summary>
public static class HtmlReport
{
    private static readonly string[] TimingProbes = ["compute", "bandwidth", "cache"];

    /// <summary>The report as HTML.</summary>
    public static string Render(AuditReport report)
    {
        var html = new StringBuilder();
        var failed = report.Results.Count(r => r.Verdict == ProbeVerdicts.Failed);
        var errors = report.Results.Count(r => r.Verdict == ProbeVerdicts.Error);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GpuQos isolation audit</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#111827;max-width:1150px}")
            .Append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #d1d5db;padding:4px 8px;font-size:13px;text-align:left;vertical-align:top}")
            .Append(".passed{color:#047857}.failed{color:#b91c1c;font-weight:bold}.error{color:#92400e;font-weight:bold}.reported{color:#374151}")
            .Append("section{margin-bottom:28px}.charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-size:12px;color:#4b5563}")
            .Append("</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Isolation audit: <span class=\"{Outcome(report)}\">{Esc(report.Outcome)}</span></h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{report.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC on {Esc(report.Host)}, {report.DurationSeconds:0.#} s; backend {Esc(report.Backend)}, accelerator {Esc(report.Accelerator)}; {report.Warmup} warm-up and {report.Repetitions} timed runs per condition. ")
            .Append(CultureInfo.InvariantCulture, $"{report.Results.Count} results: {report.Results.Count - failed - errors} passed or reported, {failed} failed, {errors} errors. Schema {Esc(report.SchemaVersion)}.</p>");
        foreach (var note in report.Notes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><strong>Note:</strong> {Esc(note)}</p>");
        }

        html.Append("<section><h2>Partitions</h2><table><tr><th>name</th><th>gpu</th><th>tenant</th><th>mode</th><th>binding</th><th>memory</th></tr>");
        foreach (var p in report.Partitions)
        {
            var binding = p.CudaDevice is not null ? "CUDA_VISIBLE_DEVICES=" + p.CudaDevice : "cores " + string.Join(',', p.Cores);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(p.Name)}</td><td>{Esc(p.Gpu)}</td><td>{Esc(p.Tenant)}</td><td>{Esc(p.Mode)}</td><td>{Esc(binding)}</td><td>{p.MemoryBytes / 1048576.0:0.#} MiB</td></tr>");
        }

        html.Append("</table></section>");

        var maps = TimingProbes.Select(p => (p, SvgCharts.Heatmap(p, report.Results))).Where(x => x.Item2.Length > 0).ToList();
        if (maps.Count > 0)
        {
            html.Append("<section><h2>Slowdown matrix</h2><div class=\"charts\">");
            foreach (var (probe, svg) in maps)
            {
                html.Append(CultureInfo.InvariantCulture, $"<figure>{svg}<figcaption>{Esc(probe)}: median victim time beside the aggressor / alone</figcaption></figure>");
            }

            html.Append("</div></section>");
        }

        html.Append("<section><h2>Results</h2><table><tr><th>probe</th><th>victim</th><th>aggressor</th><th>mode</th><th>verdict</th><th>finding</th></tr>");
        foreach (var r in report.Results)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(r.Probe)}</td><td>{Esc(r.Victim)}</td><td>{Esc(r.Aggressor)}</td><td>{Esc(r.Mode)}</td><td class=\"{Esc(r.Verdict)}\">{Esc(r.Verdict)}</td><td>{Esc(r.Summary)}</td></tr>");
        }

        html.Append("</table></section>");

        var timed = report.Results.Where(r => r.BaselineSeconds.Count > 0).ToList();
        if (timed.Count > 0)
        {
            html.Append("<section><h2>Victim timing distributions</h2><div class=\"charts\">");
            foreach (var r in timed)
            {
                html.Append(CultureInfo.InvariantCulture, $"<figure>{SvgCharts.Distributions(r)}<figcaption>{Esc(r.Probe)}: {Esc(r.Victim)} alone (blue) and beside {Esc(r.Aggressor)} (red); bars are medians</figcaption></figure>");
            }

            html.Append("</div></section>");
        }

        var covert = report.Results.Where(r => r.Trace is not null).ToList();
        if (covert.Count > 0)
        {
            html.Append("<section><h2>Covert channel bit traces</h2>");
            foreach (var r in covert)
            {
                html.Append(CultureInfo.InvariantCulture, $"<figure>{SvgCharts.BitTrace(r.Trace!, r.Summary)}<figcaption>{Esc(r.Summary)}</figcaption></figure>");
            }

            html.Append("</section>");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>The report's file name.</summary>
    public const string FileName = "report.html";

    private static string Outcome(AuditReport report) => report.Outcome switch
    {
        "passed" => "passed",
        "violated" => "failed",
        _ => "error",
    };

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}

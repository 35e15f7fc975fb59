using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace GpuQos.Daemon.Reports;

/// <summary>Writes a usage report as a table, CSV or JSON.</summary>
public static class UsageReportWriter
{
    /// <summary>The report as JSON.</summary>
    public static string ToJson(UsageReport report) => JsonSerializer.Serialize(report, UsageReportJsonContext.Report.UsageReport);

    /// <summary>The rows as CSV (RFC 4180), one header line; the pods and what was left out are not in it.</summary>
    public static string ToCsv(UsageReport report)
    {
        var sb = new StringBuilder();
        sb.Append(report.By switch { UsageGrouping.Tenant => "tenant", UsageGrouping.Namespace => "namespace", _ => "gpu_model" }).Append(",used_gpu_hours,reserved_gpu_hours,efficiency");
        sb.Append(report.Currency is { } c ? $",used_cost_{c.ToLowerInvariant()},reserved_cost_{c.ToLowerInvariant()}" : "").Append('\n');
        foreach (var r in report.Rows)
        {
            sb.Append(Quote(r.Key)).Append(',').Append(Number(r.UsedGpuHours)).Append(',').Append(Number(r.ReservedGpuHours)).Append(',').Append(Number(r.Efficiency));
            if (report.Currency is not null)
            {
                sb.Append(',').Append(Number(r.UsedCost)).Append(',').Append(Number(r.ReservedCost));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Renders the report as tables, with what was left out underneath.</summary>
    public static void Render(IAnsiConsole console, UsageReport report)
    {
        var table = new Table().Title($"GPU-hours {report.From:yyyy-MM-dd HH:mm} to {report.Until:yyyy-MM-dd HH:mm} UTC");
        table.AddColumn(report.By switch { UsageGrouping.Tenant => "tenant", UsageGrouping.Namespace => "namespace", _ => "GPU model" });
        table.AddColumn(new TableColumn("used").RightAligned());
        table.AddColumn(new TableColumn("reserved").RightAligned());
        table.AddColumn(new TableColumn("used / reserved").RightAligned());
        if (report.Currency is { } currency)
        {
            table.AddColumn(new TableColumn($"used ({currency})").RightAligned());
            table.AddColumn(new TableColumn($"reserved ({currency})").RightAligned());
        }

        foreach (var r in report.Rows)
        {
            var cells = new List<string> { r.Key.Length == 0 && report.By == UsageGrouping.Namespace ? "[grey](no pod)[/]" : Markup.Escape(r.Key), Number(r.UsedGpuHours, 2), Number(r.ReservedGpuHours, 2), r.Efficiency is { } e ? e.ToString("P0", CultureInfo.InvariantCulture) : "-" };
            if (report.Currency is not null)
            {
                var unpriced = r.UnpricedModels.Count > 0 ? " [yellow]*[/]" : "";
                cells.Add(Number(r.UsedCost, 2) + unpriced);
                cells.Add(Number(r.ReservedCost, 2) + unpriced);
            }

            table.AddRow([.. cells]);
        }

        console.Write(table);
        if (report.Rows.Any(r => r.UnpricedModels.Count > 0))
        {
            console.MarkupLine("[yellow]*[/] not priced (missing from --price): " + Markup.Escape(string.Join(", ", report.Rows.SelectMany(r => r.UnpricedModels).Distinct(StringComparer.Ordinal))));
        }

        if (report.TopPods.Count > 0)
        {
            var pods = new Table().Title("Top pods by SM time (an estimate from the sampled process gauges)");
            pods.AddColumn("namespace").AddColumn("pod").AddColumn(new TableColumn("GPU-hours").RightAligned());
            foreach (var p in report.TopPods)
            {
                pods.AddRow(Markup.Escape(p.Namespace), Markup.Escape(p.Pod), Number(p.GpuHours, 2));
            }

            console.Write(pods);
        }

        foreach (var host in report.SkippedHosts)
        {
            console.MarkupLine("[yellow]left out host[/] " + Markup.Escape(host));
        }

        foreach (var range in report.FailedRanges)
        {
            console.MarkupLine("[red]range not read[/] " + Markup.Escape(range));
        }
    }

    private static string Number(double? value, int decimals = 6) =>
        value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "";

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}

using System.Globalization;
using GpuQos.Advisor.Advice;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// Renders advice as Spectre.Console tables: one summary per host, the figures per GPU, the fleet summary. Each host
/// is rendered as it is advised (<see cref="RenderHost"/>), the fleet at the end (<see cref="RenderFleet"/>), so that
/// a fleet's advice is never held whole.
/// </summary>
internal static class AdviceTable
{
    /// <summary>One host's table, each GPU's figures, rejected candidates and gaps.</summary>
    public static void RenderHost(IAnsiConsole console, HostAdvice host)
    {
        console.MarkupLine($"[bold]{Markup.Escape(host.Host)}[/] ({Markup.Escape(host.Source)}, evidence over {Markup.Escape(Span(host.Window))})");
        var table = new Table().AddColumns("GPU", "Model", "Current → recommended", "Expected effect", "Confidence");
        foreach (var gpu in host.Gpus)
        {
            var arrow = gpu.Recommended is null ? "[red]no advice[/]"
                : gpu.Change ? $"{Markup.Escape(gpu.Current!.Candidate.Label)} → [bold green]{Markup.Escape(gpu.Recommended.Candidate.Label)}[/]"
                : $"{Markup.Escape(gpu.Current!.Candidate.Label)} (keep)";
            table.AddRow(gpu.Gpu.ToString(CultureInfo.InvariantCulture), Markup.Escape(gpu.Model), arrow,
                Markup.Escape(gpu.Error ?? gpu.Effect), $"{gpu.ConfidenceLevel} ({gpu.Confidence:0.00})");
        }

        console.Write(table);
        foreach (var gpu in host.Gpus.Where(g => g.Recommended is not null))
        {
            console.Write(Figures(gpu));
            foreach (var r in gpu.Rejected)
            {
                console.MarkupLine($"  [yellow]not {Markup.Escape(r.Label)}[/]: {Markup.Escape(r.Reason)}");
            }

            foreach (var gap in gpu.Gaps)
            {
                console.MarkupLine($"  [grey]gap: {Markup.Escape(gap)}[/]");
            }
        }

        foreach (var gap in host.Gaps)
        {
            console.MarkupLine($"[grey]gap: {Markup.Escape(gap)}[/]");
        }
    }

    /// <summary>The fleet summary (with <paramref name="showFleet"/>), the files written and the reminder that nothing was applied.</summary>
    public static void RenderFleet(IAnsiConsole console, FleetSummary s, bool showFleet, IReadOnlyList<string> written)
    {
        if (showFleet)
        {
            console.MarkupLine($"[bold]Fleet[/]: {s.Hosts} host(s), {s.Gpus} GPU(s), {s.ChangesAdvised} change(s) advised, {s.Freeable.Count} GPU(s) could be freed, {s.InsufficientIsolation.Count} with insufficient isolation for their SLAs");
            foreach (var line in s.Freeable)
            {
                console.MarkupLine($"  free: {Markup.Escape(line)}");
            }

            foreach (var line in s.InsufficientIsolation)
            {
                console.MarkupLine($"  [red]isolation[/]: {Markup.Escape(line)}");
            }
        }

        foreach (var path in written)
        {
            console.MarkupLine($"wrote {Markup.Escape(path)}");
        }

        console.MarkupLine("[grey]Nothing was applied. Review the files, then apply them on an idle GPU.[/]");
    }

    /// <summary>The figures the advice rests on, per tenant, current against recommended.</summary>
    private static Table Figures(GpuAdvice gpu)
    {
        var cur = gpu.Current!;
        var rec = gpu.Recommended!;
        var table = new Table().Title($"GPU {gpu.Gpu}: figures").AddColumns("Tenant", "SLA", "Demand p50/p95/p99", "Memory peak", "Capacity", "Slowdown", "Risk", "Basis");
        foreach (var t in rec.Tenants.Select(r => r.Tenant).Union(cur.Tenants.Select(r => r.Tenant)))
        {
            var c = cur.Tenants.FirstOrDefault(x => x.Tenant == t);
            var r = rec.Tenants.FirstOrDefault(x => x.Tenant == t);
            var e = gpu.Evidence?.Tenants.FirstOrDefault(x => x.Name == t);
            var sla = e?.Sla switch
            {
                null => "unknown",
                { Objectives: 0 } => "-",
                var s => string.Create(CultureInfo.InvariantCulture, $"{s.BreachesPerDay:0.#} breaches/d") + (s.ThrottleActions is > 0 and var n ? string.Create(CultureInfo.InvariantCulture, $", {n:0} throttles") : ""),
            };
            var demand = e?.Demand is { } d ? $"{Pct(d.P50)}/{Pct(d.P95)}/{Pct(d.P99)}" : "unknown";
            table.AddRow(Markup.Escape(t), Markup.Escape(sla), demand, e is null ? "-" : GiB(e.MemoryPeakBytes),
                $"{Pct(c?.Capacity)} → {Pct(r?.Capacity)}", $"{Pct(c?.Slowdown)} → {Pct(r?.Slowdown)}",
                $"{Pct(c?.Risk)}{(c?.MeasuredRisk is not null ? " (measured)" : "")} → {Pct(r?.Risk)}",
                Markup.Escape(r?.SlowdownBasis ?? "moves to another GPU"));
        }

        table.Caption(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"score {cur.Score:0.00} → {rec.Score:0.00}; SLA risk {cur.SlaRisk:P1} → {rec.SlaRisk:P1}; isolation {cur.Isolation:0.0} → {rec.Isolation:0.0}; stranded {cur.Stranded:P0} → {rec.Stranded:P0}; reconfiguration: {rec.ReconfigurationSteps}")));
        return table;
    }

    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "-";

    private static string GiB(long bytes) => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";

    private static string Span(TimeSpan span) => span.TotalDays >= 1 ? $"{span.TotalDays:0.#} d" : span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : $"{span.TotalMinutes:0.#} min";
}

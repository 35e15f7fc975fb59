using System.Globalization;
using GpuQos.Daemon.Http.Api;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// Renders <see cref="StateDocument"/> as tables: GPUs, partitions, tenants, SLA states and recent actions. Values
/// are in human units; free text is clipped so that, without <c>--wide</c>, no row is wider than 120 columns and
/// none wraps. <c>--wide</c> adds the UUIDs and the full text.
/// </summary>
internal static class StateTables
{
    /// <summary>Most recent actions shown; <c>--json</c> has them all.</summary>
    public const int RecentActions = 20;

    /// <summary>Writes every table.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="url">The daemon's base URL, for the heading.</param>
    /// <param name="state">The daemon's state.</param>
    /// <param name="actions">Its recent actions, newest first; null when it runs no enforcement.</param>
    /// <param name="now">This host's time, against which ages ("42 s ago") are told.</param>
    /// <param name="wide">Add UUIDs and the full text of every column.</param>
    public static void Write(IAnsiConsole console, Uri url, StateDocument state, IReadOnlyList<ActionEntry>? actions, DateTimeOffset now, bool wide)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(state);
        var taken = wide ? state.Timestamp.ToString("O", CultureInfo.InvariantCulture) : "taken " + HumanUnits.Ago(state.Timestamp, now);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]GpuQos[/] at {Markup.Escape(url.ToString())}: backend [bold]{Markup.Escape(state.Backend)}[/], cycle {state.Sequence}, {Markup.Escape(taken)}"));
        if (state.Config is { } config)
        {
            console.MarkupLine($"configuration {Markup.Escape(config.Source)}: last reload {(config.LastReload.Success ? "[green]applied[/]" : "[red]rejected[/] (the previous configuration is in force)")}");
        }

        console.Write(Gpus(state, wide));
        console.Write(Partitions(state, wide));
        console.Write(Tenants(state));
        if (state.Sla is { } sla)
        {
            console.Write(SlaTable.Create(sla, now, wide, console.Profile.Width));
        }

        // Only when latency or throughput objectives read any: why such an objective is unknown is here.
        if (state.WorkloadMetrics is { Count: > 0 } workload)
        {
            console.Write(Workload(workload, now, wide, console.Profile.Width));
        }

        if (actions is not null)
        {
            console.Write(Actions(actions, now, wide, console.Profile.Width));
        }
    }

    private static Table Gpus(StateDocument state, bool wide)
    {
        var table = new Table().Title("GPUs").AddColumns("GPU", "Name");
        if (wide)
        {
            table.AddColumn("UUID");
        }

        table.AddColumns("Mode", "SM util", "Memory used", "Power", "Partitions", "Processes");
        foreach (var gpu in state.Gpus)
        {
            var d = gpu.Device;
            List<string> cells = [Number(gpu.Index), Cell(gpu.Name, wide ? int.MaxValue : 28)];
            if (wide)
            {
                cells.Add(Cell(gpu.Uuid, int.MaxValue));
            }

            cells.AddRange(
            [
                Cell(gpu.Mode, 14) + (gpu.Lost ? " [red](lost)[/]" : ""),
                HumanUnits.Percent(d?.SmUtilization),
                d is null ? "-" : HumanUnits.Bytes(d.MemoryUsedBytes) + " / " + HumanUnits.Bytes(d.MemoryTotalBytes),
                d?.PowerWatts is { } p ? p.ToString("0", CultureInfo.InvariantCulture) + " W" : "-",
                Number(gpu.Partitions.Count),
                Number(gpu.Processes.Count),
            ]);
            table.AddRow([.. cells]);
        }

        return table;
    }

    private static Table Partitions(StateDocument state, bool wide)
    {
        var table = new Table().Title("Partitions").AddColumns("GPU", "Partition", "Kind", "Profile", "Tenant", "SMs", "SM util", "Memory used");
        if (wide)
        {
            table.AddColumn("UUID");
        }

        var max = wide ? int.MaxValue : 20;
        foreach (var gpu in state.Gpus)
        {
            foreach (var p in gpu.Partitions)
            {
                var r = p.Reading;
                List<string> cells =
                [
                    Number(gpu.Index), Cell(r.Id, max), Cell(p.Kind, 10), Cell(r.Profile, max), Cell(p.Tenant, max),
                    r.SmCount is { } sms ? Number(sms) : "-",
                    HumanUnits.Percent(r.SmUtilization),
                    HumanUnits.Bytes(r.MemoryUsedBytes) + " / " + HumanUnits.Bytes(r.MemoryTotalBytes),
                ];
                if (wide)
                {
                    cells.Add(Cell(r.Uuid, int.MaxValue));
                }

                table.AddRow([.. cells]);
            }
        }

        return table;
    }

    private static Table Tenants(StateDocument state)
    {
        var table = new Table().Title("Tenants").AddColumns("Tenant", "GPU", "SM share", "Memory", "Processes");
        foreach (var t in state.Tenants)
        {
            table.AddRow(Cell(t.Tenant, 30), Number(t.Gpu), HumanUnits.Percent(t.SmShare), HumanUnits.Bytes(t.MemoryUsedBytes), Number(t.Processes));
        }

        return table;
    }

    private static Table Actions(IReadOnlyList<ActionEntry> actions, DateTimeOffset now, bool wide, int width)
    {
        const int never = int.MaxValue;
        var title = $"Recent actions (last {RecentActions})";

        // Oldest first, so the newest action is the last line, nearest the prompt.
        var shown = actions.Take(RecentActions).Reverse().ToList();
        return wide
            ? TableFit.Create(
                title,
                ["Time", "Id", "Policy", "Tenant", "GPU", "UUID", "Action", "Result", "Detail"],
                [never, never, never, never, never, never, never, never, never],
                [.. shown.Select(a => new[] { a.Time.ToString("O", CultureInfo.InvariantCulture), Number(a.Id), a.Policy, a.Tenant, Number(a.Gpu), a.Uuid, a.Action, a.Result, a.Detail })],
                never)
            : TableFit.Create(
                title,
                ["When", "Policy", "Tenant", "GPU", "Action", "Result", "Detail"],
                [never, 14, 8, never, never, never, 16],
                [.. shown.Select(a => new[] { HumanUnits.Ago(a.Time, now), a.Policy, a.Tenant, Number(a.Gpu), a.Action, a.Result, a.Detail })],
                width);
    }

    private static Table Workload(IReadOnlyList<WorkloadSourceState> sources, DateTimeOffset now, bool wide, int width)
    {
        const int never = int.MaxValue;
        return TableFit.Create(
            "Workload metrics",
            ["Source", "Reads", "Failures", "Last read", "Last error", "Unknown", "Why unknown"],
            [24, never, never, never, 16, never, 16],
            [.. sources.Select(s => new[]
            {
                s.Source, Number(s.Reads), Number(s.Failures),
                wide ? s.LastRead?.ToString("O", CultureInfo.InvariantCulture) ?? "-" : HumanUnits.Ago(s.LastRead, now),
                s.LastError ?? "-", Number(s.Unknown), s.LastUnknown ?? "-",
            })],
            wide ? never : width);
    }

    /// <summary>Escaped, clipped text for a cell; <c>-</c> when empty.</summary>
    internal static string Cell(string? text, int max) => Markup.Escape(HumanUnits.Clip(text, max));

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

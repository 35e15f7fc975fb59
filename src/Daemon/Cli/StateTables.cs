using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary>Renders <c>/api/v1/state</c> as tables: GPUs, partitions, tenants, SLA states and recent actions.</summary>
internal static class StateTables
{
    /// <summary>Most recent actions shown; <c>--json</c> has them all.</summary>
    public const int RecentActions = 20;

    public static void Write(IAnsiConsole console, Uri url, JsonElement state, JsonElement? actions)
    {
        console.MarkupLine($"[bold]GpuQos[/] at {Markup.Escape(url.ToString())}: backend [bold]{Markup.Escape(Text(state, "backend"))}[/], cycle {Text(state, "sequence")}, {Markup.Escape(Text(state, "timestamp"))}");
        if (state.TryGetProperty("config", out var config))
        {
            var reload = config.TryGetProperty("lastReload", out var r) ? r : default;
            var ok = reload.ValueKind != JsonValueKind.Object || reload.GetProperty("success").GetBoolean();
            console.MarkupLine($"configuration {Markup.Escape(Text(config, "source"))}: last reload {(ok ? "[green]applied[/]" : "[red]rejected[/] (the previous configuration is in force)")}");
        }

        var gpus = new Table().Title("GPUs").AddColumns("GPU", "Name", "Mode", "SM util", "Memory used", "Power", "Partitions", "Processes");
        var partitions = new Table().Title("Partitions").AddColumns("GPU", "Partition", "Kind", "Profile", "Tenant", "SMs", "SM util", "Memory used");
        foreach (var gpu in Array(state, "gpus"))
        {
            var device = gpu.TryGetProperty("device", out var d) ? d : default;
            gpus.AddRow(
                Text(gpu, "index"),
                Markup.Escape(Text(gpu, "name")),
                Markup.Escape(Text(gpu, "mode")) + (gpu.TryGetProperty("lost", out var lost) && lost.ValueKind == JsonValueKind.True ? " [red](lost)[/]" : ""),
                Percent(device, "smUtilization"),
                Bytes(device, "memoryUsedBytes") + " / " + Bytes(device, "memoryTotalBytes"),
                device.ValueKind == JsonValueKind.Object && device.TryGetProperty("powerWatts", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble().ToString("0", CultureInfo.InvariantCulture) + " W" : "-",
                Array(gpu, "partitions").Count.ToString(CultureInfo.InvariantCulture),
                Array(gpu, "processes").Count.ToString(CultureInfo.InvariantCulture));
            foreach (var partition in Array(gpu, "partitions"))
            {
                var reading = partition.TryGetProperty("reading", out var rd) ? rd : default;
                partitions.AddRow(
                    Text(gpu, "index"),
                    Markup.Escape(Text(reading, "id")),
                    Markup.Escape(Text(partition, "kind")),
                    Markup.Escape(Text(reading, "profile")),
                    Markup.Escape(Text(partition, "tenant")),
                    Text(reading, "smCount"),
                    Percent(reading, "smUtilization"),
                    Bytes(reading, "memoryUsedBytes") + " / " + Bytes(reading, "memoryTotalBytes"));
            }
        }

        console.Write(gpus);
        console.Write(partitions);
        var tenants = new Table().Title("Tenants").AddColumns("Tenant", "GPU", "SM share", "Memory", "Processes");
        foreach (var t in Array(state, "tenants"))
        {
            tenants.AddRow(Markup.Escape(Text(t, "tenant")), Text(t, "gpu"), Percent(t, "smShare"), Bytes(t, "memoryUsedBytes"), Text(t, "processes"));
        }

        console.Write(tenants);
        if (state.TryGetProperty("sla", out var sla))
        {
            console.Write(Flat("SLA states", Rows(sla)));
        }

        // Only when latency or throughput objectives read any: why such an objective is unknown is here.
        if (state.TryGetProperty("workloadMetrics", out var workload) && Rows(workload).Count > 0)
        {
            console.Write(Flat("Workload metrics", Rows(workload)));
        }

        if (actions is { } a)
        {
            console.Write(Flat($"Recent actions (last {RecentActions})", Rows(a).TakeLast(RecentActions).ToList()));
        }
    }

    /// <summary>A table of flat objects whose columns are the union of their keys, in first-seen order; nested values print as JSON.</summary>
    public static Table Flat(string title, IReadOnlyList<JsonElement> rows)
    {
        var columns = rows.SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal).ToList();
        var table = new Table().Title(title);
        if (columns.Count == 0)
        {
            return table.AddColumn("(none)");
        }

        table.AddColumns(columns.ToArray());
        foreach (var row in rows)
        {
            table.AddRow(columns.Select(c => Markup.Escape(row.TryGetProperty(c, out var v) ? Scalar(v) : "")).ToArray());
        }

        return table;
    }

    // The enforcer serves either an array, or an object holding one (e.g. {"policies": [...]}).
    private static List<JsonElement> Rows(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).ToList(),
        JsonValueKind.Object => value.EnumerateObject().FirstOrDefault(p => p.Value.ValueKind == JsonValueKind.Array).Value is { ValueKind: JsonValueKind.Array } inner
            ? Rows(inner)
            : [value],
        _ => [],
    };

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.Null => "-",
        _ => v.GetRawText(),
    };

    private static List<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [];

    private static string Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : "-";

    private static string Percent(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? (v.GetDouble() * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"
            : "-";

    private static string Bytes(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? (v.GetDouble() / (1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB"
            : "-";
}

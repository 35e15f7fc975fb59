using System.Globalization;
using GpuQos.Daemon.Http.Api;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// The SLA states table of <c>gpuqos status</c>: one row per (policy, tenant, GPU) and per failed policy. Without
/// <c>--wide</c> it fits 120 columns: the objective that explains the state in human units, the age of the state,
/// and the action types in force (or why a breach is held back); <c>--wide</c> has every field in full.
/// </summary>
internal static class SlaTable
{
    /// <summary>Builds the table.</summary>
    public static Table Create(IReadOnlyList<SlaRow> rows, DateTimeOffset now, bool wide)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = new Table().Title("SLA states");
        if (rows.Count == 0)
        {
            return table.AddColumn("(none)");
        }

        table.AddColumns(wide
            ? ["Policy", "Tenant", "GPU", "UUID", "State", "Mode", "Since", "Objectives", "Breaches", "In breach", "Actions", "Held back / error"]
            : ["Policy", "Tenant", "GPU", "State", "Since", "Objective", "Actions / note"]);
        foreach (var r in rows)
        {
            var gpu = r.Gpu is { } g ? StateTables.Number(g) : "-";
            table.AddRow(wide
                ?
                [
                    Full(r.Policy), Full(r.Tenant), gpu, Full(r.Uuid), State(r.State), Full(r.Mode),
                    Full(r.Since?.ToString("O", CultureInfo.InvariantCulture)), Full(r.Objectives),
                    r.Breaches is { } b ? StateTables.Number(b) : "-",
                    r.BreachSeconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-",
                    Full(r.Actions), Full(r.Error ?? r.HeldBack),
                ]
                :
                [
                    StateTables.Cell(r.Policy, 21), StateTables.Cell(r.Tenant, 11), gpu, State(r.State),
                    StateTables.Cell(r.Since is null ? null : HumanUnits.Ago(r.Since, now), 10),
                    Objective(r), StateTables.Cell(Note(r), 17),
                ]);
        }

        return table;
    }

    /// <summary>The objective in human units: <c>max-memory 32.0/24.0 GiB</c>, <c>min-sm-share 12.5/30.0%</c>, red when violated.</summary>
    internal static string Objective(SlaRow r)
    {
        if (r.Objective is not { } type)
        {
            return "-";
        }

        var text = type + " " + Pair(type, r.Value, r.Target);
        var violated = r.Value is { } v && r.Target is { } t && (type.StartsWith("min-", StringComparison.Ordinal) ? v < t : v > t);
        var cell = StateTables.Cell(text, 25);
        return violated ? $"[red]{cell}[/]" : cell;
    }

    // The unit follows the objective: bytes for memory, a share (0..1) for SM time, a count otherwise.
    private static string Pair(string type, double? value, double? target)
    {
        if (type.EndsWith("-memory", StringComparison.Ordinal))
        {
            return Strip(HumanUnits.Bytes(value), " GiB") + "/" + HumanUnits.Bytes(target);
        }

        if (type.EndsWith("-share", StringComparison.Ordinal))
        {
            return Strip(HumanUnits.Percent(value), "%") + "/" + HumanUnits.Percent(target);
        }

        return (value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "-") + "/" + (target is { } t ? t.ToString("0.##", CultureInfo.InvariantCulture) : "-");
    }

    // "32.0 GiB/24.0 GiB" reads as "32.0/24.0 GiB" when both sides share the unit.
    private static string Strip(string text, string unit) => text.EndsWith(unit, StringComparison.Ordinal) ? text[..^unit.Length] : text;

    // A failed policy's error, else why a breach is held back, else the action types in force ("priority", not its detail).
    private static string? Note(SlaRow r)
    {
        if (r.Error is { } error)
        {
            return error;
        }

        if (r.HeldBack is { } held)
        {
            return "held: " + held;
        }

        var types = string.Join(", ", (r.Actions ?? "").Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(a => a.Split(':')[0]));
        return r.Mode == "dry-run" ? (types.Length == 0 ? "dry-run" : "dry-run: " + types) : types;
    }

    private static string State(string state)
    {
        var color = state switch
        {
            "ok" => "green",
            "pending" or "recovering" => "yellow",
            _ => "red",
        };
        return $"[{color}]{StateTables.Cell(state, 10)}[/]";
    }

    private static string Full(string? text) => StateTables.Cell(text, int.MaxValue);
}

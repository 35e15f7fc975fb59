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
    private const int Never = int.MaxValue;

    /// <summary>Builds the table, clipped to <paramref name="width"/> columns unless <paramref name="wide"/>.</summary>
    public static Table Create(IReadOnlyList<SlaRow> rows, DateTimeOffset now, bool wide, int width)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (wide)
        {
            return TableFit.Create(
                "SLA states",
                ["Policy", "Tenant", "GPU", "UUID", "State", "Mode", "Since", "Objectives", "Breaches", "In breach", "Actions", "Held back / error"],
                [Never, Never, Never, Never, Never, Never, Never, Never, Never, Never, Never, Never],
                [.. rows.Select(r => new[]
                {
                    Text(r.Policy), Text(r.Tenant), Gpu(r), Text(r.Uuid), r.State, Text(r.Mode), Text(r.Since?.ToString("O", CultureInfo.InvariantCulture)),
                    Text(r.Objectives), r.Breaches is { } b ? StateTables.Number(b) : "-",
                    r.BreachSeconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-", Text(r.Actions), Text(r.Error ?? r.HeldBack),
                })],
                Never,
                (row, column) => column == 4 ? Color(rows[row].State) : null);
        }

        // The names and the note give way first; the state, its age and the GPU are never clipped.
        return TableFit.Create(
            "SLA states",
            ["Policy", "Tenant", "GPU", "State", "Since", "Objective", "Actions / note"],
            [14, 8, Never, Never, Never, 18, 12],
            [.. rows.Select(r => new[] { r.Policy, Text(r.Tenant), Gpu(r), r.State, r.Since is null ? "-" : HumanUnits.Ago(r.Since, now), Objective(r), Text(Note(r)) })],
            width,
            (row, column) => column switch
            {
                3 => Color(rows[row].State),
                5 => Violated(rows[row]) ? "red" : null,
                _ => null,
            });
    }

    /// <summary>The objective in human units: <c>max-memory 32.0/24.0 GiB</c>, <c>min-sm-share 12.5/30.0%</c>.</summary>
    internal static string Objective(SlaRow r) => r.Objective is { } type ? type + " " + Pair(type, r.Value, r.Target) : "-";

    // A min- objective is violated below its target, any other above it.
    private static bool Violated(SlaRow r) =>
        r.Objective is { } type && r.Value is { } v && r.Target is { } t && (type.StartsWith("min-", StringComparison.Ordinal) ? v < t : v > t);

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

    private static string Color(string state) => state switch
    {
        "ok" => "green",
        "pending" or "recovering" => "yellow",
        _ => "red",
    };

    private static string Gpu(SlaRow r) => r.Gpu is { } g ? StateTables.Number(g) : "-";

    private static string Text(string? text) => string.IsNullOrEmpty(text) ? "-" : text;
}

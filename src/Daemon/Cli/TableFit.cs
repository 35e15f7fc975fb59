using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// Fits a table's rows to the terminal by clipping text, never by wrapping: when the rows are wider than the
/// console, the flexible columns give up characters, the one with the most to spare first, down to their floor.
/// A clipped cell ends in an ellipsis; <c>--wide</c> and <c>--json</c> have the full text.
/// </summary>
internal static class TableFit
{
    /// <summary>Builds a table of <paramref name="rows"/> (plain text; <paramref name="style"/> may color a cell) no wider than <paramref name="width"/>.</summary>
    /// <param name="title">Table title.</param>
    /// <param name="headers">Column headers.</param>
    /// <param name="floors">Per column, the narrowest it may be clipped to; <see cref="int.MaxValue"/> for a column never clipped.</param>
    /// <param name="rows">Cells, plain text.</param>
    /// <param name="width">Console width.</param>
    /// <param name="style">Spectre style of a cell (row, column), or null for none.</param>
    public static Table Create(string title, string[] headers, int[] floors, IReadOnlyList<string[]> rows, int width, Func<int, int, string?>? style = null)
    {
        var table = new Table().Title(title);
        if (rows.Count == 0)
        {
            return table.AddColumn("(none)");
        }

        var widths = headers.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();

        // Each column costs its text, a space either side and a border; the table one more border.
        var total = widths.Sum() + (3 * headers.Length) + 1;
        while (total > width)
        {
            var column = Enumerable.Range(0, widths.Length).Where(c => widths[c] > Math.Max(floors[c], headers[c].Length)).DefaultIfEmpty(-1)
                .MaxBy(c => c < 0 ? 0 : widths[c] - floors[c]);
            if (column < 0)
            {
                break;
            }

            widths[column]--;
            total--;
        }

        table.AddColumns(headers);
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = new string[headers.Length];
            for (var c = 0; c < headers.Length; c++)
            {
                var text = Markup.Escape(HumanUnits.Clip(rows[r][c], widths[c]));
                cells[c] = style?.Invoke(r, c) is { } s ? $"[{s}]{text}[/]" : text;
            }

            table.AddRow(cells);
        }

        return table;
    }
}

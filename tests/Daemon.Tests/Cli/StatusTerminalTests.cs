using System.Text.Json;
using System.Text.RegularExpressions;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Cli;

/// <summary>
/// <c>gpuqos status</c> as a person sees it: the built binary in a real 120-column terminal (tmux), against a
/// running simulated daemon that has SLA states and actions to show.
/// </summary>
public sealed partial class StatusTerminalTests
{
    private const int Columns = 120;

    [Fact]
    public async Task Status_In120ColumnTerminal_NoLineWrapsAndValuesAreHumanized()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        await WaitForActionsAsync(daemon, TimeSpan.FromSeconds(90));
        var command = $"dotnet '{DaemonProcess.DllPath}' status --url {daemon.BaseUri}; echo \"status-exit=$?\"; sleep 120";

        await using var pane = await TerminalPane.StartAsync(command, Columns, rows: 60);
        var lines = await pane.WaitForAsync("status-exit=", TimeSpan.FromSeconds(90));

        Assert.Contains("status-exit=0", lines);
        var shown = string.Join('\n', lines);

        // Lines the terminal wrapped come back joined by capture-pane -J, so none may be longer than the pane.
        Assert.All(lines, l => Assert.True(l.Length <= Columns, $"{l.Length} columns: {l}"));

        // A cell Spectre wrapped inside the table leaves other cells of that line empty: every row is one line.
        foreach (var row in lines.Where(l => l.StartsWith('│')))
        {
            var cells = row.Trim('│').Split('│');
            Assert.True(cells.All(c => c.Trim().Length > 0), "a table row wrapped onto a second line: " + row);
        }

        foreach (var title in new[] { "GPUs", "Partitions", "Tenants", "SLA states", "Recent actions" })
        {
            Assert.Contains(title, shown, StringComparison.Ordinal);
        }

        Assert.Matches(@"\d+ (s|min) ago", Section(lines, "SLA states"));
        Assert.Matches(@"\d+ (s|min) ago", Section(lines, "Recent actions"));
        Assert.Matches(@"\d+\.\d GiB / \d+\.\d GiB", Section(lines, "GPUs"));
        Assert.Matches(@"\d+\.\d%", Section(lines, "Tenants"));
        Assert.DoesNotMatch(RawTimestamp(), shown);
        Assert.DoesNotMatch(GpuUuid(), shown);
        Assert.DoesNotMatch(@"\b\d{9,}\b", shown);
    }

    [Fact]
    public async Task StatusWide_ShowsTheUuids()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);

        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["status", "--wide", "--url", daemon.BaseUri.ToString()]);

        Assert.True(code == 0, stderr);
        Assert.Matches(GpuUuid(), stdout);
    }

    // The lines from a table's title to the end of that table.
    private static string Section(IReadOnlyList<string> lines, string title) =>
        string.Join('\n', lines.SkipWhile(l => !l.Contains(title, StringComparison.Ordinal)).TakeWhile(l => !l.StartsWith('└')));

    private static async Task WaitForActionsAsync(DaemonProcess daemon, TimeSpan timeout)
    {
        // The demo's memory-ceiling policy acts (dry-run) a few seconds after start.
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var actions = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/actions"));
            if (actions.RootElement.GetArrayLength() > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the demo daemon took no action within " + timeout);
            await Task.Delay(250);
        }
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d")]
    private static partial Regex RawTimestamp();

    [GeneratedRegex("GPU-[0-9a-f]{8}-")]
    private static partial Regex GpuUuid();
}

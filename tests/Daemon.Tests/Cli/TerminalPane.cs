using System.Diagnostics;
using System.Globalization;

namespace GpuQos.Daemon.Tests.Cli;

/// <summary>
/// A real pseudo-terminal of a given size: a detached tmux session on a private server, so that a command sees
/// a terminal (not a pipe) and its width, and the test reads back what a person would see.
/// </summary>
internal sealed class TerminalPane : IAsyncDisposable
{
    private readonly string _server = "gpuqos-test-" + Guid.NewGuid().ToString("N")[..12];

    private TerminalPane()
    {
    }

    /// <summary>Starts <paramref name="command"/> (a shell command line) in a <paramref name="columns"/>-wide pane.</summary>
    public static async Task<TerminalPane> StartAsync(string command, int columns, int rows)
    {
        var pane = new TerminalPane();
        var (code, output) = await pane.TmuxAsync(
            ["new-session", "-d", "-s", "test", "-x", columns.ToString(CultureInfo.InvariantCulture), "-y", rows.ToString(CultureInfo.InvariantCulture), command]);
        Assert.True(code == 0, "tmux new-session failed: " + output);
        return pane;
    }

    /// <summary>
    /// The pane's lines, scrollback included, with lines the terminal wrapped joined back (<c>capture-pane -J</c>),
    /// so a line too long for the pane shows as one line longer than it.
    /// </summary>
    public async Task<IReadOnlyList<string>> CaptureAsync()
    {
        var (code, output) = await TmuxAsync(["capture-pane", "-p", "-J", "-S", "-", "-t", "test"]);
        Assert.True(code == 0, "tmux capture-pane failed: " + output);
        return [.. output.Split('\n').Select(l => l.TrimEnd())];
    }

    /// <summary>Waits until a captured line contains <paramref name="marker"/>; returns the capture.</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(string marker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var lines = await CaptureAsync();
            if (lines.Any(l => l.Contains(marker, StringComparison.Ordinal)))
            {
                return lines;
            }

            Assert.True(DateTime.UtcNow < deadline, $"'{marker}' did not appear within {timeout}; the pane shows:\n{string.Join('\n', lines)}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync() => await TmuxAsync(["kill-server"]);

    private async Task<(int Code, string Output)> TmuxAsync(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(_server);
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add("/dev/null");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("tmux is not installed; scripts/setup.sh installs it", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}

using System.Diagnostics;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// The daemon under a stand-in for systemd: a parent process named <c>systemd</c> (Microsoft.Extensions.Hosting.Systemd
/// turns on only then) and a real <c>NOTIFY_SOCKET</c>.
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Run_UnderSystemd_SendsReadyThenWatchdogPingsThenStoppingOnSigterm()
    {
        using var socket = new NotifySocket(Path.Combine(_dir.Path, "notify.sock"));
        using var daemon = StartUnderSystemd(socket, scenario: null);
        try
        {
            Assert.True(await socket.WaitForAsync(m => m.Contains("READY=1", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Describe(socket, daemon));
            var pings = 0;
            Assert.True(await socket.WaitForAsync(m => m == "WATCHDOG=1" && ++pings == 3, TimeSpan.FromSeconds(10)), Describe(socket, daemon));

            TestSupport.DaemonProcess.Signal(DaemonPid(daemon), "TERM");
            Assert.True(await socket.WaitForAsync(m => m.Contains("STOPPING=1", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), Describe(socket, daemon));
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await daemon.WaitForExitAsync(exit.Token);
            Assert.Equal(0, daemon.ExitCode);

            var ready = socket.Received.FindIndex(r => r.Message.Contains("READY=1", StringComparison.Ordinal));
            var firstPing = socket.Received.FindIndex(r => r.Message == "WATCHDOG=1");
            Assert.InRange(ready, 0, firstPing);
        }
        finally
        {
            Kill(daemon);
        }
    }

    [Fact]
    public async Task Run_CollectionLoopHangs_WatchdogPingsStop()
    {
        // One GPU whose driver stops answering 3 s in; the loop then blocks inside the backend read.
        var scenario = _dir.Write("hang.yaml", """
            seed: 1
            gpus:
              - model: A10-24GB
                mode: exclusive
                hangAt: 3s
                workloads:
                  - {name: cad, pid: 100, user: cad, memory: 1GiB, demand: {kind: steady, level: 0.5}}
            """);
        using var socket = new NotifySocket(Path.Combine(_dir.Path, "notify.sock"));
        using var daemon = StartUnderSystemd(socket, scenario);
        try
        {
            Assert.True(await socket.WaitForAsync(m => m.Contains("READY=1", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Describe(socket, daemon));
            Assert.True(await socket.WaitForAsync(m => m == "WATCHDOG=1", TimeSpan.FromSeconds(5)), Describe(socket, daemon));

            // Stale after 3 intervals (3 s) past the last cycle; pings every 0.5 s until then. Wait for a silence
            // of 4 s, far longer than the ping period, and then check it lasts.
            var silence = TimeSpan.FromSeconds(4);
            var deadline = Stopwatch.StartNew();
            while (await socket.WaitForAsync(m => m == "WATCHDOG=1", silence))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "watchdog pings never stopped although the collection loop hangs:\n" + Describe(socket, daemon));
            }

            Assert.False(await socket.WaitForAsync(m => m == "WATCHDOG=1", TimeSpan.FromSeconds(2)), "pings resumed:\n" + Describe(socket, daemon));
            Assert.False(daemon.HasExited, "the daemon should keep running (systemd, not the daemon, decides to restart it)");
        }
        finally
        {
            Kill(daemon);
        }
    }

    public void Dispose() => _dir.Dispose();

    private Process StartUnderSystemd(NotifySocket socket, string? scenario)
    {
        // comm of a script is its file name, so the daemon's parent is "systemd" as far as the hosting library can tell.
        // The script forwards SIGTERM to the daemon, as systemd would send it.
        var launcher = _dir.Write("systemd", """
            #!/bin/sh
            "$@" &
            child=$!
            echo $child > "$GPUQOS_TEST_PIDFILE"
            trap 'kill -TERM $child' TERM
            wait $child
            wait $child
            """, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var psi = new ProcessStartInfo(launcher) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "dotnet", TestSupport.DaemonProcess.DllPath, "run", "--backend", "sim", "--listen", $"127.0.0.1:{TestSupport.DaemonProcess.FreePort()}" })
        {
            psi.ArgumentList.Add(arg);
        }

        if (scenario is not null)
        {
            psi.ArgumentList.Add("--scenario");
            psi.ArgumentList.Add(scenario);
        }

        psi.Environment["NOTIFY_SOCKET"] = socket.Path;
        psi.Environment["WATCHDOG_USEC"] = "1000000";
        psi.Environment["GPUQOS_TEST_PIDFILE"] = Path.Combine(_dir.Path, "daemon.pid");
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private int DaemonPid(Process launcher)
    {
        _ = launcher;
        return int.Parse(File.ReadAllText(Path.Combine(_dir.Path, "daemon.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Kill(Process launcher)
    {
        if (File.Exists(Path.Combine(_dir.Path, "daemon.pid")))
        {
            var pid = DaemonPid(launcher);
            try
            {
                using var daemon = Process.GetProcessById(pid);
                daemon.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        if (!launcher.HasExited)
        {
            launcher.Kill(entireProcessTree: true);
        }
    }

    private static string Describe(NotifySocket socket, Process daemon) =>
        $"received: {string.Join(", ", socket.Received.Select(r => $"{r.At.TotalSeconds:0.0}s {r.Message}"))}; launcher exited: {daemon.HasExited}";
}

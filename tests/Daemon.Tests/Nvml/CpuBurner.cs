using System.Diagnostics;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>
/// A copy of yes(1) under a chosen name, pinned to CPU 0, writing to /dev/null: a real process the NVML
/// stand-in reports as a GPU process (<c>real=1</c>), for the enforcer to throttle.
/// </summary>
internal sealed class CpuBurner : IDisposable
{
    private readonly Process _process;

    private CpuBurner(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>The state letter in /proc/PID/stat (R, S, T when stopped…).</summary>
    public char State
    {
        get
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
    }

    public static CpuBurner Start(string dir, string name)
    {
        var path = Path.Combine(dir, name);
        File.Copy("/usr/bin/yes", path);

        // exec keeps the PID: the shell becomes taskset, which becomes the burner.
        var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exec taskset -c 0 \"$0\" > /dev/null", path]) { UseShellExecute = false })!;
        return new CpuBurner(process);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // SIGCONT first, in case a failed test left it stopped; then end it.
            DaemonProcess.Signal(_process.Id, "CONT");
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

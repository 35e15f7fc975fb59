using System.Diagnostics;
using GpuQos.LatencyLoop;

namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>
/// A copy of yes(1) under a chosen name (so attribution can match it), pinned to CPU 0, writing to /dev/null.
/// Disposing continues it (in case a failed test left it stopped) and ends it.
/// </summary>
internal sealed class Burner : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private Burner(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The state letter in /proc/PID/stat (R, S, T when stopped…).</summary>
    public char State => ProcState.Of(Pid);

    public static Burner Start(string dir, string name) => new(LatencyLoopHost.StartBurner(dir, name));

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            DaemonProcess.Signal(_process.Id, "CONT");
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

using System.Diagnostics;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>A CPU-burning child process (a shell busy loop) pinned to one core. Disposing continues and kills it.</summary>
internal sealed class Burner : IDisposable
{
    private readonly Process _process;

    public Burner(int core)
    {
        _process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start /bin/sh");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("burners are pinned with Linux affinity and stopped with Linux signals");
        }

        _process.ProcessorAffinity = (nint)(1L << core);
    }

    public int Pid => _process.Id;

    public void Dispose()
    {
        try
        {
            DaemonSignals.Send(Pid, "CONT");
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}

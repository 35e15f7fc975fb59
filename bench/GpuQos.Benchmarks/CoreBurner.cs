using System.Diagnostics;
using GpuQos.Enforcer.Actuators;

namespace GpuQos.Benchmarks;

/// <summary>
/// The real-process benchmarks' tenants: shells that spin, pinned to one core (the core stands in for a
/// time-sliced GPU), and the CPU time each has used, read from /proc.
/// </summary>
internal static class CoreBurner
{
    /// <summary>Starts a spinning shell pinned to <paramref name="core"/>.</summary>
    public static Process Start(int core)
    {
        var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!;
        if (OperatingSystem.IsLinux())
        {
            p.ProcessorAffinity = (nint)(1L << core);
        }

        return p;
    }

    /// <summary>CPU time <paramref name="pid"/> has used, in nanoseconds; 0 once it is gone.</summary>
    public static long CpuNanoseconds(int pid) => ProcStat.CpuNanoseconds(pid) ?? 0;
}

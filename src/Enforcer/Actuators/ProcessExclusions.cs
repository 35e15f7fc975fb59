using System.Globalization;
using GpuQos.Model.Procfs;

namespace GpuQos.Enforcer.Actuators;

/// <summary>
/// Processes the daemon never stops or renices, whatever a snapshot or a policy says: PID 1 and below, the
/// daemon itself and everything it started (its probe workers), kernel threads, and the MPS server (whose
/// clients all stall with it) unless the configuration allows it explicitly.
/// </summary>
/// <param name="daemon">The daemon's PID, whose tree is excluded; null where the caller's children are the targets (tests).</param>
/// <param name="actOnMpsServer">Whether the MPS server may be acted on.</param>
/// <param name="procRoot">Where procfs is mounted.</param>
public sealed class ProcessExclusions(int? daemon, bool actOnMpsServer = false, string procRoot = "/proc")
{
    // Deep enough for any real process tree; a longer chain is treated as a loop and excluded.
    private const int MaxDepth = 256;

    /// <summary>The exclusions of this process as the daemon.</summary>
    public static ProcessExclusions ForDaemon(bool actOnMpsServer = false) => new(Environment.ProcessId, actOnMpsServer);

    /// <summary>Why <paramref name="pid"/> may not be acted on; null when it may.</summary>
    public string? Why(int pid)
    {
        if (pid <= 1)
        {
            return $"PID {pid.ToString(CultureInfo.InvariantCulture)} is init or not a process";
        }

        if (ProcStat.Read(pid, procRoot) is not { } stat)
        {
            return null;
        }

        if (stat.IsKernelThread || stat.ParentPid == 2 || pid == 2)
        {
            return $"PID {pid.ToString(CultureInfo.InvariantCulture)} is a kernel thread";
        }

        if (daemon is { } self)
        {
            var current = pid;
            var parent = stat.ParentPid;
            for (var depth = 0; ; depth++)
            {
                if (current == self)
                {
                    return $"PID {pid.ToString(CultureInfo.InvariantCulture)} is the daemon or one of its own processes";
                }

                if (parent <= 1 || depth >= MaxDepth)
                {
                    break;
                }

                current = parent;
                parent = ProcStat.Read(current, procRoot)?.ParentPid ?? 0;
            }
        }

        if (!actOnMpsServer && ProcessExecutable.IsMpsServer(pid, procRoot))
        {
            return $"PID {pid.ToString(CultureInfo.InvariantCulture)} is the MPS server (enforcement.actOnMpsServer is off)";
        }

        return null;
    }
}

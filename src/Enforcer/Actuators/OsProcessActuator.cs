using System.Runtime.InteropServices;

namespace GpuQos.Enforcer.Actuators;

/// <summary>Process actions on real processes: SIGSTOP/SIGCONT duty cycles and setpriority.</summary>
public sealed class OsProcessActuator : IProcessActuator
{
    private readonly DutyCycleThrottler _throttler;
    private readonly string _procRoot;

    /// <summary>Creates the actuator and its throttling thread.</summary>
    public OsProcessActuator(TimeSpan period, TimeProvider time, string procRoot = "/proc")
    {
        _procRoot = procRoot;
        _throttler = new DutyCycleThrottler(period, time, procRoot);
    }

    /// <inheritdoc />
    public string Kind => "os";

    /// <summary>The throttler behind the duty cycles.</summary>
    public DutyCycleThrottler Throttler => _throttler;

    /// <inheritdoc />
    public ProcessKey? Identify(int pid) => ProcStat.Read(pid, _procRoot) is { } stat ? new ProcessKey(pid, stat.StartTime) : null;

    /// <inheritdoc />
    public void SetDutyCycle(ProcessKey process, double duty) => _throttler.Set(process, duty);

    /// <inheritdoc />
    public int? GetNice(ProcessKey process)
    {
        if (!Matches(process))
        {
            return null;
        }

        // getpriority may legitimately return -1, so errno is what tells failure apart.
        Marshal.SetLastPInvokeError(0);
        var nice = Libc.GetPriority(Libc.PrioProcess, (uint)process.Pid);
        return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? null : nice;
    }

    /// <inheritdoc />
    public void SetNice(ProcessKey process, int nice)
    {
        if (Matches(process) && Libc.SetPriority(Libc.PrioProcess, (uint)process.Pid, nice) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.NoSuchProcess)
            {
                throw new InvalidOperationException($"setpriority({process.Pid}, {nice}) failed with errno {errno}");
            }
        }
    }

    /// <inheritdoc />
    public bool Terminate(ProcessKey process, bool force)
    {
        if (force)
        {
            return DutyCycleThrottler.Signal(process, Libc.SigKill, _procRoot);
        }

        // A process a throttle holds stopped would not act on SIGTERM until continued.
        _throttler.Set(process, 1);
        if (!DutyCycleThrottler.Signal(process, Libc.SigTerm, _procRoot))
        {
            return false;
        }

        DutyCycleThrottler.Continue(process, _procRoot);
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _throttler.Dispose();

    private bool Matches(ProcessKey process) => ProcStat.Read(process.Pid, _procRoot) is { } stat && stat.StartTime == process.StartTime;
}

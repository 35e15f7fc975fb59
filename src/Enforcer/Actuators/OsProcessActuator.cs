using System.Runtime.InteropServices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Actuators;

/// <summary>
/// Process actions on real processes: SIGSTOP/SIGCONT duty cycles and setpriority. A process is known by the
/// PID and start time its snapshot carried, held by a pidfd while it is acted on, and never one of
/// <see cref="ProcessExclusions"/>: releasing (SIGCONT) is the only thing done to an excluded process.
/// </summary>
public sealed class OsProcessActuator : IProcessActuator
{
    private readonly DutyCycleThrottler _throttler;
    private readonly string _procRoot;
    private readonly ProcessExclusions _exclusions;

    /// <summary>Creates the actuator and its throttling thread.</summary>
    /// <param name="period">The duty-cycle period.</param>
    /// <param name="time">The clock of the duty cycle.</param>
    /// <param name="procRoot">Where procfs is mounted.</param>
    /// <param name="exclusions">Processes never acted on; by default those of this process as the daemon.</param>
    public OsProcessActuator(TimeSpan period, TimeProvider time, string procRoot = "/proc", ProcessExclusions? exclusions = null)
    {
        _procRoot = procRoot;
        _exclusions = exclusions ?? ProcessExclusions.ForDaemon();
        _throttler = new DutyCycleThrottler(period, time, procRoot);
    }

    /// <inheritdoc />
    public string Kind => "os";

    /// <summary>The throttler behind the duty cycles.</summary>
    public DutyCycleThrottler Throttler => _throttler;

    /// <inheritdoc />
    public ProcessKey? Identify(ProcessSnapshot process)
    {
        ArgumentNullException.ThrowIfNull(process);

        // The identity is the snapshot's, never re-read now: a process whose PID was reused since is not the one
        // the policy judged, and a snapshot that does not say which process it was is not acted on.
        if (process.Attribution.StartTime is not { } start)
        {
            return null;
        }

        var key = new ProcessKey(process.Reading.Pid, start);
        return Refusal(key) is null && Matches(key) ? key : null;
    }

    /// <summary>Why <paramref name="process"/> may not be stopped or reniced; null when it may.</summary>
    public string? Refusal(ProcessKey process) => _exclusions.Why(process.Pid);

    /// <inheritdoc />
    public void SetDutyCycle(ProcessKey process, double duty)
    {
        if (duty < 1)
        {
            if (Refusal(process) is { } why)
            {
                throw new InvalidOperationException($"refusing to throttle: {why}");
            }

            // Fails here, where the action is recorded, on a kernel without pidfd, rather than in the duty-cycle thread.
            using var probe = PidFd.Open(process, _procRoot);
        }

        _throttler.Set(process, duty);
    }

    /// <inheritdoc />
    public int? GetNice(ProcessKey process)
    {
        using var held = PidFd.Open(process, _procRoot);
        if (held is null)
        {
            return null;
        }

        // getpriority may legitimately return -1, so errno is what tells failure apart.
        Marshal.SetLastPInvokeError(0);
        var nice = Libc.GetPriority(Libc.PrioProcess, (uint)process.Pid);
        return (nice == -1 && Marshal.GetLastPInvokeError() != 0) || !held.Alive ? null : nice;
    }

    /// <inheritdoc />
    public void SetNice(ProcessKey process, int nice)
    {
        if (Refusal(process) is { } why)
        {
            throw new InvalidOperationException($"refusing to renice: {why}");
        }

        // setpriority takes a PID, not a pidfd: the pidfd is held across the call and the process checked alive
        // after it. A process alive after the call was alive during it, so its PID named it and no other.
        using var held = PidFd.Open(process, _procRoot);
        if (held is null)
        {
            return;
        }

        if (Libc.SetPriority(Libc.PrioProcess, (uint)process.Pid, nice) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.NoSuchProcess)
            {
                throw new InvalidOperationException($"setpriority({process.Pid}, {nice}) failed with errno {errno}");
            }
        }
        else if (!held.Alive)
        {
            throw new InvalidOperationException($"process {process.Pid} exited while it was reniced; its PID may have named another process for that moment");
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

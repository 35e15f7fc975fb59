using System.Runtime.InteropServices;

namespace GpuQos.Enforcer.Actuators;

/// <summary>
/// A process held by a pidfd (<c>pidfd_open</c>, Linux 5.3), opened only when the process still has the
/// start time the snapshot saw. The pidfd is opened first and the start time checked after: if the PID had
/// been reused in between, the check reads the newcomer's start time and fails, so a held process is the one
/// the snapshot saw, and a signal sent through the pidfd (<c>pidfd_send_signal</c>) reaches it or nothing:
/// no window remains between the check and the signal in which a recycled PID could be hit.
/// </summary>
internal sealed class PidFd : IDisposable
{
    private int _fd;

    private PidFd(int fd, ProcessKey process)
    {
        _fd = fd;
        Process = process;
    }

    /// <summary>The process held.</summary>
    public ProcessKey Process { get; }

    /// <summary>
    /// Opens <paramref name="process"/>; null when it is gone or its PID now names another process. Throws
    /// when the kernel has no pidfd (before 5.3): the daemon never falls back to signalling a bare PID.
    /// </summary>
    public static PidFd? Open(ProcessKey process, string procRoot = "/proc")
    {
        if (process.Pid <= 0)
        {
            return null;
        }

        var fd = (int)Libc.Syscall(Libc.SysPidfdOpen, process.Pid, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                Libc.NoSuchProcess or Libc.InvalidArgument => null,
                Libc.NotImplemented => throw new InvalidOperationException("this kernel has no pidfd_open (Linux 5.3 or later is needed to signal processes safely)"),
                _ => throw new InvalidOperationException($"pidfd_open({process.Pid}) failed with errno {errno}"),
            };
        }

        var held = new PidFd(fd, process);
        if (ProcStat.Read(process.Pid, procRoot) is { } stat && stat.StartTime == process.StartTime)
        {
            return held;
        }

        held.Dispose();
        return null;
    }

    /// <summary>Sends <paramref name="signal"/> through the pidfd; false when the process has exited since it was opened.</summary>
    public bool Signal(int signal)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        if (Libc.Syscall(Libc.SysPidfdSendSignal, _fd, signal, 0, 0) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Libc.NoSuchProcess ? false : throw new InvalidOperationException($"pidfd_send_signal({Process.Pid}, {signal}) failed with errno {errno}");
    }

    /// <summary>Whether the held process is still alive (signal 0 through the pidfd).</summary>
    public bool Alive => Signal(0);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }
}

using System.Runtime.InteropServices;

namespace GpuQos.Enforcer.Actuators;

/// <summary>The few libc calls the actuators and the journal need.</summary>
internal static unsafe partial class Libc
{
    /// <summary>SIGKILL on Linux.</summary>
    public const int SigKill = 9;

    /// <summary>SIGTERM on Linux.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGCONT on Linux (x86-64 and arm64).</summary>
    public const int SigCont = 18;

    /// <summary>SIGSTOP on Linux (x86-64 and arm64).</summary>
    public const int SigStop = 19;

    /// <summary><c>PRIO_PROCESS</c> for get/setpriority.</summary>
    public const int PrioProcess = 0;

    /// <summary>errno ESRCH: no such process.</summary>
    public const int NoSuchProcess = 3;

    /// <summary>errno ENOENT.</summary>
    public const int NoEntry = 2;

    /// <summary>errno EINVAL (pidfd_open of a thread that is not a thread-group leader).</summary>
    public const int InvalidArgument = 22;

    /// <summary>errno ENOTDIR: a path component is not a directory.</summary>
    public const int NotDirectory = 20;

    /// <summary>errno ELOOP: what <c>O_NOFOLLOW</c> answers for a symbolic link.</summary>
    public const int TooManyLinks = 40;

    /// <summary>errno ENOSYS: the kernel lacks the system call (pidfd needs Linux 5.3).</summary>
    public const int NotImplemented = 38;

    /// <summary><c>pidfd_send_signal</c>: the same number on x86-64 and arm64 (the unified table since Linux 5.1).</summary>
    public const long SysPidfdSendSignal = 424;

    /// <summary><c>pidfd_open</c>: the same number on x86-64 and arm64.</summary>
    public const long SysPidfdOpen = 434;

    public const int OpenReadOnly = 0;
    public const int OpenWriteOnly = 1;
    public const int OpenCreate = 0x40;
    public const int OpenExclusive = 0x80;
    public const int OpenCloseOnExec = 0x80000;

    /// <summary><c>AT_FDCWD</c>.</summary>
    public const int AtCurrentDirectory = -100;

    /// <summary><c>AT_SYMLINK_NOFOLLOW</c>: statx describes a link itself.</summary>
    public const int AtSymlinkNoFollow = 0x100;

    /// <summary><c>AT_EMPTY_PATH</c>: statx describes the descriptor.</summary>
    public const int AtEmptyPath = 0x1000;

    /// <summary><c>STATX_BASIC_STATS</c>.</summary>
    public const uint StatxBasicStats = 0x7ff;

    /// <summary>
    /// <c>O_NOFOLLOW</c>, whose value differs by architecture: 0400000 on x86-64, 0100000 on arm64 (where
    /// 0400000 is <c>O_DIRECT</c>'s neighbour and means something else).
    /// </summary>
    public static int OpenNoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, uint who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    public static partial int GetPriority(int which, uint who);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUid();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fstatfs", SetLastError = true)]
    public static partial int FstatFs(int fd, byte* buffer);

    // syscall(2) is variadic; on Linux x86-64 and arm64 variadic integer arguments travel in the same registers
    // as fixed ones, so fixed declarations per arity are sound there.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long a, long b);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long a, long b, long c, long d);
}

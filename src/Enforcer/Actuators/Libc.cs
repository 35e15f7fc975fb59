using System.Runtime.InteropServices;

namespace GpuQos.Enforcer.Actuators;

/// <summary>The few libc calls the process actuators need.</summary>
internal static partial class Libc
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, uint who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    public static partial int GetPriority(int which, uint who);
}

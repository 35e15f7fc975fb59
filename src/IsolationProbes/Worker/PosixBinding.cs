using System.Globalization;
using System.Runtime.InteropServices;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// Binds a CPU probe worker to its partition: CPU affinity for every thread of the process, and an
/// address-space limit (RLIMIT_AS) when the coordinator asks for one. Linux only.
/// </summary>
internal static partial class PosixBinding
{
    private const int RlimitAs = 9;
    private const int ProtNone = 0;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private const int MapNoReserve = 0x4000;
    private const nint MapFailed = -1;

    /// <summary>Pins every thread of this process to <paramref name="cores"/>; threads created later inherit it.</summary>
    public static void PinProcess(IReadOnlyList<int> cores)
    {
        var mask = new ulong[16];
        foreach (var core in cores)
        {
            if (core is < 0 or >= 1024)
            {
                throw new ArgumentOutOfRangeException(nameof(cores), core, "core numbers must be 0..1023");
            }

            mask[core / 64] |= 1UL << (core % 64);
        }

        // sched_setaffinity(0) binds only the calling thread, so walk every thread the runtime has started.
        var tids = Directory.EnumerateDirectories("/proc/self/task")
            .Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))
            .ToList();
        foreach (var tid in tids)
        {
            if (SchedSetAffinity(tid, (nuint)(mask.Length * sizeof(ulong)), mask) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != 3)
                {
                    // ESRCH: the thread exited meanwhile; anything else means the cores are not ours to use.
                    throw new InvalidOperationException($"sched_setaffinity to cores {string.Join(',', cores)} failed: errno {errno}");
                }
            }
        }
    }

    /// <summary>
    /// Sets every thread of process <paramref name="pid"/> to nice <paramref name="nice"/> (threads it creates
    /// later inherit it); false when that was not permitted (raising a priority needs root or CAP_SYS_NICE).
    /// </summary>
    public static bool TrySetNice(int pid, int nice)
    {
        var ok = true;
        foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            var tid = int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
            if (SetPriority(0, (uint)tid, nice) != 0 && Marshal.GetLastPInvokeError() != 3)
            {
                // ESRCH: the thread exited meanwhile; anything else means it was not permitted.
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>True when this process runs with effective UID 0.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && GetEuid() == 0;

    /// <summary>
    /// Limits further address space to <paramref name="bytes"/> beyond what the process has mapped now. The
    /// runtime reserves a large range up front, so an absolute limit would either fail at start or mean nothing.
    /// </summary>
    public static long LimitFurtherAddressSpace(long bytes)
    {
        var limit = (ulong)(CurrentAddressSpaceBytes() + bytes);
        var rl = new RLimit { Current = limit, Max = limit };
        if (SetRLimit(RlimitAs, ref rl) != 0)
        {
            throw new InvalidOperationException($"setrlimit(RLIMIT_AS, {limit}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return (long)limit;
    }

    /// <summary>
    /// Maps <paramref name="bytes"/> of inaccessible address space, which counts against RLIMIT_AS like any
    /// mapping and goes back to the system the moment it is disposed; null when the mapping was refused.
    /// </summary>
    public static AddressSpaceReservation? ReserveAddressSpace(long bytes)
    {
        var address = Mmap(0, (nuint)bytes, ProtNone, MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        return address == MapFailed ? null : new AddressSpaceReservation(address, bytes);
    }

    /// <summary>Unmaps what <see cref="ReserveAddressSpace"/> mapped.</summary>
    internal static void Release(nint address, long bytes)
    {
        if (Munmap(address, (nuint)bytes) != 0)
        {
            throw new InvalidOperationException($"munmap of {bytes} reserved bytes failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>VmSize of this process, from /proc/self/status.</summary>
    public static long CurrentAddressSpaceBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmSize:", StringComparison.Ordinal))
            {
                var kb = line["VmSize:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("/proc/self/status has no VmSize line");
    }

    /// <summary>The largest CPU cache of core 0 from sysfs, or 1 MiB when sysfs does not say.</summary>
    public static long LastLevelCacheBytes()
    {
        long best = 0;
        var root = "/sys/devices/system/cpu/cpu0/cache";
        if (Directory.Exists(root))
        {
            foreach (var dir in Directory.EnumerateDirectories(root, "index*"))
            {
                var file = Path.Combine(dir, "size");
                if (File.Exists(file))
                {
                    best = Math.Max(best, ParseCacheSize(File.ReadAllText(file)));
                }
            }
        }

        return best > 0 ? best : 1 << 20;
    }

    /// <summary>Parses sysfs cache sizes such as <c>32K</c> or <c>16384K</c> or <c>32M</c>.</summary>
    public static long ParseCacheSize(string text)
    {
        var t = text.Trim();
        if (t.Length == 0)
        {
            return 0;
        }

        var multiplier = char.ToUpperInvariant(t[^1]) switch
        {
            'K' => 1024L,
            'M' => 1024L * 1024,
            'G' => 1024L * 1024 * 1024,
            _ => 1L,
        };
        var digits = multiplier == 1 ? t : t[..^1];
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n * multiplier : 0;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ulong[] mask);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, uint who, int prio);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ref RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }
}

/// <summary>Address space held by <see cref="PosixBinding.ReserveAddressSpace"/> until it is disposed.</summary>
internal sealed class AddressSpaceReservation(nint address, long bytes) : IDisposable
{
    private nint _address = address;

    /// <summary>How much address space is held.</summary>
    public long Bytes { get; } = bytes;

    /// <summary>Gives the address space back; later calls do nothing.</summary>
    public void Dispose()
    {
        var address = Interlocked.Exchange(ref _address, 0);
        if (address != 0)
        {
            PosixBinding.Release(address, Bytes);
        }
    }
}

using System.Globalization;

namespace GpuQos.Enforcer.Actuators;

/// <summary>
/// The fields of <c>/proc/PID/stat</c> the enforcer relies on. The start time (field 22, in clock ticks since
/// boot) tells a process from a later one that reused its PID, so a reused PID is never signalled.
/// </summary>
/// <param name="State">Field 3: R, S, D, T (stopped), t, Z…</param>
/// <param name="CpuTicks">Fields 14+15: user plus system time, in clock ticks.</param>
/// <param name="StartTime">Field 22: start time after boot, in clock ticks.</param>
public readonly record struct ProcStat(char State, long CpuTicks, long StartTime)
{
    /// <summary><c>PF_KTHREAD</c> in the flags field: a kernel thread.</summary>
    public const uint KernelThreadFlag = 0x00200000;

    /// <summary>Field 4: the parent's PID.</summary>
    public int ParentPid { get; init; }

    /// <summary>Field 9: the kernel's per-process flags (<c>PF_*</c>).</summary>
    public uint Flags { get; init; }

    /// <summary>Whether the process is a kernel thread (<c>PF_KTHREAD</c>).</summary>
    public bool IsKernelThread => (Flags & KernelThreadFlag) != 0;

    /// <summary>Clock ticks per second (<c>sysconf(_SC_CLK_TCK)</c>, 100 on every Linux the daemon supports).</summary>
    public const double TicksPerSecond = 100;

    /// <summary>Parses the contents of a stat file; null when it is malformed.</summary>
    public static ProcStat? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // comm (field 2) may hold spaces and parentheses; the fields after it start after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // fields[0] is field 3 (state), so field k is fields[k - 3].
        if (fields.Length < 20
            || !long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var stime)
            || !long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        _ = int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent);
        _ = uint.TryParse(fields[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var flags);
        return new ProcStat(fields[0][0], utime + stime, start) { ParentPid = parent, Flags = flags };
    }

    /// <summary>Reads <c>/proc/PID/stat</c> under <paramref name="procRoot"/>; null when the process is gone.</summary>
    public static ProcStat? Read(int pid, string procRoot = "/proc")
    {
        try
        {
            return Parse(File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat")));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// CPU time the process has run, in nanoseconds: from <c>/proc/PID/schedstat</c> (nanosecond resolution)
    /// where the kernel has it, else from the 10 ms ticks of the stat file. Null when the process is gone.
    /// </summary>
    public static long? CpuNanoseconds(int pid, string procRoot = "/proc")
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "schedstat"));
            var first = text.AsSpan(0, Math.Max(0, text.IndexOf(' ', StringComparison.Ordinal)));
            if (long.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ns))
            {
                return ns;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No schedstat (kernel without CONFIG_SCHEDSTATS): fall back to ticks.
        }

        return Read(pid, procRoot) is { } stat ? (long)(stat.CpuTicks * (1e9 / TicksPerSecond)) : null;
    }
}

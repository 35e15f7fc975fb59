using System.Globalization;

namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>Reads a process's state and CPU time from /proc, as the tests' ground truth.</summary>
internal static class ProcState
{
    /// <summary>Field 3 of /proc/PID/stat (R, S, T…); '?' when the process is gone.</summary>
    public static char Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return '?';
        }
    }

    /// <summary>User plus system time in clock ticks.</summary>
    public static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}

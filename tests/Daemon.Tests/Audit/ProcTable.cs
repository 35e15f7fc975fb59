using System.Globalization;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>Processes as /proc lists them, to check that no probe worker outlives its audit or is left stopped.</summary>
internal static class ProcTable
{
    /// <summary>A process: its id, parent, state letter (R, S, T for stopped, Z for zombie…) and command line.</summary>
    public sealed record Entry(int Pid, int ParentPid, char State, string CommandLine);

    /// <summary>Every process whose command line runs the gpuqos-probe worker; exited ones are skipped.</summary>
    public static IReadOnlyList<Entry> ProbeWorkers() => [.. All().Where(e => e.CommandLine.Contains("gpuqos-probe", StringComparison.Ordinal))];

    /// <summary>Every readable process.</summary>
    public static IEnumerable<Entry> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            string cmdline;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // exited while we read it
            }

            // The command name in parentheses may hold spaces; the fields after the last ')' are fixed.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            yield return new Entry(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), fields[0][0], cmdline);
        }
    }

    /// <summary>Whether <paramref name="pid"/> is still a process (and not just a zombie awaiting its parent).</summary>
    public static bool Alive(int pid) => ProcState.Of(pid) is not ('?' or 'Z');
}

using System.Globalization;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// Reads a process's cgroup and Unix user from procfs under a configurable root (as node_exporter's
/// <c>--path.procfs</c>), so tests run against fixture trees. Only I/O lives here; parsing is in
/// <see cref="CgroupParser"/> and <see cref="UserDirectory"/>.
/// </summary>
public sealed class ProcfsReader(string procfsRoot, UserDirectory users)
{
    /// <summary>The procfs root, e.g. <c>/proc</c>.</summary>
    public string Root { get; } = procfsRoot;

    /// <summary>Reads what procfs says about <paramref name="pid"/>; null when the process is gone or unreadable.</summary>
    public ProcessFacts? Read(int pid)
    {
        var dir = Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            var cgroup = CgroupParser.ParseFile(File.ReadAllText(Path.Combine(dir, "cgroup")));
            var uid = ParseRealUid(File.ReadAllText(Path.Combine(dir, "status")));
            return new ProcessFacts(cgroup, uid is { } u ? users.NameOf(u) : "");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process exited between the GPU listing and this read, or procfs is mounted with hidepid.
            return null;
        }
    }

    /// <summary>The real UID from a <c>/proc/PID/status</c> file (<c>Uid: real effective saved fs</c>).</summary>
    public static int? ParseRealUid(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var fields = line[4..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
            }
        }

        return null;
    }
}

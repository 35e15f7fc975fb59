using System.Runtime.InteropServices;
using System.Text;

namespace GpuQos.Enforcer.Actuators;

/// <summary>
/// Freezes and thaws cgroups: cgroup v2 writes <c>1</c>/<c>0</c> to <c>cgroup.freeze</c>; cgroup v1 writes
/// <c>FROZEN</c>/<c>THAWED</c> to the freezer controller's <c>freezer.state</c>. A cgroup path (from procfs,
/// or from a journal at recovery) is normalised and must stay under the root: <c>..</c> is refused. The file
/// is opened without following a link and written only when it lies on a cgroup file system (statfs magic),
/// so a path or a planted link can never turn a thaw into a write of <c>0</c> somewhere else as root.
/// </summary>
public sealed class CgroupFreezer(string root)
{
    /// <summary><c>CGROUP2_SUPER_MAGIC</c>.</summary>
    internal const long Cgroup2Magic = 0x63677270;

    /// <summary><c>CGROUP_SUPER_MAGIC</c> (v1).</summary>
    internal const long Cgroup1Magic = 0x27e0eb;

    /// <summary>The cgroup file system root.</summary>
    public string Root { get; } = root;

    /// <summary>Freezes the cgroup at <paramref name="cgroupPath"/> (as in <c>/proc/PID/cgroup</c>).</summary>
    public void Freeze(string cgroupPath) => Write(cgroupPath, frozen: true);

    /// <summary>Thaws the cgroup; a cgroup that is gone is not an error.</summary>
    public void Thaw(string cgroupPath) => Write(cgroupPath, frozen: false);

    /// <summary>Whether a cgroup can be frozen here (v2 or v1 freezer present).</summary>
    public bool CanFreeze(string cgroupPath) =>
        DirectoryOf(cgroupPath) is { } dir && (File.Exists(Path.Combine(dir, "cgroup.freeze")) || File.Exists(V1File(cgroupPath)));

    /// <summary>
    /// The directory of <paramref name="cgroupPath"/> under the root, or null when the path is not one a cgroup
    /// can have: empty, the root itself, a NUL, or a <c>..</c> that would leave the root.
    /// </summary>
    internal string? DirectoryOf(string cgroupPath) => Under(Root, cgroupPath);

    private void Write(string cgroupPath, bool frozen)
    {
        var v2 = Under(Root, cgroupPath) is { } dir ? Path.Combine(dir, "cgroup.freeze") : null;
        var v1 = V1File(cgroupPath);
        if (v2 is null || v1 is null)
        {
            throw new InvalidOperationException($"refusing the cgroup path '{cgroupPath}': it must name a cgroup under {Root} (no '..', not the root)");
        }

        if (WriteCgroupFile(v2, frozen ? "1" : "0") || WriteCgroupFile(v1, frozen ? "FROZEN" : "THAWED"))
        {
            return;
        }

        if (frozen)
        {
            throw new InvalidOperationException($"cgroup {cgroupPath} has neither cgroup.freeze (v2) nor freezer.state (v1) under {Root}");
        }
    }

    private string? V1File(string cgroupPath) => Under(Path.Combine(Root, "freezer"), cgroupPath) is { } dir ? Path.Combine(dir, "freezer.state") : null;

    private static string? Under(string root, string cgroupPath)
    {
        if (string.IsNullOrEmpty(cgroupPath) || cgroupPath.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var segments = cgroupPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Count == 0 || segments.Contains(".."))
        {
            return null;
        }

        var fullRoot = Path.GetFullPath(root).TrimEnd('/');
        var full = Path.GetFullPath(Path.Combine([fullRoot, .. segments]));
        return full.StartsWith(fullRoot + "/", StringComparison.Ordinal) ? full : null;
    }

    /// <summary>Writes a cgroup control file; false when it does not exist. Refuses a link and a file outside cgroupfs.</summary>
    private static unsafe bool WriteCgroupFile(string path, string value)
    {
        var fd = Libc.Open(path, Libc.OpenWriteOnly | Libc.OpenNoFollow | Libc.OpenCloseOnExec, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                Libc.NoEntry or Libc.NotDirectory => false,
                Libc.TooManyLinks => throw new InvalidOperationException($"refusing to write {path}: it is a symbolic link"),
                _ => throw new IOException($"cannot open {path}: errno {errno}"),
            };
        }

        try
        {
            var buffer = stackalloc byte[256];
            if (Libc.FstatFs(fd, buffer) != 0)
            {
                throw new IOException($"fstatfs({path}) failed with errno {Marshal.GetLastPInvokeError()}");
            }

            // f_type is the first field of struct statfs, a long on x86-64 and arm64.
            var magic = *(long*)buffer;
            if (magic is not (Cgroup2Magic or Cgroup1Magic))
            {
                throw new InvalidOperationException($"refusing to write {path}: it is not on a cgroup file system (statfs type 0x{magic:x})");
            }

            var bytes = Encoding.ASCII.GetBytes(value);
            fixed (byte* p = bytes)
            {
                if (Libc.Write(fd, p, bytes.Length) != bytes.Length)
                {
                    throw new IOException($"cannot write {path}: errno {Marshal.GetLastPInvokeError()}");
                }
            }

            return true;
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}

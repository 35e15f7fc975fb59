using System.Buffers.Binary;
using System.Globalization;

namespace GpuQos.Model.Procfs;

/// <summary>
/// What <c>/proc/PID/exe</c> says about a process. The MPS server is known by its executable, not by
/// <c>/proc/PID/comm</c>, which the kernel cuts to 15 characters (<c>nvidia-cuda-mps</c>), so a comparison
/// with the full name never matched. Only a root-owned executable that its group and others cannot write
/// counts: a tenant who copies a binary under that name (to be spared as the "MPS server") owns the copy.
/// </summary>
public static class ProcessExecutable
{
    /// <summary>The MPS server's executable.</summary>
    public const string MpsServer = "nvidia-cuda-mps-server";

    /// <summary>What <c>comm</c> shows for it: the first 15 characters.</summary>
    public const string MpsServerComm = "nvidia-cuda-mps";

    /// <summary>
    /// The file name of a process's executable (without the <c> (deleted)</c> the kernel appends to a replaced
    /// binary); null when it cannot be read (a kernel thread has none, or the process is gone).
    /// </summary>
    public static string? Name(int pid, string procRoot = "/proc")
    {
        try
        {
            var target = new FileInfo(ExePath(pid, procRoot)).LinkTarget;
            if (target is null)
            {
                return null;
            }

            const string deleted = " (deleted)";
            return Path.GetFileName(target.EndsWith(deleted, StringComparison.Ordinal) ? target[..^deleted.Length] : target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="pid"/> runs the MPS server: its executable's name, owned by root and writable by no one else.</summary>
    public static bool IsMpsServer(int pid, string procRoot = "/proc") => Name(pid, procRoot) == MpsServer && RootOwned(pid, procRoot);

    /// <summary>Whether the executable (the file <c>/proc/PID/exe</c> leads to, in whatever mount namespace) is root's and not group- or world-writable.</summary>
    private static unsafe bool RootOwned(int pid, string procRoot)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var buffer = stackalloc byte[256];

        // Following the magic link reaches the executable's own inode, even where its path is not visible here.
        if (ProcfsNative.Statx(ProcfsNative.AtCurrentDirectory, ExePath(pid, procRoot), 0, ProcfsNative.StatxBasicStats, buffer) != 0)
        {
            return false;
        }

        var span = new ReadOnlySpan<byte>(buffer, 256);
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        const int groupOrOtherWrite = 0x12; // 020 | 002
        return uid == 0 && (mode & groupOrOtherWrite) == 0;
    }

    private static string ExePath(int pid, string procRoot) => Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "exe");
}

using System.Runtime.InteropServices;

namespace GpuQos.Daemon.Doctor;

/// <summary>A file's owner and mode through <c>statx(2)</c>, whose layout is the same on every architecture.</summary>
internal static partial class FileOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;

    private const int WriteOk = 2;
    private const int TypeMask = 0xf000;
    private const int Socket = 0xc000;

    /// <summary>Whether this process may write to <paramref name="path"/> (<c>access(2)</c>, real IDs).</summary>
    public static bool Writable(string path) => Access(path, WriteOk) == 0;

    /// <summary>Whether the mode (as <see cref="Of"/> returns it) is a Unix socket's.</summary>
    public static bool IsSocket(int mode) => (mode & TypeMask) == Socket;

    /// <summary>UID, GID and mode (file type and permission bits) of <paramref name="path"/>, or null when it cannot be read.</summary>
    public static (uint Uid, uint Gid, int Mode)? Of(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            return null;
        }

        // struct statx: stx_uid at 20, stx_gid at 24, stx_mode at 28 (include/uapi/linux/stat.h).
        return (BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24), BitConverter.ToUInt16(buffer, 28));
    }

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}

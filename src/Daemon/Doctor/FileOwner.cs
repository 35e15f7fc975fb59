using System.Runtime.InteropServices;
using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Doctor;

/// <summary>What doctor asks of a file: its owner and mode (<see cref="PosixFiles.Stat"/>), and whether this process may write it.</summary>
internal static partial class FileOwner
{
    private const int WriteOk = 2;
    private const int TypeMask = 0xf000;
    private const int Socket = 0xc000;

    /// <summary>Whether this process may write to <paramref name="path"/> (<c>access(2)</c>, real IDs).</summary>
    public static bool Writable(string path) => Access(path, WriteOk) == 0;

    /// <summary>Whether the mode (as <see cref="Of"/> returns it) is a Unix socket's.</summary>
    public static bool IsSocket(int mode) => (mode & TypeMask) == Socket;

    /// <summary>UID, GID and mode (file type and permission bits) of <paramref name="path"/>, or null when it cannot be read.</summary>
    public static (uint Uid, uint Gid, int Mode)? Of(string path) =>
        PosixFiles.Stat(path) is { } stat ? (stat.Owner, stat.Group, (int)stat.Mode) : null;

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}

using System.Runtime.InteropServices;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// The few file facts .NET does not give: a file's owner (statx, whose layout is the same on every Linux
/// architecture), the effective UID, and a mount's flags (statvfs). Linux only; callers check the OS.
/// </summary>
internal static partial class PosixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const uint StatxGid = 0x10;
    private const ulong StRdOnly = 1;

    /// <summary>The effective UID of this process.</summary>
    public static uint EffectiveUid => GetEuid();

    /// <summary>Owner, and type and permission bits (<c>st_mode</c>), of <paramref name="path"/> itself (a symlink is not followed); null when it does not exist.</summary>
    public static (uint Owner, uint Mode)? Lstat(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxUid, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 2 ? null : throw new IOException($"statx {path} failed: errno {errno}");
        }

        // struct statx: stx_uid at byte 20, stx_mode (16 bits) at byte 28.
        return (MemoryMarshal.Read<uint>(buffer.AsSpan(20)), MemoryMarshal.Read<ushort>(buffer.AsSpan(28)));
    }

    /// <summary>Owner, group, and type and permission bits of the file <paramref name="path"/> leads to (symlinks followed); null when it cannot be read.</summary>
    public static (uint Owner, uint Group, uint Mode)? Stat(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType | StatxMode | StatxUid | StatxGid, buffer) != 0)
        {
            return null;
        }

        // struct statx: stx_uid at byte 20, stx_gid at 24, stx_mode (16 bits) at 28 (include/uapi/linux/stat.h).
        return (MemoryMarshal.Read<uint>(buffer.AsSpan(20)), MemoryMarshal.Read<uint>(buffer.AsSpan(24)), MemoryMarshal.Read<ushort>(buffer.AsSpan(28)));
    }

    /// <summary>True when <paramref name="mode"/> (an <c>st_mode</c>) is a symbolic link.</summary>
    public static bool IsSymlink(uint mode) => (mode & 0xF000) == 0xA000;

    /// <summary>True when <paramref name="mode"/> (an <c>st_mode</c>) is a directory.</summary>
    public static bool IsDirectory(uint mode) => (mode & 0xF000) == 0x4000;

    /// <summary>
    /// True when the file system holding <paramref name="path"/> is mounted read-only (<c>ST_RDONLY</c>);
    /// null when statvfs fails or the layout is not the 64-bit one read here.
    /// </summary>
    public static bool? IsReadOnlyMount(string path)
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
        {
            return null;
        }

        // struct statvfs on 64-bit Linux: eight 8-byte counts and f_fsid, then f_flag at byte 72.
        var buffer = new byte[256];
        return StatVfs(path, buffer) == 0 ? (MemoryMarshal.Read<ulong>(buffer.AsSpan(72)) & StRdOnly) != 0 : null;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatVfs(string path, byte[] buffer);
}

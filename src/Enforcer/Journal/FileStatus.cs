using System.Buffers.Binary;
using System.Runtime.InteropServices;
using GpuQos.Enforcer.Actuators;

namespace GpuQos.Enforcer.Journal;

/// <summary>
/// The parts of <c>statx(2)</c> the journal's trust rules read: owner, mode and identity. statx, not stat,
/// because its structure is laid out the same on every architecture (x86-64 and arm64 disagree on <c>struct stat</c>).
/// </summary>
/// <param name="Uid">Owner.</param>
/// <param name="Mode">Type and permission bits (<c>st_mode</c>).</param>
/// <param name="Device">Device (major &lt;&lt; 32 | minor), with <paramref name="Inode"/> the file's identity.</param>
/// <param name="Inode">Inode number.</param>
internal readonly record struct FileStatus(uint Uid, uint Mode, ulong Device, ulong Inode)
{
    private const uint TypeMask = 0xF000;
    private const uint TypeDirectory = 0x4000;
    private const uint TypeRegular = 0x8000;
    private const uint TypeLink = 0xA000;

    public bool IsDirectory => (Mode & TypeMask) == TypeDirectory;

    public bool IsRegularFile => (Mode & TypeMask) == TypeRegular;

    public bool IsSymbolicLink => (Mode & TypeMask) == TypeLink;

    /// <summary>The permission bits, as <see cref="UnixFileMode"/>.</summary>
    public UnixFileMode Permissions => (UnixFileMode)(Mode & 0xFFF);

    /// <summary>The status of <paramref name="path"/> itself (a link is described, not followed); null when it does not exist.</summary>
    public static FileStatus? OfPath(string path) => Read(Libc.AtCurrentDirectory, path, Libc.AtSymlinkNoFollow);

    /// <summary>The status of an open descriptor.</summary>
    public static FileStatus OfDescriptor(int fd) =>
        Read(fd, "", Libc.AtEmptyPath) ?? throw new IOException($"statx on descriptor {fd} failed");

    private static unsafe FileStatus? Read(int dirfd, string path, int flags)
    {
        // struct statx is 256 bytes; stx_uid at 20, stx_mode (u16) at 28, stx_ino at 32, stx_dev_major/minor at 136/140.
        var buffer = stackalloc byte[256];
        if (Libc.Statx(dirfd, path, flags, Libc.StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == Libc.NoEntry ? null : throw new IOException($"statx({path}) failed with errno {errno}");
        }

        var span = new ReadOnlySpan<byte>(buffer, 256);
        return new FileStatus(
            BinaryPrimitives.ReadUInt32LittleEndian(span[20..]),
            BinaryPrimitives.ReadUInt16LittleEndian(span[28..]),
            ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[140..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[32..]));
    }
}

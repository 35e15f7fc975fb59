using System.Runtime.InteropServices;

namespace GpuQos.Model.Procfs;

/// <summary>The one libc call procfs reading needs beyond what .NET offers: the owner of a file.</summary>
internal static unsafe partial class ProcfsNative
{
    /// <summary><c>AT_FDCWD</c>.</summary>
    public const int AtCurrentDirectory = -100;

    /// <summary><c>STATX_BASIC_STATS</c>.</summary>
    public const uint StatxBasicStats = 0x7ff;

    // struct statx: stx_uid (u32) at offset 20, stx_mode (u16) at 28; 256 bytes, the same on x86-64 and arm64.
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GpuQos.Enforcer.Actuators;
using Microsoft.Win32.SafeHandles;

namespace GpuQos.Enforcer.Journal;

/// <summary>
/// The host key that signs every journal line (HMAC-SHA256), kept in a file only its owner can read, beside
/// the journal. A line whose MAC does not verify (forged, or edited after it was written) is refused at replay,
/// so someone who can write the journal but not read the key cannot make the daemon undo, or not undo, anything.
/// </summary>
public sealed class JournalKey
{
    private const int Length = 32;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly byte[] _key;

    private JournalKey(byte[] key, string? path)
    {
        _key = key;
        Path = path;
    }

    /// <summary>The key file; null for a key that lives only in memory.</summary>
    public string? Path { get; }

    /// <summary>Where the key of the journal <paramref name="journalPath"/> lives: <c>JOURNAL.key</c>.</summary>
    public static string PathFor(string journalPath) => journalPath + ".key";

    /// <summary>A key that lives only in this process: for a journal no later run replays (the simulated host's own).</summary>
    public static JournalKey Ephemeral() => new(RandomNumberGenerator.GetBytes(Length), null);

    /// <summary>Loads the key at <paramref name="path"/>, creating it (mode 0600) on first use.</summary>
    public static JournalKey LoadOrCreate(string path, JournalTrust trust)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Load(path, trust) is { } existing)
        {
            return existing;
        }

        var key = RandomNumberGenerator.GetBytes(Length);
        var fd = Libc.Open(path, Libc.OpenWriteOnly | Libc.OpenCreate | Libc.OpenExclusive | Libc.OpenNoFollow | Libc.OpenCloseOnExec, 0x180);
        if (fd < 0)
        {
            throw new IOException($"cannot create the journal key {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        using (var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0))
        {
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }

        return new JournalKey(key, path);
    }

    /// <summary>
    /// Loads the key at <paramref name="path"/>; null when there is none. Throws <see cref="JournalTrustException"/>
    /// when the file is a link, is owned by someone else, or can be read or written by its group or others.
    /// </summary>
    public static JournalKey? Load(string path, JournalTrust trust)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(trust);
        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenNoFollow | Libc.OpenCloseOnExec, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                Libc.NoEntry => null,
                Libc.TooManyLinks => throw new JournalTrustException(path, $"the journal key {path} is a symbolic link"),
                _ => throw new IOException($"cannot open the journal key {path}: errno {errno}"),
            };
        }

        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        var status = FileStatus.OfDescriptor(fd);
        if (trust.FileProblem(path, status) is { } problem)
        {
            throw new JournalTrustException(path, problem);
        }

        if ((status.Permissions & GroupOrOther) != 0)
        {
            throw new JournalTrustException(path, $"the journal key {path} is readable or writable by its group or others; it must be mode 0600");
        }

        var key = new byte[Length];
        stream.ReadExactly(key);
        return new JournalKey(key, path);
    }

    /// <summary>The MAC of one serialized entry, as 64 lowercase hex digits.</summary>
    public string Sign(ReadOnlySpan<byte> entry) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, entry));

    /// <summary>Whether <paramref name="mac"/> (hex) is this key's MAC of <paramref name="entry"/>; compared in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> entry, ReadOnlySpan<char> mac)
    {
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(_key, entry, expected);
        Span<byte> given = stackalloc byte[32];
        return mac.Length == 64
            && Convert.FromHexString(mac, given, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

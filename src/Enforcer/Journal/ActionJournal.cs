using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GpuQos.Enforcer.Actuators;
using Microsoft.Win32.SafeHandles;

namespace GpuQos.Enforcer.Journal;

/// <summary>
/// The append-only action journal (JSON lines). Every line is flushed to disk (fsync) before the call returns,
/// so an action is on disk before it is applied, and a daemon killed with SIGKILL leaves a journal from which
/// the next start can undo everything that was still in force. Each line carries an HMAC-SHA256 under the
/// host key (<see cref="JournalKey"/>) as its last property, <c>"mac"</c>, so a replay believes only lines this
/// host wrote; <see cref="JournalReplay"/> is the one reader that replays.
/// </summary>
public sealed class ActionJournal : IDisposable
{
    /// <summary>Rotated journals kept after replays (<c>JOURNAL.replayed-TIMESTAMP</c>): the evidence of the last few crashes.</summary>
    public const int KeptReplays = 5;

    internal const string MacPrefix = ",\"mac\":\"";

    // ,"mac":"<64 hex digits>"}
    internal const int MacSuffixLength = 8 + 64 + 2;

    internal static readonly JsonTypeInfo<JournalEntry> Json = JournalJsonContext.Lines.JournalEntry;

    private readonly Lock _lock = new();
    private readonly JournalKey _key;
    private FileStream? _stream;
    private long _nextId;
    private long _length;
    private long _writeErrors;

    /// <summary>
    /// Opens (creating directories as needed) the journal at <paramref name="path"/>, never through a symbolic
    /// link, signing its lines with <paramref name="key"/> (by default the host key beside it, created on first use).
    /// </summary>
    public ActionJournal(string path, JournalKey? key = null)
    {
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _key = key ?? JournalKey.LoadOrCreate(JournalKey.PathFor(path), JournalTrust.Host);
        _stream = Open(path, exclusive: false);
        _nextId = ReadAll(path).Select(e => e.Id).DefaultIfEmpty(0).Max() + 1;
        _length = _stream.Length;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>A fresh action ID.</summary>
    public long NextId() => Interlocked.Increment(ref _nextId) - 1;

    /// <summary>Write failures since the journal was opened (disk full, file size limit, I/O error).</summary>
    public long WriteErrors => Interlocked.Read(ref _writeErrors);

    /// <summary>Why the last append failed; null once an append succeeds again.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Appends one entry and fsyncs it. On failure (a full disk, a file size limit) the bytes of the line that
    /// reached the file are cut off again, so the journal never holds a torn line in the middle, and
    /// <see cref="JournalWriteException"/> is thrown: the caller must not act on what it could not journal.
    /// </summary>
    public void Append(JournalEntry entry)
    {
        var line = Sign(JsonSerializer.SerializeToUtf8Bytes(entry, Json));
        lock (_lock)
        {
            var stream = _stream ?? throw new ObjectDisposedException(nameof(ActionJournal));
            try
            {
                if (stream.Length != _length)
                {
                    // An earlier failed append could not be cut off then (the disk was still full); it is now.
                    stream.SetLength(_length);
                    stream.Seek(_length, SeekOrigin.Begin);
                }

                stream.Write(line);
                stream.Flush(flushToDisk: true);
                _length += line.Length;
                LastError = null;
            }
            catch (Exception ex) when (ex is IOException or ArgumentOutOfRangeException)
            {
                // ENOSPC and EIO surface as IOException; EFBIG (a file size limit) as ArgumentOutOfRangeException.
                Interlocked.Increment(ref _writeErrors);
                LastError = ex.Message;
                CutBack(stream);
                throw new JournalWriteException(Path, ex);
            }
        }
    }

    /// <summary>
    /// Empties the journal once nothing in it is in force (after a clean stop), so it
    /// never grows without bound.
    /// </summary>
    public void Truncate()
    {
        lock (_lock)
        {
            var stream = _stream ?? throw new ObjectDisposedException(nameof(ActionJournal));
            stream.SetLength(0);
            stream.Seek(0, SeekOrigin.Begin);
            stream.Flush(flushToDisk: true);
            _length = 0;
        }
    }

    /// <summary>
    /// Keeps a replayed journal as evidence and starts an empty one: the file is renamed to
    /// <c>JOURNAL.replayed-TIMESTAMP</c> (the newest <see cref="KeptReplays"/> are kept) and a new file is created
    /// in its place. Returns the name it was kept under. IDs go on from where they were.
    /// </summary>
    public string Rotate(DateTimeOffset now)
    {
        lock (_lock)
        {
            var stream = _stream ?? throw new ObjectDisposedException(nameof(ActionJournal));
            var kept = $"{Path}.replayed-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture)}";
            File.Move(Path, kept, overwrite: false);
            stream.Dispose();
            _stream = null;
            _stream = Open(Path, exclusive: true);
            _length = 0;
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
            var prefix = System.IO.Path.GetFileName(Path) + ".replayed-";
            foreach (var old in Directory.EnumerateFiles(directory, prefix + "*").Order(StringComparer.Ordinal).SkipLast(KeptReplays))
            {
                File.Delete(old);
            }

            return kept;
        }
    }

    /// <summary>
    /// Every entry in a journal file, oldest first, MACs unchecked; a torn last line (a crash mid-write) is skipped.
    /// For reading what a journal says (tests, the next ID); a replay goes through <see cref="JournalReplay.Read"/>.
    /// </summary>
    public static IReadOnlyList<JournalEntry> ReadAll(string path)
    {
        var result = new List<JournalEntry>();
        if (!File.Exists(path))
        {
            return result;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize(line, Json) is { } entry)
                {
                    result.Add(entry);
                }
            }
            catch (JsonException)
            {
                // Only the last line can be torn (appends are sequential); anything unparseable is skipped.
            }
        }

        return result;
    }

    /// <summary>Actions applied and not reverted (dry-run entries excluded), with their apply lines merged by ID.</summary>
    public static IReadOnlyList<JournalEntry> Outstanding(IReadOnlyList<JournalEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var reverted = entries.Where(e => e.Op == JournalOps.Revert).Select(e => e.Id).ToHashSet();
        return entries
            .Where(e => e.Op == JournalOps.Apply && !e.DryRun && !reverted.Contains(e.Id))
            .GroupBy(e => e.Id)
            .Select(g => g.First() with
            {
                Processes = g.SelectMany(e => e.Processes ?? []).DistinctBy(p => (p.Pid, p.StartTime)).ToList(),
                Cgroups = g.SelectMany(e => e.Cgroups ?? []).Distinct(StringComparer.Ordinal).ToList(),
            })
            .ToList();
    }

    /// <summary>Cuts the file back to its last complete line; if even that fails, the next append retries it.</summary>
    private void CutBack(FileStream stream)
    {
        try
        {
            stream.SetLength(_length);
            stream.Seek(_length, SeekOrigin.Begin);
        }
        catch (Exception ex) when (ex is IOException or ArgumentOutOfRangeException)
        {
            // The file stays longer than _length, which the next append notices.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    /// <summary>The line written for one serialized entry: the entry with its MAC as the last property, and a newline.</summary>
    private byte[] Sign(byte[] json)
    {
        var mac = Encoding.ASCII.GetBytes(MacPrefix + _key.Sign(json) + "\"}\n");
        var line = new byte[json.Length - 1 + mac.Length];
        json.AsSpan(0, json.Length - 1).CopyTo(line);
        mac.CopyTo(line, json.Length - 1);
        return line;
    }

    private static FileStream Open(string path, bool exclusive)
    {
        // O_NOFOLLOW: root must not write where a planted link points. Mode 0600: the journal names processes.
        // Not O_APPEND: an append-mode stream cannot be truncated once a clean stop has emptied the journal.
        // Unbuffered: a line that fails to reach the disk must not linger in a buffer and be written later.
        var flags = Libc.OpenWriteOnly | Libc.OpenCreate | Libc.OpenNoFollow | Libc.OpenCloseOnExec | (exclusive ? Libc.OpenExclusive : 0);
        var fd = Libc.Open(path, flags, 0x180);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == Libc.TooManyLinks
                ? new JournalTrustException(path, $"{path} is a symbolic link")
                : new IOException($"cannot open the action journal {path}: errno {errno}");
        }

        var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }
}

/// <summary>Journal operation names.</summary>
public static class JournalOps
{
    /// <summary>The action is about to be applied.</summary>
    public const string Apply = "apply";

    /// <summary>The action was undone.</summary>
    public const string Revert = "revert";
}

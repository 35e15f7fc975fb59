using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuQos.Enforcer.Journal;

/// <summary>
/// The append-only action journal (JSON lines). Every line is flushed to disk (fsync) before the call returns,
/// so an action is on disk before it is applied, and a daemon killed with SIGKILL leaves a journal from which
/// the next start can undo everything that was still in force.
/// </summary>
public sealed class ActionJournal : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly Lock _lock = new();
    private FileStream? _stream;
    private long _nextId;

    /// <summary>Opens (creating directories as needed) the journal at <paramref name="path"/>.</summary>
    public ActionJournal(string path)
    {
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _nextId = ReadAll(path).Select(e => e.Id).DefaultIfEmpty(0).Max() + 1;
        _stream = Open(path);
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>A fresh action ID.</summary>
    public long NextId() => Interlocked.Increment(ref _nextId) - 1;

    /// <summary>Appends one entry and fsyncs it.</summary>
    public void Append(JournalEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, Json);
        lock (_lock)
        {
            var stream = _stream ?? throw new ObjectDisposedException(nameof(ActionJournal));
            stream.Write(line);
            stream.WriteByte((byte)'\n');
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Empties the journal once nothing in it is in force (after a clean stop or a completed recovery), so it
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
        }
    }

    /// <summary>Every entry in a journal file, oldest first; a torn last line (a crash mid-write) is skipped.</summary>
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
                if (JsonSerializer.Deserialize<JournalEntry>(line, Json) is { } entry)
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

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private static FileStream Open(string path)
    {
        // Not FileMode.Append: an append-mode stream cannot be truncated once recovery has emptied the journal.
        var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.Read });
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

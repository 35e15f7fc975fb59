using System.Text;
using System.Text.Json;

namespace GpuQos.Enforcer.Journal;

/// <summary>
/// A journal read for replay: the one door both replays go through (the pre-start resume of host actions and
/// <see cref="Engine.SlaEnforcer.Recover"/>). The file and its directories must pass <see cref="JournalTrust"/>
/// before a line is read, the file is opened without following links, and only lines whose MAC verifies under
/// the host key are believed; every other line is refused and reported.
/// </summary>
/// <param name="Path">The journal.</param>
/// <param name="Entries">The lines believed, oldest first.</param>
/// <param name="Refused">Lines refused, each as "line N: why".</param>
public sealed record JournalReplay(string Path, IReadOnlyList<JournalEntry> Entries, IReadOnlyList<string> Refused)
{
    /// <summary>Actions applied and not reverted, from the believed lines only (a forged revert closes nothing).</summary>
    public IReadOnlyList<JournalEntry> Outstanding => ActionJournal.Outstanding(Entries);

    /// <summary>
    /// Reads <paramref name="path"/> for replay. Throws <see cref="JournalTrustException"/> when the journal, a
    /// directory above it or its key may not be trusted: then nothing at all is replayed. A journal that does
    /// not exist replays nothing.
    /// </summary>
    public static JournalReplay Read(string path, JournalTrust trust)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(trust);
        byte[] content;
        using (var stream = trust.OpenForReading(path))
        {
            if (stream is null)
            {
                return new JournalReplay(path, [], []);
            }

            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            content = memory.ToArray();
        }

        if (content.Length == 0)
        {
            return new JournalReplay(path, [], []);
        }

        var key = JournalKey.Load(JournalKey.PathFor(path), trust);
        var entries = new List<JournalEntry>();
        var refused = new List<string>();
        var rest = content.AsSpan();
        for (var number = 1; !rest.IsEmpty; number++)
        {
            var end = rest.IndexOf((byte)'\n');
            if (end < 0)
            {
                // Only the last line can be torn (appends are sequential and fsynced): a crash mid-write, not a forgery.
                break;
            }

            var line = rest[..end];
            rest = rest[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            if (Verify(line, key) is { } why)
            {
                refused.Add($"line {number}: {why}");
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize(line, ActionJournal.Json) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException ex)
            {
                refused.Add($"line {number}: signed but unreadable ({ex.Message})");
            }
        }

        return new JournalReplay(path, entries, refused);
    }

    /// <summary>Why a line's MAC does not verify; null when it does.</summary>
    private static string? Verify(ReadOnlySpan<byte> line, JournalKey? key)
    {
        if (key is null)
        {
            return $"no journal key ({JournalKey.PathFor("JOURNAL")}) to verify it with";
        }

        if (line.Length <= ActionJournal.MacSuffixLength
            || !line[^ActionJournal.MacSuffixLength..].StartsWith(Encoding.ASCII.GetBytes(ActionJournal.MacPrefix))
            || !line.EndsWith("\"}"u8))
        {
            return "no MAC";
        }

        // The signed bytes are the entry as serialized: the line without its MAC property, closed again.
        var body = line[..^ActionJournal.MacSuffixLength];
        var signed = new byte[body.Length + 1];
        body.CopyTo(signed);
        signed[^1] = (byte)'}';
        var mac = Encoding.ASCII.GetString(line.Slice(line.Length - 66, 64));
        return key.Verify(signed, mac) ? null : "the MAC does not match (forged or edited)";
    }
}

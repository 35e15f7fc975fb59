using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using GpuQos.Model.Attribution;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// Reads a process's cgroup and Unix user from procfs under a configurable root (as node_exporter's
/// <c>--path.procfs</c>), so tests run against fixture trees. Only I/O lives here; parsing is in
/// <see cref="CgroupParser"/> and <see cref="UserDirectory"/>.
/// </summary>
public sealed class ProcfsReader(string procfsRoot, UserDirectory users)
{
    /// <summary>The procfs root, e.g. <c>/proc</c>.</summary>
    public string Root { get; } = procfsRoot;

    /// <summary>Reads what procfs says about <paramref name="pid"/>; null when the process is gone or unreadable.</summary>
    public ProcessFacts? Read(int pid)
    {
        var dir = Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture));

        // A process the daemon cannot see at all is common, not exceptional: a daemon without the host's PID
        // namespace sees none of the GPU's processes, and the simulator's are not real. One stat answers that;
        // an exception per process per refresh cost tens of times more.
        if (!Directory.Exists(dir))
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        try
        {
            var length = ReadAll(Path.Combine(dir, "cgroup"), ref buffer);
            var cgroupFile = Encoding.UTF8.GetString(buffer, 0, length);
            var cgroup = CgroupParser.ParseFile(cgroupFile);
            length = ReadAll(Path.Combine(dir, "status"), ref buffer);
            var uid = ParseRealUid(buffer.AsSpan(0, length));
            return new ProcessFacts(cgroup, uid is { } u ? users.NameOf(u) : "")
            {
                StartTime = ReadStartTime(Path.Combine(dir, "stat"), ref buffer),
                FreezerCgroup = CgroupParser.FreezerPath(cgroupFile),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process exited between the GPU listing and this read, or procfs is mounted with hidepid.
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Large enough for a status file and for a cgroup v1 file of a dozen hierarchies.
    private const int InitialBuffer = 4096;

    /// <summary>
    /// Reads a whole file into <paramref name="buffer"/> (a pooled array, swapped for a larger one when the
    /// file does not fit) and returns its length. procfs files report a size of 0, so it reads until the end.
    /// <see cref="File.ReadAllText(string)"/> allocated about 10 KB of buffers per file.
    /// </summary>
    private static int ReadAll(string path, ref byte[] buffer)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = RandomAccess.Read(handle, buffer.AsSpan(length), length);
            if (read == 0)
            {
                return length;
            }

            length += read;
        }
    }

    /// <summary>The start time from a stat file; null when it cannot be read (the process exited, or a fixture has none).</summary>
    private static long? ReadStartTime(string path, ref byte[] buffer)
    {
        try
        {
            var length = ReadAll(path, ref buffer);
            return ParseStartTime(buffer.AsSpan(0, length));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The start time (field 22, clock ticks since boot) from a <c>/proc/PID/stat</c> file, as UTF-8 bytes; null
    /// when malformed. The fields are counted after the last ')', since the name (field 2) may hold spaces and parentheses.
    /// </summary>
    public static long? ParseStartTime(ReadOnlySpan<byte> stat)
    {
        var close = stat.LastIndexOf((byte)')');
        if (close < 0)
        {
            return null;
        }

        var rest = stat[(close + 1)..];

        // After ')' come fields 3, 4, …: field 22 is the 20th of them.
        for (var field = 3; field <= 22; field++)
        {
            rest = rest.TrimStart((byte)' ');
            var end = rest.IndexOfAny((byte)' ', (byte)'\n');
            var value = end < 0 ? rest : rest[..end];
            if (field == 22)
            {
                return Utf8Parser.TryParse(value, out long start, out var consumed) && consumed == value.Length && value.Length > 0 ? start : null;
            }

            if (end < 0)
            {
                return null;
            }

            rest = rest[end..];
        }

        return null;
    }

    /// <summary>The real UID from a <c>/proc/PID/status</c> file (<c>Uid: real effective saved fs</c>), as UTF-8 bytes.</summary>
    public static int? ParseRealUid(ReadOnlySpan<byte> status)
    {
        while (!status.IsEmpty)
        {
            var end = status.IndexOf((byte)'\n');
            var line = end < 0 ? status : status[..end];
            status = end < 0 ? [] : status[(end + 1)..];
            if (!line.StartsWith("Uid:"u8))
            {
                continue;
            }

            // The first of the tab- or space-separated fields.
            var fields = line[4..].TrimStart("\t "u8);
            var stop = fields.IndexOfAny("\t "u8);
            var real = stop < 0 ? fields : fields[..stop];
            var digitsOnly = !real.IsEmpty && real.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
            return digitsOnly && Utf8Parser.TryParse(real, out int uid, out var consumed) && consumed == real.Length ? uid : null;
        }

        return null;
    }
}

using System.Security.Cryptography;
using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// A directory that <c>audit --out</c> and <c>advise --out</c> write reports into, safely when run as root in a
/// place others can reach. An existing directory must be a real directory (not a symlink) owned by the caller's
/// effective UID and writable by no one else, so nobody else can have planted anything in it. Each file is
/// written to a new temporary file (<see cref="FileMode.CreateNew"/>: never through an existing name or link)
/// and renamed over the final name, which replaces a planted link instead of writing through it.
/// </summary>
public sealed class ReportDirectory
{
    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode FileModeBits = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private ReportDirectory(string path) => Path = path;

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>Creates <paramref name="path"/> (0755) when missing, then checks it; throws <see cref="UnsafeOutputException"/> naming the problem.</summary>
    public static ReportDirectory Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux())
        {
            Directory.CreateDirectory(full);
            return new ReportDirectory(full);
        }

        if (PosixFiles.Lstat(full) is null)
        {
            Directory.CreateDirectory(full, DirectoryMode);
        }

        // Checked after creating too: someone else may have created it first.
        var (owner, mode) = PosixFiles.Lstat(full) ?? throw new UnsafeOutputException($"the output directory {full} vanished while it was being created");
        if (PosixFiles.IsSymlink(mode))
        {
            throw new UnsafeOutputException($"the output directory {full} is a symbolic link; give the real directory");
        }

        if (!PosixFiles.IsDirectory(mode))
        {
            throw new UnsafeOutputException($"the output path {full} exists and is not a directory");
        }

        var euid = PosixFiles.EffectiveUid;
        if (owner != euid)
        {
            throw new UnsafeOutputException($"the output directory {full} is owned by UID {owner}, not by this user (UID {euid}); use a directory of your own");
        }

        if (((UnixFileMode)(mode & 0xFFF) & GroupOrOtherWrite) != 0)
        {
            throw new UnsafeOutputException(
                $"the output directory {full} can be written by group or others (mode {FileModes.Octal((UnixFileMode)(mode & 0xFFF))}); chmod go-w it or use another");
        }

        return new ReportDirectory(full);
    }

    /// <summary>Opens the subdirectory <paramref name="name"/> (a single safe name) with the same checks.</summary>
    public ReportDirectory Child(string name) => Open(System.IO.Path.Combine(Path, CheckName(name)));

    /// <summary>Writes <paramref name="content"/> as <paramref name="name"/> and returns its path.</summary>
    public string Write(string name, string content) => Write(name, System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Writes <paramref name="content"/> as <paramref name="name"/> (temporary file, fsync, rename) and returns its path.</summary>
    public string Write(string name, ReadOnlySpan<byte> content)
    {
        var final = System.IO.Path.Combine(Path, CheckName(name));
        var temporary = System.IO.Path.Combine(Path, $".{name}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileModeBits;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, final, overwrite: true);
            return final;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Refuses a name that is empty, <c>.</c>, <c>..</c>, or holds a path separator or NUL: one entry of this directory, nothing else.</summary>
    public static string CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new UnsafeOutputException($"'{name}' cannot name a file in the output directory: it must be one name, not '.', '..' or a path");
        }

        return name;
    }
}

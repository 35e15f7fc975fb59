using System.Globalization;
using System.Runtime.InteropServices;
using GpuQos.Enforcer.Actuators;
using Microsoft.Win32.SafeHandles;

namespace GpuQos.Enforcer.Journal;

/// <summary>
/// Whether a journal (or its key) may be believed. The daemon runs as root and a journal names processes to
/// renice and cgroups to write, so it is trusted only when no one but its owners could have written it: the
/// file and every directory above it are owned by root or the daemon's effective user, and writable by no
/// group and no other user (a sticky directory such as <c>/tmp</c> does not pass: anyone may create files in
/// it). The file is opened with <c>O_NOFOLLOW</c> and checked again through the open descriptor, so a link or
/// a swap between the check and the open is refused too.
/// </summary>
public sealed class JournalTrust
{
    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>The rules a root daemon applies: owned by root or by the effective user.</summary>
    public static JournalTrust Host { get; } = new(Owners());

    /// <summary>Creates the rules with the owners allowed (tests that do not run as root name their own UID).</summary>
    public JournalTrust(IReadOnlyCollection<uint> owners)
    {
        ArgumentNullException.ThrowIfNull(owners);
        AllowedOwners = owners;
    }

    /// <summary>UIDs that may own the journal and its directories.</summary>
    public IReadOnlyCollection<uint> AllowedOwners { get; }

    /// <summary>Why the directory chain of <paramref name="path"/> (every directory above it) may not be trusted; null when it may.</summary>
    public string? DirectoryProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ChainProblem(Path.GetDirectoryName(Path.GetFullPath(path)), 0);
    }

    private string? ChainProblem(string? dir, int links)
    {
        for (; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (FileStatus.OfPath(dir) is not { } status)
            {
                return $"the directory {dir} does not exist";
            }

            if (status.IsSymbolicLink)
            {
                // A link (such as /var/run -> /run) is as safe as its owner and the directory holding it (the next
                // step up), and its target's own chain.
                if (!AllowedOwners.Contains(status.Uid))
                {
                    return ProblemOf(dir, status, "link");
                }

                var target = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: false)?.FullName;
                if (links >= 8 || target is null)
                {
                    return $"the directory {dir} is a link that does not resolve";
                }

                if (ChainProblem(target, links + 1) is { } problem)
                {
                    return problem;
                }

                continue;
            }

            if (!status.IsDirectory)
            {
                return $"{dir} is not a directory";
            }

            if (ProblemOf(dir, status, "directory") is { } dirProblem)
            {
                return dirProblem;
            }
        }

        return null;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading after checking it and its directories; throws
    /// <see cref="JournalTrustException"/> saying why when it may not be trusted, and returns null when it does not exist.
    /// </summary>
    public FileStream? OpenForReading(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (DirectoryProblem(path) is { } problem)
        {
            throw new JournalTrustException(path, problem);
        }

        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenNoFollow | Libc.OpenCloseOnExec, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                Libc.NoEntry => null,
                Libc.TooManyLinks => throw new JournalTrustException(path, $"{path} is a symbolic link"),
                _ => throw new IOException($"cannot open {path}: errno {errno}"),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (FileProblem(path, FileStatus.OfDescriptor(fd)) is { } fileProblem)
            {
                throw new JournalTrustException(path, fileProblem);
            }

            return new FileStream(handle, FileAccess.Read, bufferSize: 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Why an open file may not be trusted; null when it may.</summary>
    internal string? FileProblem(string path, FileStatus status) =>
        !status.IsRegularFile ? $"{path} is not a regular file" : ProblemOf(path, status, "file");

    private string? ProblemOf(string path, FileStatus? status, string what)
    {
        if (status is not { } s)
        {
            return $"the {what} {path} does not exist";
        }

        if (!AllowedOwners.Contains(s.Uid))
        {
            return $"the {what} {path} is owned by UID {s.Uid.ToString(CultureInfo.InvariantCulture)}, not by {string.Join(" or ", AllowedOwners.Select(o => o.ToString(CultureInfo.InvariantCulture)))}; anyone who owns it could change what the daemon undoes";
        }

        return (s.Permissions & GroupOrOtherWrite) != 0
            ? $"the {what} {path} is writable by its group or by others (mode {Octal(s.Permissions)}); fix it with chmod go-w {path}"
            : null;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8).PadLeft(3, '0');

    private static uint[] Owners()
    {
        var euid = OperatingSystem.IsLinux() ? Libc.GetEffectiveUid() : 0;
        return euid == 0 ? [0] : [0, euid];
    }
}

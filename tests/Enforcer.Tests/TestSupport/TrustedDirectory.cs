using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// A scratch directory a journal may be replayed from: mode 0700 under the test's output directory, because
/// <see cref="JournalTrust"/> refuses every journal below a directory others can write (such as <c>/tmp</c>).
/// </summary>
internal static class TrustedDirectory
{
    public static DirectoryInfo Create(string prefix)
    {
        var parent = Path.Combine(AppContext.BaseDirectory, "trusted-scratch");
        Directory.CreateDirectory(parent);
        var dir = Directory.CreateDirectory(Path.Combine(parent, prefix + Guid.NewGuid().ToString("N")[..12]));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (JournalTrust.Host.DirectoryProblem(Path.Combine(dir.FullName, "probe")) is { } problem)
        {
            throw new InvalidOperationException($"the test output directory cannot hold a trusted journal: {problem}");
        }

        return dir;
    }
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// Signals the daemon inherited as ignored. A process started with a signal ignored (<c>nohup</c>, a supervisor or
/// CI harness that ignores SIGHUP for its children) keeps it ignored across exec, and the .NET runtime then
/// installs no handler for a <see cref="PosixSignalRegistration"/> of it: SIGHUP would be dropped without a word
/// and no reload would ever happen. Before registering, the daemon restores the default action of a signal it
/// handles, so that the registration installs its handler, as Go's <c>signal.Notify</c> does for Prometheus.
/// </summary>
internal static partial class InheritedSignals
{
    /// <summary>SIGHUP's number on Linux.</summary>
    public const int SigHup = 1;

    /// <summary>
    /// Whether <paramref name="signal"/> is ignored, from the <c>SigIgn</c> mask of a <c>/proc/PID/status</c>
    /// document; null when the document has no such line.
    /// </summary>
    public static bool? IsIgnored(string status, int signal)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentOutOfRangeException.ThrowIfLessThan(signal, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signal, 64);
        foreach (var line in status.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal)
                && ulong.TryParse(line["SigIgn:".Length..].Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask))
            {
                return (mask & (1UL << (signal - 1))) != 0;
            }
        }

        return null;
    }

    /// <summary>
    /// Restores the default action of <paramref name="signal"/> when this process inherited it as ignored;
    /// returns whether it did. Call it just before registering a handler: between the two the default action
    /// (for SIGHUP, the end of the process) applies.
    /// </summary>
    public static bool RestoreIfIgnored(int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        string status;
        try
        {
            status = File.ReadAllText("/proc/self/status");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return IsIgnored(status, signal) == true && Signal(signal, SigDfl) != SigErr;
    }

    private const nint SigDfl = 0;
    private const nint SigErr = -1;

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}

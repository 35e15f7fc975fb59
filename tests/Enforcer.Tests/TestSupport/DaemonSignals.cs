using System.Diagnostics;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>Sends signals with /bin/kill, independently of the code under test.</summary>
internal static class DaemonSignals
{
    public static void Send(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false, RedirectStandardError = true })!;
        kill.WaitForExit(5000);
    }
}

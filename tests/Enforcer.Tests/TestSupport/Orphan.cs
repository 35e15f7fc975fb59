using System.Diagnostics;
using System.Globalization;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// A <c>sleep</c> that is not a descendant of the test host: started by a shell that exits at once, so it is
/// re-parented (to init or the nearest subreaper). A tenant's process is never the daemon's child, and the
/// enforcer refuses to act on its own tree, in which this host stands for the daemon.
/// </summary>
internal sealed class Orphan : IDisposable
{
    private Orphan(int pid) => Pid = pid;

    public int Pid { get; }

    /// <summary>Starts <paramref name="executable"/> (default sleep) with the argument 600.</summary>
    public static Orphan Start(string executable = "sleep")
    {
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "\"$0\" 600 </dev/null >/dev/null 2>&1 & echo $!", executable])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("could not start /bin/sh");
        var pid = int.Parse(shell.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the shell printed no PID"), CultureInfo.InvariantCulture);
        shell.WaitForExit();

        // $! is known as soon as the shell forks, before the child has exec'd: until then /proc/PID/exe is the
        // shell, and a test that identifies the process by its executable would race it.
        var name = Path.GetFileName(executable);
        SpinWait.SpinUntil(() => Path.GetFileName(new FileInfo($"/proc/{pid}/exe").LinkTarget) == name, TimeSpan.FromSeconds(10));

        return new Orphan(pid);
    }

    public void Dispose()
    {
        DaemonSignals.Send(Pid, "CONT");
        DaemonSignals.Send(Pid, "KILL");
    }
}

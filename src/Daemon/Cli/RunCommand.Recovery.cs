using System.Runtime.InteropServices;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Daemon.Cli;

/// <summary>The crash-recovery step of <c>gpuqos run</c>.</summary>
internal static partial class RunCommand
{
    /// <summary>
    /// Continues the processes and thaws the cgroups a crashed run left stopped, from its journal, before
    /// anything else starts; the enforcer undoes the GPU settings and closes the journal once the backend is up.
    /// Runs after the configuration's permissions are checked (the configuration names the journal), and reads
    /// the journal through the same trust rules as the enforcer: an untrusted journal, or a line whose MAC does
    /// not verify, is refused and reported here, and the enforcer refuses it again when it starts.
    /// </summary>
    private static async Task ResumeCrashedRunAsync(EnforcementOptions enforcement, bool simulatedHost)
    {
        if (HostRecovery.JournalOf(enforcement, simulatedHost) is not { } journal || !File.Exists(journal))
        {
            return;
        }

        var full = Path.GetFullPath(journal);
        var result = HostRecovery.Resume(full, enforcement, TimeProvider.System);
        if (result.Undone > 0)
        {
            await Console.Out.WriteLineAsync($"gpuqos: resumed {result.Undone} process action(s) a previous run left in force (journal {full})");
        }

        foreach (var error in result.Errors)
        {
            await Console.Error.WriteLineAsync("gpuqos: crash recovery: " + error);
        }
    }

    /// <summary>
    /// A write past a file size limit (systemd's LimitFSIZE=, ulimit -f) raises SIGXFSZ, whose default action
    /// kills the process. Handled, the write fails with EFBIG instead, which the journal treats like a full
    /// disk: the action is refused and monitoring goes on.
    /// </summary>
    private static PosixSignalRegistration? SurviveFileSizeLimit()
    {
        const int SigXfsz = 25; // The same on x86-64 and arm64 Linux.
        return OperatingSystem.IsLinux() ? PosixSignalRegistration.Create((PosixSignal)SigXfsz, context => context.Cancel = true) : null;
    }
}

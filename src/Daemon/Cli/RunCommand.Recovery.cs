using System.Runtime.InteropServices;
using GpuQos.Daemon.Hosting;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Daemon.Cli;

/// <summary>The crash-recovery step of <c>gpuqos run</c>.</summary>
internal static partial class RunCommand
{
    /// <summary>
    /// Continues the processes and thaws the cgroups a crashed run left stopped, from its journal, before
    /// anything else starts; the enforcer undoes the GPU settings and closes the journal once the backend is up.
    /// A journal anyone could write is not replayed here (it could name any process), only refused later.
    /// </summary>
    private static async Task ResumeCrashedRunAsync(EnforcementOptions enforcement, bool simulatedHost)
    {
        if (HostRecovery.JournalOf(enforcement, simulatedHost) is not { } journal || !File.Exists(journal))
        {
            return;
        }

        var full = Path.GetFullPath(journal);
        var problem = FileModes.CheckNotWorldWritable(full, "journal") ?? FileModes.CheckNotWorldWritable(Path.GetDirectoryName(full)!, "journal directory");
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync($"gpuqos: not replaying the action journal before start: {problem}");
            return;
        }

        var result = HostRecovery.Resume(full, enforcement);
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

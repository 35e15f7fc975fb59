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
}

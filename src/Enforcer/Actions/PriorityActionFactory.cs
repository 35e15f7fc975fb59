using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>priority</c>: renices the target tenants' processes. This lowers their CPU priority, which slows
/// how fast they feed the GPU; it does not preempt kernels already queued. Each process's previous nice value
/// is journaled and restored.
/// </summary>
public sealed class PriorityActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.Priority;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nice = options.Nice ?? throw new ArgumentException("priority needs nice", nameof(options));
        return new ProcessAction(
            Type,
            c => c.GpuSnapshot.Mode is SharingMode.Mig or SharingMode.Vgpu ? $"renicing does not reach other tenants' share of a {c.GpuSnapshot.Mode?.Label()} GPU" : null,
            (c, p, key) => new JournalProcess(key.Pid, key.StartTime, c.Processes.GetNice(key) ?? 0) { AppliedNice = nice },
            (c, key) => c.Processes.SetNice(key, nice),
            options,
            $"reniced to {nice}");
    }
}

using GpuQos.Enforcer.Policies;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>vgpu-scheduler</c>: sets the vGPU scheduler policy and time slice. NVML accepts this only while
/// no VM runs on the GPU, so the action is refused whenever a vGPU instance exists.
/// </summary>
public sealed class VgpuSchedulerActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.VgpuScheduler;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policy = options.Scheduler ?? throw new ArgumentException("vgpu-scheduler needs scheduler", nameof(options));
        var slice = (uint)((options.Timeslice ?? TimeSpan.Zero).Ticks / 10);
        return new DeviceAction(
            Type,
            c => c.GpuSnapshot.Mode != SharingMode.Vgpu
                ? "the GPU is not in vGPU mode"
                : c.GpuSnapshot.Partitions.Any(p => p.Reading.Kind == PartitionKind.Vgpu)
                    ? "VMs are running; NVML changes the vGPU scheduler only while no VM runs"
                    : null,
            (c, e) =>
            {
                var (previous, previousSlice) = c.Control.GetVgpuScheduler(c.Gpu);
                return e with { PreviousScheduler = previous, PreviousTimesliceMicroseconds = previousSlice, Detail = $"vGPU scheduler set to {policy.Label()}, slice {slice} µs" };
            },
            c => c.Control.SetVgpuScheduler(c.Gpu, policy, slice));
    }
}

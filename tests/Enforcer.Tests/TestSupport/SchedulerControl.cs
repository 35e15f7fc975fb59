using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// A vGPU host no VM runs on, reduced to its scheduler state: the simulator cannot model one (a vGPU GPU there
/// always serves VMs, and refuses the change as NVML does), so the apply and undo of <c>vgpu-scheduler</c> are
/// checked against this. Any other control call is a test error.
/// </summary>
internal sealed class SchedulerControl(VgpuSchedulerPolicy policy, uint timesliceMicroseconds) : IGpuControl
{
    public (VgpuSchedulerPolicy Policy, uint TimesliceMicroseconds) State { get; private set; } = (policy, timesliceMicroseconds);

    public (VgpuSchedulerPolicy Policy, uint TimesliceMicroseconds) GetVgpuScheduler(int gpu) => State;

    public void SetVgpuScheduler(int gpu, VgpuSchedulerPolicy policy, uint timesliceMicroseconds) => State = (policy, timesliceMicroseconds);

    public void SetLockedClocks(int gpu, uint minMhz, uint maxMhz) => throw new NotSupportedException();

    public void ResetLockedClocks(int gpu) => throw new NotSupportedException();

    public uint GetPowerLimit(int gpu) => throw new NotSupportedException();

    public void SetPowerLimit(int gpu, uint milliwatts) => throw new NotSupportedException();

    public ComputeMode GetComputeMode(int gpu) => throw new NotSupportedException();

    public void SetComputeMode(int gpu, ComputeMode mode) => throw new NotSupportedException();

    public void SetMpsActiveThreadPercentage(int gpu, int? clientPid, int percentage) => throw new NotSupportedException();
}

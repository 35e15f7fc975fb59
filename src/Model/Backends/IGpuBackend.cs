using GpuQos.Model.Devices;

namespace GpuQos.Model.Backends;

/// <summary>
/// The one door to the hardware, for reading. The rest of GpuQos cannot tell which backend is behind it.
/// Every read is for one GPU, so that a failing GPU degrades only itself. A read throws
/// <see cref="GpuBackendException"/> on error; a value the GPU does not support comes back as null.
/// </summary>
public interface IGpuBackend : IDisposable
{
    /// <summary>The backend's name as <c>--backend</c> spells it: <c>nvml</c> or <c>sim</c>.</summary>
    string Name { get; }

    /// <summary>Control calls on the same GPUs.</summary>
    IGpuControl Control { get; }

    /// <summary>The GPUs present, in index order. Identities are stable while a GPU is present.</summary>
    IReadOnlyList<GpuIdentity> Gpus { get; }

    /// <summary>Whole-device reading: mode, memory, utilization, clocks, power, temperature.</summary>
    DeviceReading ReadDevice(int gpu);

    /// <summary>Health counters: clock-event reasons, ECC, row remapping, XID, PCIe throughput.</summary>
    HealthReading ReadHealth(int gpu);

    /// <summary>Partitions: MIG instances, vGPU instances, or the whole device.</summary>
    IReadOnlyList<PartitionReading> ReadPartitions(int gpu);

    /// <summary>Processes with a context on the GPU, with their utilization where it can be attributed.</summary>
    IReadOnlyList<ProcessReading> ReadProcesses(int gpu);

    /// <summary>
    /// Marks the start of a collection cycle: until the next call, the reads of one GPU may share what they
    /// have in common (its sharing mode, its process list) instead of asking the driver again. Reads made
    /// without it always ask afresh.
    /// </summary>
    void BeginCycle()
    {
    }
}

/// <summary>
/// The one door to the hardware, for control. Each call is idempotent. Calls act on the whole device
/// (NVML clocks, power and compute mode need root and do not survive a driver reload).
/// </summary>
public interface IGpuControl
{
    /// <summary>Locks the GPU (SM) clock into [min, max] MHz (<c>nvmlDeviceSetGpuLockedClocks</c>).</summary>
    void SetLockedClocks(int gpu, uint minMhz, uint maxMhz);

    /// <summary>Undoes <see cref="SetLockedClocks"/> (<c>nvmlDeviceResetGpuLockedClocks</c>).</summary>
    void ResetLockedClocks(int gpu);

    /// <summary>
    /// The SM clock lock in force as far as this backend knows, or null when none is known. NVML has no read of
    /// the current lock (<c>nvmlDeviceSetGpuLockedClocks</c> has no getter), so on NVML this is the lock this
    /// process set and has not reset; a lock set by another tool before the daemon started is not seen.
    /// </summary>
    (uint MinMhz, uint MaxMhz)? GetLockedClocks(int gpu) => null;

    /// <summary>
    /// The SM clocks the device supports, lowest and highest in MHz (<c>nvmlDeviceGetSupportedGraphicsClocks</c>
    /// over its <c>nvmlDeviceGetSupportedMemoryClocks</c>), or null when the device does not say.
    /// </summary>
    (uint MinMhz, uint MaxMhz)? GetSupportedSmClocks(int gpu) => null;

    /// <summary>
    /// The power limits the driver accepts, in milliwatts (<c>nvmlDeviceGetPowerManagementLimitConstraints</c>),
    /// or null when the device does not say.
    /// </summary>
    (uint MinMilliwatts, uint MaxMilliwatts)? GetPowerLimitConstraints(int gpu) => null;

    /// <summary>Current power limit in milliwatts, for journaling the value to restore.</summary>
    uint GetPowerLimit(int gpu);

    /// <summary>Sets the power limit in milliwatts (<c>nvmlDeviceSetPowerManagementLimit</c>).</summary>
    void SetPowerLimit(int gpu, uint milliwatts);

    /// <summary>Current compute mode, for journaling the value to restore.</summary>
    ComputeMode GetComputeMode(int gpu);

    /// <summary>Sets the compute mode (<c>nvmlDeviceSetComputeMode</c>).</summary>
    void SetComputeMode(int gpu, ComputeMode mode);

    /// <summary>Current vGPU scheduler policy and time slice (µs; 0 = default).</summary>
    (VgpuSchedulerPolicy Policy, uint TimesliceMicroseconds) GetVgpuScheduler(int gpu);

    /// <summary>Sets the vGPU scheduler policy and time slice. NVML allows this only while no VM runs.</summary>
    void SetVgpuScheduler(int gpu, VgpuSchedulerPolicy policy, uint timesliceMicroseconds);

    /// <summary>
    /// Sets the MPS active-thread percentage, for one MPS client or (with <paramref name="clientPid"/> null)
    /// the default for clients created afterwards. Per-server settings reach only new clients.
    /// </summary>
    void SetMpsActiveThreadPercentage(int gpu, int? clientPid, int percentage);
}

/// <summary>
/// Implemented by backends whose processes are not real OS processes (the simulated host), so that the
/// enforcer's process actuators can act on them with the same effect a signal or a nice value would have.
/// </summary>
public interface ISimulatedProcessControl
{
    /// <summary>Whether the simulated process exists now.</summary>
    bool ProcessExists(int pid);

    /// <summary>Limits the process to run at most <paramref name="ratio"/> of wall time (1 = unthrottled).</summary>
    void SetDutyCycle(int pid, double ratio);

    /// <summary>Sets the process's scheduling weight on a time-sliced GPU (1 = default).</summary>
    void SetWeight(int pid, double weight);
}

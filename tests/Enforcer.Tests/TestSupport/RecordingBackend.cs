using GpuQos.Backends.Simulation;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// The simulated backend with every device call the enforcer makes written down, for settings the simulated
/// host applies but does not report back (MPS active-thread percentages).
/// </summary>
internal sealed class RecordingBackend(SimulatedBackend inner) : IGpuBackend, IGpuControl, ISimulatedProcessControl
{
    private readonly List<string> _calls = [];

    /// <summary>The calls, e.g. <c>mps gpu=0 pid=3901 40</c>.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public string Name => inner.Name;

    public IGpuControl Control => this;

    public IReadOnlyList<GpuIdentity> Gpus => inner.Gpus;

    public DeviceReading ReadDevice(int gpu) => inner.ReadDevice(gpu);

    public HealthReading ReadHealth(int gpu) => inner.ReadHealth(gpu);

    public IReadOnlyList<PartitionReading> ReadPartitions(int gpu) => inner.ReadPartitions(gpu);

    public IReadOnlyList<ProcessReading> ReadProcesses(int gpu) => inner.ReadProcesses(gpu);

    public void SetLockedClocks(int gpu, uint minMhz, uint maxMhz) => Call($"lock-clocks gpu={gpu} {minMhz}-{maxMhz}", () => inner.SetLockedClocks(gpu, minMhz, maxMhz));

    public void ResetLockedClocks(int gpu) => Call($"reset-clocks gpu={gpu}", () => inner.ResetLockedClocks(gpu));

    public (uint MinMhz, uint MaxMhz)? GetLockedClocks(int gpu) => inner.GetLockedClocks(gpu);

    public (uint MinMhz, uint MaxMhz)? GetSupportedSmClocks(int gpu) => inner.GetSupportedSmClocks(gpu);

    public (uint MinMilliwatts, uint MaxMilliwatts)? GetPowerLimitConstraints(int gpu) => inner.GetPowerLimitConstraints(gpu);

    public uint GetPowerLimit(int gpu) => inner.GetPowerLimit(gpu);

    public void SetPowerLimit(int gpu, uint milliwatts) => Call($"power gpu={gpu} {milliwatts}", () => inner.SetPowerLimit(gpu, milliwatts));

    public ComputeMode GetComputeMode(int gpu) => inner.GetComputeMode(gpu);

    public void SetComputeMode(int gpu, ComputeMode mode) => Call($"compute-mode gpu={gpu} {mode}", () => inner.SetComputeMode(gpu, mode));

    public (VgpuSchedulerPolicy Policy, uint TimesliceMicroseconds) GetVgpuScheduler(int gpu) => inner.GetVgpuScheduler(gpu);

    public void SetVgpuScheduler(int gpu, VgpuSchedulerPolicy policy, uint timesliceMicroseconds) =>
        Call($"vgpu-scheduler gpu={gpu} {policy} {timesliceMicroseconds}", () => inner.SetVgpuScheduler(gpu, policy, timesliceMicroseconds));

    public void SetMpsActiveThreadPercentage(int gpu, int? clientPid, int percentage) =>
        Call($"mps gpu={gpu} pid={clientPid} {percentage}", () => inner.SetMpsActiveThreadPercentage(gpu, clientPid, percentage));

    public bool ProcessExists(int pid) => inner.ProcessExists(pid);

    public void SetDutyCycle(int pid, double ratio) => inner.SetDutyCycle(pid, ratio);

    public void SetWeight(int pid, double weight) => inner.SetWeight(pid, weight);

    public void Dispose() => inner.Dispose();

    private void Call(string what, Action call)
    {
        // Recorded only once the backend accepted it, as the stub's control log does.
        call();
        lock (_calls)
        {
            _calls.Add(what);
        }
    }
}

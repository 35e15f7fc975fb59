using GpuQos.Enforcer.Actuators;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Benchmarks;

/// <summary>
/// One time-sliced "GPU" whose processes are real CPU burners sharing a core; each process's SM utilization
/// is its share of the CPU time the burners got since the last read (the NVML stub's real-PID mode, in
/// process). Load from unrelated processes on the machine is left out, as NVML leaves out other devices.
/// </summary>
internal sealed class EnforcementProcessBackend(IReadOnlyList<(int Pid, string Tenant)> processes) : IGpuBackend, IGpuControl
{
    private readonly Dictionary<int, long> _last = [];

    public string Name => "proc-cpu";

    public IGpuControl Control => this;

    public IReadOnlyList<GpuIdentity> Gpus { get; } = [new GpuIdentity(0, "GPU-00000000-0000-4000-8000-0000000bench", "CPU core standing in for a GPU", "00000000:00:00.0")];

    public DeviceReading ReadDevice(int gpu) => new() { Mode = SharingMode.TimeSliced, MemoryTotalBytes = 1L << 30, MemoryUsedBytes = 0 };

    public HealthReading ReadHealth(int gpu) => throw new GpuBackendException("read", "NOT_SUPPORTED", gpu, "no health counters on a CPU core");

    public IReadOnlyList<PartitionReading> ReadPartitions(int gpu) => [new PartitionReading { Id = "whole", Kind = PartitionKind.Shared }];

    public IReadOnlyList<ProcessReading> ReadProcesses(int gpu)
    {
        var deltas = processes.Select(p =>
        {
            var ticks = ProcStat.CpuNanoseconds(p.Pid) ?? 0;
            var delta = _last.TryGetValue(p.Pid, out var before) ? ticks - before : 0;
            _last[p.Pid] = ticks;
            return (p.Pid, p.Tenant, Delta: delta);
        }).ToList();
        var total = deltas.Sum(d => d.Delta);
        return deltas.Select(d => new ProcessReading
        {
            Pid = d.Pid,
            Name = "burner",
            PartitionId = "whole",
            User = d.Tenant,
            SmUtilization = total > 0 ? (double)d.Delta / total : 0,
        }).ToList();
    }

    public void SetLockedClocks(int gpu, uint minMhz, uint maxMhz) => throw new NotSupportedException();

    public void ResetLockedClocks(int gpu) => throw new NotSupportedException();

    public uint GetPowerLimit(int gpu) => throw new NotSupportedException();

    public void SetPowerLimit(int gpu, uint milliwatts) => throw new NotSupportedException();

    public ComputeMode GetComputeMode(int gpu) => ComputeMode.Default;

    public void SetComputeMode(int gpu, ComputeMode mode) => throw new NotSupportedException();

    public (VgpuSchedulerPolicy Policy, uint TimesliceMicroseconds) GetVgpuScheduler(int gpu) => throw new NotSupportedException();

    public void SetVgpuScheduler(int gpu, VgpuSchedulerPolicy policy, uint timesliceMicroseconds) => throw new NotSupportedException();

    public void SetMpsActiveThreadPercentage(int gpu, int? clientPid, int percentage) => throw new NotSupportedException();

    public void Dispose()
    {
    }
}

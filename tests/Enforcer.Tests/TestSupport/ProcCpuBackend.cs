using GpuQos.Enforcer.Actuators;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// A one-GPU time-sliced backend whose "GPU processes" are real child processes, with SM utilization taken
/// from their CPU time in <c>/proc</c>, as the NVML stub's real-PID mode will report it. Each process's
/// utilization is its share of the CPU time the registered processes got since the last read: the CPU
/// they share stands for the GPU, and load from unrelated processes on the machine (which a GPU would not
/// have) is left out the way NVML leaves out other devices.
/// </summary>
internal sealed class ProcCpuBackend(IReadOnlyList<(int Pid, string User)> processes, IReadOnlyDictionary<int, long>? memory = null) : IGpuBackend, IGpuControl
{
    private readonly Dictionary<int, long> _last = [];
    private readonly Lock _lock = new();

    public string Name => "proc-cpu";

    public IGpuControl Control => this;

    public IReadOnlyList<GpuIdentity> Gpus { get; } = [new GpuIdentity(0, "GPU-00000000-0000-4000-8000-00000000c0re", "CPU core standing in for a GPU", "00000000:00:00.0")];

    public DeviceReading ReadDevice(int gpu) => new() { Mode = SharingMode.TimeSliced, MemoryTotalBytes = 1L << 30, MemoryUsedBytes = 0 };

    public HealthReading ReadHealth(int gpu) => throw new GpuBackendException("read", "NOT_SUPPORTED", gpu, "no health counters on a CPU core");

    public IReadOnlyList<PartitionReading> ReadPartitions(int gpu) => [new PartitionReading { Id = "whole", Kind = PartitionKind.Shared }];

    public IReadOnlyList<ProcessReading> ReadProcesses(int gpu)
    {
        lock (_lock)
        {
            var deltas = new List<(int Pid, string User, long Delta)>();
            foreach (var (pid, user) in processes)
            {
                if (ProcStat.CpuNanoseconds(pid) is not { } cpu)
                {
                    continue;
                }

                deltas.Add((pid, user, _last.TryGetValue(pid, out var before) ? cpu - before : 0));
                _last[pid] = cpu;
            }

            var total = deltas.Sum(d => d.Delta);
            return deltas.Select(d => new ProcessReading
            {
                Pid = d.Pid,
                Name = "burner",
                PartitionId = "whole",
                User = d.User,
                UsedMemoryBytes = memory?.GetValueOrDefault(d.Pid) ?? 0,
                SmUtilization = total > 0 ? (double)d.Delta / total : 0,
            }).ToList();
        }
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

using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// Processes: those NVML lists with a compute, graphics or MPS-client context, with their memory, partition and,
/// where NVML can attribute it, utilization.
/// </summary>
public sealed partial class NvmlBackend
{
    /// <inheritdoc />
    public IReadOnlyList<ProcessReading> ReadProcesses(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "read");
            var mode = Mode(g);
            var running = CycleProcesses(g) ?? [];

            // Per-process utilization does not exist inside MIG instances; under MPS NVML charges the clients'
            // work to the server, so only the server's share is known.
            var utilization = mode == SharingMode.Mig ? null : ProcessUtilizationSamples(g, running);
            var readings = new List<ProcessReading>(running.Length);
            foreach (var p in running)
            {
                var pid = (int)p.Pid;
                var name = ProcessName(g, pid);
                var attributable = utilization is not null && (mode != SharingMode.Mps || name == MpsServerName);
                var u = attributable ? utilization!.GetValueOrDefault(pid) : null;
                readings.Add(new ProcessReading
                {
                    Pid = pid,
                    Name = name,
                    PartitionId = p.GpuInstanceId == NvmlProcessInfo.NoInstance
                        ? "whole"
                        : MigInstance.PartitionIdOf(p.GpuInstanceId, p.ComputeInstanceId),
                    UsedMemoryBytes = (long)p.UsedGpuMemory,
                    Contexts = p.Contexts,
                    SmUtilization = attributable ? u?.Sm ?? 0 : null,
                    MemoryBandwidthUtilization = attributable ? u?.Memory ?? 0 : null,
                    EncoderUtilization = attributable ? u?.Encoder ?? 0 : null,
                    DecoderUtilization = attributable ? u?.Decoder ?? 0 : null,
                });
            }

            return readings;
        }
    }

    /// <summary>
    /// Utilization per process from the samples newer than the last one seen, so that no sample is counted twice.
    /// Several new samples of one process are averaged. NVML returns samples only for processes that were busy in
    /// a sample period, so a process without a new sample is idle once newer periods exist: when other processes
    /// have new samples, or (NOT_FOUND) when the newest sample seen is older than <see cref="IdleAfter"/>. Until
    /// then it keeps its last value. Null when per-process utilization is not supported.
    /// </summary>
    private unsafe Dictionary<int, ProcessUtilization>? ProcessUtilizationSamples(NvmlGpu g, RunningProcess[] running)
    {
        const string function = "nvmlDeviceGetProcessUtilization";
        if (g.Skips(function))
        {
            return null;
        }

        uint count = 0;
        var scratch = g.ProcessSamples;
        scratch.Fresh.Clear();
        var code = NvmlNative.nvmlDeviceGetProcessUtilization(g.Handle, null, ref count, g.ProcessLastSeen);

        // The size query answers INSUFFICIENT_SIZE, or on some drivers SUCCESS with the count.
        if (code == NvmlReturn.Success && count > 0)
        {
            code = NvmlReturn.InsufficientSize;
        }

        for (var attempt = 0; code == NvmlReturn.InsufficientSize && attempt < MaxListAttempts; attempt++)
        {
            if (scratch.Buffer.Length < count + 2)
            {
                scratch.Buffer = new NvmlProcessUtilizationSample[count + 2];
            }

            count = (uint)scratch.Buffer.Length;
            fixed (NvmlProcessUtilizationSample* p = scratch.Buffer)
            {
                code = NvmlNative.nvmlDeviceGetProcessUtilization(g.Handle, p, ref count, g.ProcessLastSeen);
            }

            if (code == NvmlReturn.Success)
            {
                Absorb(g, scratch.Buffer.AsSpan(0, (int)count));
            }
        }

        var stale = code == NvmlReturn.NotFound
            && (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 > g.ProcessLastSeen + (ulong)IdleAfter.TotalMicroseconds;
        if (scratch.Fresh.Count > 0 || stale)
        {
            foreach (var (pid, u) in g.ProcessUtilization)
            {
                if (!scratch.Fresh.Contains(pid) && (u.Sm, u.Memory, u.Encoder, u.Decoder) != (0, 0, 0, 0))
                {
                    g.ProcessUtilization[pid] = new ProcessUtilization(0, 0, 0, 0, u.TimeStamp); // overwriting a present key is allowed while enumerating
                }
            }
        }

        switch (code)
        {
            case NvmlReturn.Success:
            case NvmlReturn.NotFound: // no sample newer than the last seen
                break;
            case NvmlReturn.InsufficientSize:
                throw g.Error(function, code);
            default:
                if (!g.Optional(function, code))
                {
                    return null;
                }

                break;
        }

        // Forget processes that have exited.
        scratch.Present.Clear();
        foreach (var p in running)
        {
            scratch.Present.Add((int)p.Pid);
        }

        foreach (var pid in g.ProcessUtilization.Keys)
        {
            if (!scratch.Present.Contains(pid))
            {
                g.ProcessUtilization.Remove(pid); // allowed while enumerating since .NET Core 3.0
            }
        }

        return g.ProcessUtilization;
    }

    /// <summary>How long without any new sample before every process counts as idle.</summary>
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(2);

    /// <summary>Takes the new samples; adds the processes that had one to <see cref="ProcessSampleScratch.Fresh"/>.</summary>
    private static void Absorb(NvmlGpu g, ReadOnlySpan<NvmlProcessUtilizationSample> samples)
    {
        var sums = g.ProcessSamples.Sums;
        sums.Clear();
        var newest = g.ProcessLastSeen;
        foreach (var s in samples)
        {
            if (s.TimeStamp <= g.ProcessLastSeen)
            {
                continue; // seen in an earlier interval
            }

            var pid = (int)s.Pid;
            var sum = sums.GetValueOrDefault(pid);
            sums[pid] = (sum.Sm + s.SmUtil, sum.Mem + s.MemUtil, sum.Enc + s.EncUtil, sum.Dec + s.DecUtil, sum.N + 1, Math.Max(sum.Ts, s.TimeStamp));
            newest = Math.Max(newest, s.TimeStamp);
        }

        foreach (var (pid, s) in sums)
        {
            g.ProcessUtilization[pid] = new ProcessUtilization(s.Sm / s.N / 100.0, s.Mem / s.N / 100.0, s.Enc / s.N / 100.0, s.Dec / s.N / 100.0, s.Ts);
            g.ProcessSamples.Fresh.Add(pid);
        }

        g.ProcessLastSeen = newest;
    }
}

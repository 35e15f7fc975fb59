using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>Partitions: MIG devices, vGPU instances, or the whole device.</summary>
public sealed partial class NvmlBackend
{
    private const int MaxListAttempts = 5;

    private unsafe delegate NvmlReturn ListCall<T>(ref uint count, T* buffer)
        where T : unmanaged;

    /// <inheritdoc />
    public IReadOnlyList<PartitionReading> ReadPartitions(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "read");
            return Mode(g) switch
            {
                SharingMode.Mig => MigPartitions(g),
                SharingMode.Vgpu => VgpuPartitions(g),
                var mode => WholePartition(g, mode),
            };
        }
    }

    private static PartitionReading[] WholePartition(NvmlGpu g, SharingMode mode)
    {
        var memory = Memory(g, g.Handle);
        NvmlUtilization utilization = default;
        var hasUtilization = Read(g, "nvmlDeviceGetUtilizationRates", () => NvmlNative.nvmlDeviceGetUtilizationRates(g.Handle, out utilization));
        return
        [
            new PartitionReading
            {
                Id = "whole",
                Kind = mode == SharingMode.Exclusive ? PartitionKind.Exclusive : PartitionKind.Shared,

                // NVML has no SM count for a whole GPU (CUDA does); the known model tables do.
                SmCount = g.Model?.SmCount,
                MemoryTotalBytes = memory?.Total,
                MemoryUsedBytes = memory?.Used,
                SmUtilization = hasUtilization ? utilization.Gpu / 100.0 : null,
                MemoryBandwidthUtilization = hasUtilization ? utilization.Memory / 100.0 : null,
            },
        ];
    }

    /// <summary>
    /// NVML's list protocol: ask with no buffer to learn the size (INSUFFICIENT_SIZE), then fetch; the list can
    /// grow in between, so retry a few times. Null when the call is not supported.
    /// </summary>
    private static unsafe T[]? List<T>(NvmlGpu g, string function, ListCall<T> call)
        where T : unmanaged
    {
        if (g.Skips(function))
        {
            return null;
        }

        uint count = 0;
        var code = call(ref count, null);
        if (code == NvmlReturn.Success && count > 0)
        {
            code = NvmlReturn.InsufficientSize; // a size query answered with SUCCESS and the count
        }

        for (var attempt = 0; attempt < MaxListAttempts; attempt++)
        {
            if (code == NvmlReturn.Success)
            {
                return [];
            }

            if (code != NvmlReturn.InsufficientSize)
            {
                return g.Optional(function, code) ? [] : null;
            }

            var buffer = new T[count + 2];
            var n = (uint)buffer.Length;
            fixed (T* p = buffer)
            {
                code = call(ref n, p);
            }

            if (code == NvmlReturn.Success)
            {
                return buffer[..(int)n];
            }

            count = n;
        }

        throw g.Error(function, NvmlReturn.InsufficientSize);
    }
}

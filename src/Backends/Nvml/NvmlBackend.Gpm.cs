using System.Runtime.InteropServices;
using GpuQos.Backends.Nvml.Interop;

namespace GpuQos.Backends.Nvml;

/// <summary>GPM (Hopper and later): SM and DRAM-bandwidth utilization per MIG GPU instance.</summary>
public sealed partial class NvmlBackend
{
    private static readonly TimeSpan GpmMinimumSpacing = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// SM and DRAM-bandwidth utilization of one GPU instance from two GPM samples. Samples closer than 100 ms
    /// are not taken; the last value stands until the next one is due.
    /// </summary>
    private unsafe (double? Sm, double? Dram) Gpm(NvmlGpu g, uint gpuInstance)
    {
        if (g.Skips("nvmlGpmQueryDeviceSupport"))
        {
            return (null, null);
        }

        if (!g.Gpm.TryGetValue(gpuInstance, out var state))
        {
            var support = new NvmlGpmSupport { Version = NvmlGpmSupport.Version1 };
            if (!Read(g, "nvmlGpmQueryDeviceSupport", () => NvmlNative.nvmlGpmQueryDeviceSupport(g.Handle, ref support)))
            {
                return (null, null);
            }

            if (support.IsSupportedDevice == 0)
            {
                g.Optional("nvmlGpmQueryDeviceSupport", NvmlReturn.NotSupported);
                return (null, null);
            }

            g.Require("nvmlGpmSampleAlloc", NvmlNative.nvmlGpmSampleAlloc(out var first));
            g.Require("nvmlGpmSampleAlloc", NvmlNative.nvmlGpmSampleAlloc(out var second));
            state = new GpmState { Previous = first, Current = second };
            g.Gpm[gpuInstance] = state;
            if (!Read(g, "nvmlGpmMigSampleGet", () => NvmlNative.nvmlGpmMigSampleGet(g.Handle, gpuInstance, state.Previous)))
            {
                return (null, null);
            }

            state.PreviousTimestamp = _time.GetTimestamp();
        }

        if (state.SmUtilization is not null && _time.GetElapsedTime(state.PreviousTimestamp) < GpmMinimumSpacing)
        {
            return (state.SmUtilization, state.DramUtilization);
        }

        if (!Read(g, "nvmlGpmMigSampleGet", () => NvmlNative.nvmlGpmMigSampleGet(g.Handle, gpuInstance, state.Current)))
        {
            return (null, null);
        }

        var size = NvmlGpmMetricsGetHeader.StructSize;
        var buffer = NativeMemory.AllocZeroed((nuint)size);
        try
        {
            var header = (NvmlGpmMetricsGetHeader*)buffer;
            header->Version = NvmlGpmMetricsGetHeader.Version1;
            header->NumMetrics = 2;
            header->Sample1 = state.Previous;
            header->Sample2 = state.Current;
            var metrics = (NvmlGpmMetric*)((byte*)buffer + sizeof(NvmlGpmMetricsGetHeader));
            metrics[0].MetricId = NvmlGpmMetric.SmUtil;
            metrics[1].MetricId = NvmlGpmMetric.DramBwUtil;
            g.Require("nvmlGpmMetricsGet", NvmlNative.nvmlGpmMetricsGet(buffer));
            state.SmUtilization = metrics[0].NvmlReturn == 0 ? metrics[0].Value / 100.0 : null;
            state.DramUtilization = metrics[1].NvmlReturn == 0 ? metrics[1].Value / 100.0 : null;
        }
        finally
        {
            NativeMemory.Free(buffer);
        }

        (state.Previous, state.Current) = (state.Current, state.Previous);
        state.PreviousTimestamp = _time.GetTimestamp();
        return (state.SmUtilization, state.DramUtilization);
    }

    private static void FreeGpm(NvmlGpu g, HashSet<uint> keep)
    {
        foreach (var (gi, state) in g.Gpm.Where(kv => !keep.Contains(kv.Key)).ToList())
        {
            _ = NvmlNative.nvmlGpmSampleFree(state.Previous);
            _ = NvmlNative.nvmlGpmSampleFree(state.Current);
            g.Gpm.Remove(gi);
        }
    }
}

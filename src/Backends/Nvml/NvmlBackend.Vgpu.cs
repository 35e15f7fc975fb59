using System.Globalization;
using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>vGPU: active instances with type, VM, framebuffer, utilization samples and scheduler state.</summary>
public sealed partial class NvmlBackend
{
    private unsafe PartitionReading[] VgpuPartitions(NvmlGpu g)
    {
        var instances = List<uint>(g, "nvmlDeviceGetActiveVgpus", (ref uint count, uint* buffer) => NvmlNative.nvmlDeviceGetActiveVgpus(g.Handle, ref count, buffer));
        if (instances is null)
        {
            return [];
        }

        var utilization = VgpuUtilization(g);
        NvmlVgpuSchedulerGetState scheduler = default;
        var hasScheduler = Read(g, "nvmlDeviceGetVgpuSchedulerState", () => NvmlNative.nvmlDeviceGetVgpuSchedulerState(g.Handle, out scheduler));
        var partitions = new List<PartitionReading>(instances.Length);
        foreach (var id in instances)
        {
            // A VM can stop between the list and these calls; its instance is then simply gone.
            var code = NvmlNative.nvmlVgpuInstanceGetType(id, out var type);
            if (code is NvmlReturn.InvalidArgument or NvmlReturn.NotFound)
            {
                continue;
            }

            g.Require("nvmlVgpuInstanceGetType", code);
            ulong framebuffer = 0, used = 0;
            var hasFramebuffer = Read(g, "nvmlVgpuTypeGetFramebufferSize", () => NvmlNative.nvmlVgpuTypeGetFramebufferSize(type, out framebuffer));
            var hasUsed = Read(g, "nvmlVgpuInstanceGetFbUsage", () => NvmlNative.nvmlVgpuInstanceGetFbUsage(id, out used));
            utilization.TryGetValue(id, out var u);
            partitions.Add(new PartitionReading
            {
                Id = "vgpu-" + id.ToString(CultureInfo.InvariantCulture),
                Kind = PartitionKind.Vgpu,
                Profile = VgpuTypeName(g, type),
                VgpuInstanceId = (int)id,
                VmId = VmId(g, id),
                MemoryTotalBytes = hasFramebuffer ? (long)framebuffer : null,
                MemoryUsedBytes = hasUsed ? (long)used : null,
                SmUtilization = u?.Sm,
                MemoryBandwidthUtilization = u?.Memory,
                EncoderUtilization = u?.Encoder,
                DecoderUtilization = u?.Decoder,
                SchedulerPolicy = hasScheduler ? (VgpuSchedulerPolicy)scheduler.SchedulerPolicy : null,
                SchedulerTimesliceSeconds = hasScheduler ? scheduler.TimesliceNs / 1e9 : null,
            });
        }

        return partitions.ToArray();
    }

    private static unsafe string VgpuTypeName(NvmlGpu g, uint type)
    {
        uint size = 0;
        var code = NvmlNative.nvmlVgpuTypeGetName(type, null, ref size);
        if (code == NvmlReturn.InsufficientSize && size is > 0 and < 4096)
        {
            var buffer = new byte[size];
            fixed (byte* p = buffer)
            {
                code = NvmlNative.nvmlVgpuTypeGetName(type, p, ref size);
            }

            if (code == NvmlReturn.Success)
            {
                return Text(buffer);
            }
        }

        // Raises anything but NOT_SUPPORTED; a type whose name cannot be read keeps an empty profile label.
        _ = g.Optional("nvmlVgpuTypeGetName", code == NvmlReturn.InsufficientSize ? NvmlReturn.Unknown : code);
        return "";
    }

    private static unsafe string? VmId(NvmlGpu g, uint instance)
    {
        Span<byte> buffer = stackalloc byte[128];
        fixed (byte* p = buffer)
        {
            var code = NvmlNative.nvmlVgpuInstanceGetVmID(instance, p, (uint)buffer.Length, out _);
            return g.Optional("nvmlVgpuInstanceGetVmID", code) ? Text(buffer) : null;
        }
    }

    /// <summary>vGPU utilization samples newer than the last seen, per instance; instances without a new sample keep their last.</summary>
    private unsafe Dictionary<uint, ProcessUtilization> VgpuUtilization(NvmlGpu g)
    {
        const string function = "nvmlDeviceGetVgpuUtilization";
        if (g.Skips(function))
        {
            return [];
        }

        uint count = 0;
        var code = NvmlNative.nvmlDeviceGetVgpuUtilization(g.Handle, g.VgpuLastSeen, out var valueType, ref count, null);
        if (code == NvmlReturn.Success && count > 0)
        {
            code = NvmlReturn.InsufficientSize;
        }

        for (var attempt = 0; code == NvmlReturn.InsufficientSize && attempt < MaxListAttempts; attempt++)
        {
            var samples = new NvmlVgpuInstanceUtilizationSample[count + 2];
            count = (uint)samples.Length;
            fixed (NvmlVgpuInstanceUtilizationSample* p = samples)
            {
                code = NvmlNative.nvmlDeviceGetVgpuUtilization(g.Handle, g.VgpuLastSeen, out valueType, ref count, p);
            }

            if (code == NvmlReturn.Success)
            {
                foreach (var s in samples.AsSpan(0, (int)count))
                {
                    if (s.TimeStamp <= g.VgpuLastSeen && g.VgpuUtilization.ContainsKey(s.VgpuInstance))
                    {
                        continue; // already counted
                    }

                    g.VgpuUtilization[s.VgpuInstance] = new ProcessUtilization(
                        Percent(s.SmUtil, valueType), Percent(s.MemUtil, valueType), Percent(s.EncUtil, valueType), Percent(s.DecUtil, valueType), s.TimeStamp);
                }

                g.VgpuLastSeen = Math.Max(g.VgpuLastSeen, samples.AsSpan(0, (int)count).ToArray().Select(s => s.TimeStamp).DefaultIfEmpty(0UL).Max());
            }
        }

        if (code is not (NvmlReturn.Success or NvmlReturn.NotFound) && !g.Optional(function, code))
        {
            return [];
        }

        return g.VgpuUtilization;
    }

    /// <summary>An <c>nvmlValue_t</c> percentage as a 0..1 ratio.</summary>
    private static double Percent(ulong raw, int valueType) => valueType switch
    {
        0 => BitConverter.Int64BitsToDouble((long)raw) / 100.0,
        1 or 5 => (uint)raw / 100.0,
        6 => (ushort)raw / 100.0,
        _ => raw / 100.0,
    };
}

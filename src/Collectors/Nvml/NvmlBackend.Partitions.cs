using System.Globalization;
using System.Runtime.InteropServices;
using GpuQos.Collectors.Model;
using GpuQos.Collectors.Nvml.Interop;

namespace GpuQos.Collectors.Nvml;

/// <summary>Partitions: MIG devices, vGPU instances, or the whole device.</summary>
public sealed partial class NvmlBackend
{
    private const int MaxListAttempts = 5;
    private static readonly TimeSpan GpmMinimumSpacing = TimeSpan.FromMilliseconds(100);

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

    private PartitionReading[] MigPartitions(NvmlGpu g)
    {
        RefreshMigTopology(g);
        var partitions = new PartitionReading[g.MigInstances.Count];
        for (var i = 0; i < partitions.Length; i++)
        {
            var mig = g.MigInstances[i];
            var memory = Memory(g, mig.Handle, "nvmlDeviceGetMemoryInfo_v2/mig");
            var (sm, dram) = Gpm(g, mig.GpuInstanceId);
            partitions[i] = new PartitionReading
            {
                Id = mig.PartitionId,
                Kind = PartitionKind.Mig,
                Profile = mig.Profile,
                Uuid = mig.Uuid,
                GpuInstanceId = (int)mig.GpuInstanceId,
                ComputeInstanceId = (int)mig.ComputeInstanceId,
                PlacementStart = mig.PlacementStart,
                SmCount = mig.SmCount,
                MemoryTotalBytes = memory?.Total ?? mig.MemoryTotalBytes,
                MemoryUsedBytes = memory?.Used,
                SmUtilization = sm,
                MemoryBandwidthUtilization = dram,
            };
        }

        return partitions;
    }

    /// <summary>
    /// Enumerates MIG device handles (cheap) every cycle and re-reads instance details only when the set of
    /// (GPU instance, compute instance) pairs changed.
    /// </summary>
    private static void RefreshMigTopology(NvmlGpu g)
    {
        uint max = 0;
        if (!Read(g, "nvmlDeviceGetMaxMigDeviceCount", () => NvmlNative.nvmlDeviceGetMaxMigDeviceCount(g.Handle, out max)))
        {
            g.MigInstances = [];
            return;
        }

        var found = new List<(nint Handle, uint Gi, uint Ci)>();
        for (uint i = 0; i < max; i++)
        {
            var code = NvmlNative.nvmlDeviceGetMigDeviceHandleByIndex(g.Handle, i, out var mig);
            if (code == NvmlReturn.NotFound)
            {
                continue; // an empty slot
            }

            g.Require("nvmlDeviceGetMigDeviceHandleByIndex", code);
            g.Require("nvmlDeviceGetGpuInstanceId", NvmlNative.nvmlDeviceGetGpuInstanceId(mig, out var gi));
            g.Require("nvmlDeviceGetComputeInstanceId", NvmlNative.nvmlDeviceGetComputeInstanceId(mig, out var ci));
            found.Add((mig, gi, ci));
        }

        var key = string.Join(',', found.Select(f => MigInstance.PartitionIdOf(f.Gi, f.Ci)));
        if (key == g.MigTopologyKey)
        {
            return;
        }

        var profiles = Profiles(g);
        g.MigInstances = found.Select(f => DescribeMig(g, f.Handle, f.Gi, f.Ci, profiles)).ToArray();
        g.MigTopologyKey = key;
        FreeGpm(g, keep: found.Select(f => f.Gi).ToHashSet());
    }

    private static unsafe MigInstance DescribeMig(NvmlGpu g, nint handle, uint gi, uint ci, Dictionary<uint, NvmlGpuInstanceProfileInfo> profiles)
    {
        Span<byte> buffer = stackalloc byte[96];
        var uuid = "";
        fixed (byte* p = buffer)
        {
            if (NvmlNative.nvmlDeviceGetUUID(handle, p, 96) == NvmlReturn.Success)
            {
                uuid = Text(buffer);
            }
        }

        g.Require("nvmlDeviceGetGpuInstanceById", NvmlNative.nvmlDeviceGetGpuInstanceById(g.Handle, gi, out var instance));
        g.Require("nvmlGpuInstanceGetInfo", NvmlNative.nvmlGpuInstanceGetInfo(instance, out var info));
        profiles.TryGetValue(info.ProfileId, out var profile);
        var known = g.Model?.MigProfiles.FirstOrDefault(p => p.Id == (int)info.ProfileId);
        var hasProfile = profiles.ContainsKey(info.ProfileId);

        // The compute instance's own slice count tells whether it spans the whole GPU instance.
        int? sms = hasProfile ? (int)profile.MultiprocessorCount : known?.SmCount;
        if (NvmlNative.nvmlGpuInstanceGetComputeInstanceById(instance, ci, out var compute) == NvmlReturn.Success
            && NvmlNative.nvmlComputeInstanceGetInfo_v2(compute, out var ciInfo) == NvmlReturn.Success
            && hasProfile && profile.SliceCount > 0 && ciInfo.Placement.Size > 0 && ciInfo.Placement.Size < profile.SliceCount)
        {
            sms = (int)(profile.MultiprocessorCount * ciInfo.Placement.Size / profile.SliceCount);
        }

        var name = known?.Name ?? (hasProfile
            ? string.Create(CultureInfo.InvariantCulture, $"{profile.SliceCount}g.{Math.Round(profile.MemorySizeMB / 1024.0)}gb")
            : string.Create(CultureInfo.InvariantCulture, $"profile-{info.ProfileId}"));
        return new MigInstance(handle, gi, ci, uuid, name, (int)info.Placement.Start, sms,
            hasProfile ? (long)profile.MemorySizeMB << 20 : known?.MemoryBytes);
    }

    /// <summary>The GPU-instance profiles by the ID NVML reports, asked for each <c>NVML_GPU_INSTANCE_PROFILE_*</c> enum.</summary>
    private static Dictionary<uint, NvmlGpuInstanceProfileInfo> Profiles(NvmlGpu g)
    {
        const uint profileCount = 0x12;
        var profiles = new Dictionary<uint, NvmlGpuInstanceProfileInfo>();
        for (uint e = 0; e < profileCount; e++)
        {
            var code = NvmlNative.nvmlDeviceGetGpuInstanceProfileInfo(g.Handle, e, out var info);
            if (code == NvmlReturn.Success)
            {
                profiles[info.Id] = info;
            }
            else if (code is not (NvmlReturn.NotSupported or NvmlReturn.InvalidArgument))
            {
                throw g.Error("nvmlDeviceGetGpuInstanceProfileInfo", code);
            }
        }

        return profiles;
    }

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

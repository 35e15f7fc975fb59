using System.Globalization;
using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>MIG: devices, GPU and compute instances, profiles, re-read when the topology changes.</summary>
public sealed partial class NvmlBackend
{
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
}

using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>The sharing mode of a GPU, from what NVML can tell.</summary>
public sealed partial class NvmlBackend
{
    /// <summary>The sharing mode, from what NVML can tell: MIG mode, host vGPU mode, compute mode, an MPS server.</summary>
    private SharingMode Mode(NvmlGpu g)
    {
        g.Cycle.Enter(_cycle);
        if (g.Cycle.Mode is { } known)
        {
            return known;
        }

        var mode = ReadMode(g);
        g.Cycle.Keep(mode);
        return mode;
    }

    /// <summary>
    /// The running processes, read once per collection cycle (afresh outside one). Each fresh list is one pass of
    /// the GPU's name cache: the names of its processes are looked up, and those of processes gone are dropped.
    /// </summary>
    private RunningProcess[]? CycleProcesses(NvmlGpu g)
    {
        g.Cycle.Enter(_cycle);
        if (g.Cycle.HasProcesses)
        {
            return g.Cycle.Processes;
        }

        var processes = RunningProcesses(g);
        g.ProcessNames.BeginPass();
        foreach (var p in processes ?? [])
        {
            _ = ProcessName(g, (int)p.Pid);
        }

        g.ProcessNames.EndPass();
        g.Cycle.Keep(processes);
        return processes;
    }

    private SharingMode ReadMode(NvmlGpu g)
    {
        if (RefreshMigMode(g))
        {
            return SharingMode.Mig;
        }

        var virtualization = 0;
        if (Read(g, "nvmlDeviceGetVirtualizationMode", () => NvmlNative.nvmlDeviceGetVirtualizationMode(g.Handle, out virtualization))
            && virtualization == VirtualizationHostVgpu)
        {
            return SharingMode.Vgpu;
        }

        var compute = 0;
        if (Read(g, "nvmlDeviceGetComputeMode", () => NvmlNative.nvmlDeviceGetComputeMode(g.Handle, out compute))
            && compute == (int)Model.Devices.ComputeMode.ExclusiveProcess)
        {
            return SharingMode.Exclusive;
        }

        var processes = CycleProcesses(g) ?? [];
        return processes.Any(p => ProcessName(g, (int)p.Pid) == MpsServerName) ? SharingMode.Mps : SharingMode.TimeSliced;
    }

    /// <summary>Reads the MIG mode; a change forgets what was unsupported in the old mode and the MIG topology.</summary>
    private static bool RefreshMigMode(NvmlGpu g)
    {
        var enabled = false;
        uint current = 0;
        if (Read(g, "nvmlDeviceGetMigMode", () => NvmlNative.nvmlDeviceGetMigMode(g.Handle, out current, out _)))
        {
            enabled = current == 1;
        }

        if (g.MigEnabled is { } before && before != enabled)
        {
            g.ForgetUnavailable();
            g.MigTopologyKey = "";
        }

        g.MigEnabled = enabled;
        return enabled;
    }
}

using GpuQos.Advisor.Candidates;
using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Scoring;

/// <summary>
/// What moving from the current configuration to a candidate costs, 0 (nothing) .. 1 (a host driver change).
/// A MIG change needs an idle GPU; turning MIG on or off usually needs a GPU reset as well.
/// </summary>
public static class ReconfigurationCost
{
    public static (double Cost, string What) Of(GpuEvidence gpu, Candidate candidate)
    {
        var from = gpu.Mode;
        var to = candidate.Mode;
        if (from == SharingMode.Mig && to == SharingMode.Mig)
        {
            var now = gpu.CurrentGeometry.Select(p => p.Profile).Order(StringComparer.Ordinal);
            var then = candidate.MigProfiles.Order(StringComparer.Ordinal);
            return now.SequenceEqual(then, StringComparer.OrdinalIgnoreCase)
                ? (0, "none")
                : (0.5, "drain the GPU, destroy and recreate MIG instances");
        }

        if (from == SharingMode.Mps && to == SharingMode.Mps)
        {
            return (0.1, "set per-client thread and memory limits with nvidia-cuda-mps-control (new clients only)");
        }

        if (from == to)
        {
            return to == SharingMode.Vgpu && candidate.VgpuPolicy != gpu.VgpuPolicy
                ? (0.3, "change the vGPU scheduler policy while no VM runs")
                : (0, "none");
        }

        if (from == SharingMode.Mig || to == SharingMode.Mig)
        {
            return (0.8, "drain the GPU, toggle MIG mode (usually a GPU reset), recreate instances");
        }

        if (from == SharingMode.Vgpu || to == SharingMode.Vgpu)
        {
            return (1.0, "change the host between vGPU and bare metal (driver and hypervisor)");
        }

        return (0.2, "restart the device plugin or MPS daemon; tenants' pods restart");
    }
}

using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Advice;

/// <summary>
/// Fills demand that could not be measured per tenant (NVML charges MPS clients' work to the MPS server) with
/// an equal split of the GPU's measured utilization, and says so. Where the GPU's utilization is unknown too,
/// the demand stays unknown and the risk is not predicted.
/// </summary>
internal static class DemandEstimate
{
    public static GpuEvidence FillUnknown(GpuEvidence gpu, List<string> gaps, ref double confidence)
    {
        var unknown = gpu.Tenants.Where(t => t.Demand is null).ToArray();
        if (unknown.Length == 0)
        {
            return gpu;
        }

        var names = string.Join(", ", unknown.Select(t => t.Name));
        if (gpu.DeviceDemand is not { } device)
        {
            confidence -= 0.3;
            gaps.Add($"SM demand of {names} is unknown on GPU {gpu.Index} (not measurable in {gpu.Mode.Label()} mode, and no GPU utilization either): their risk is not predicted");
            return gpu;
        }

        var known = gpu.Tenants.Where(t => t.Demand is not null).ToArray();
        double Split(double deviceQuantile, Func<DemandStats, double> pick) =>
            Math.Max(0, deviceQuantile - known.Sum(t => pick(t.Demand!))) / unknown.Length;
        var share = new DemandStats(Split(device.P50, d => d.P50), Split(device.P95, d => d.P50), Split(device.P99, d => d.P50), Split(device.Max, d => d.P50), device.Samples);
        confidence -= 0.2;
        gaps.Add($"SM demand of {names} on GPU {gpu.Index} is estimated as an equal split of the GPU's utilization (per-client use is not measurable in {gpu.Mode.Label()} mode)");
        return gpu with { Tenants = [.. gpu.Tenants.Select(t => t.Demand is null ? t with { Demand = share } : t)] };
    }
}

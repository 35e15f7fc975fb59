using GpuQos.Advisor.Advice;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Output;

/// <summary>
/// A k8s-device-plugin configuration (<c>version: v1</c>, <c>sharing</c>) with time-slicing or MPS replicas for
/// the GPUs the advice shares that way, each entry naming its GPUs by index.
/// </summary>
public static class DevicePluginConfig
{
    /// <summary>The YAML, or null when no GPU on the host should be time-sliced or shared through MPS.</summary>
    public static string? Write(HostAdvice host)
    {
        List<object> Resources(SharingMode mode) => [.. host.Gpus
            .Where(g => g.Recommended is { } r && r.Candidate.Mode == mode && r.Candidate.Replicas is >= 2)
            .GroupBy(g => g.Recommended!.Candidate.Replicas!.Value)
            .OrderBy(g => g.Key)
            .Select(g => new Dictionary<string, object>
            {
                ["name"] = "nvidia.com/gpu",
                ["devices"] = g.Select(x => x.Gpu.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                ["replicas"] = g.Key,
            })];

        var sharing = new Dictionary<string, object>();
        if (Resources(SharingMode.TimeSliced) is { Count: > 0 } ts)
        {
            sharing["timeSlicing"] = new Dictionary<string, object> { ["resources"] = ts };
        }

        if (Resources(SharingMode.Mps) is { Count: > 0 } mps)
        {
            sharing["mps"] = new Dictionary<string, object> { ["resources"] = mps };
        }

        if (sharing.Count == 0)
        {
            return null;
        }

        return YamlText.Write(new Dictionary<string, object> { ["version"] = "v1", ["sharing"] = sharing }, $"""
            NVIDIA k8s-device-plugin sharing configuration advised by GpuQos for {host.Host}.
            The plugin's MPS mode splits threads and memory equally (100/replicas); the per-tenant MPS limits GpuQos
            advises are in gpuqos-suggestions.yaml.
            """);
    }
}

using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>The demo configuration with an <c>observability</c> section, in process or as a temporary file.</summary>
internal static class ObservabilityConfig
{
    /// <summary>The demo configuration's tenants and settings with <paramref name="observability"/>.</summary>
    public static GpuQosOptions Demo(ObservabilityOptions observability)
    {
        var demo = ConfigLoader.Resolve(null, demoHost: true).Options;
        return new GpuQosOptions { Settings = demo.Settings, Tenants = demo.Tenants, Attribution = demo.Attribution, Observability = observability };
    }

    /// <summary>Writes the demo configuration plus <paramref name="observabilityYaml"/> to a temporary file.</summary>
    public static string WriteDemoFile(string observabilityYaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gpuqos-observability-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, File.ReadAllText(RepoPaths.Combine("scenarios", "demo-config.yaml")) + "\nobservability:\n" + observabilityYaml);
        return path;
    }
}

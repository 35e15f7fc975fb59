using GpuQos.Daemon.Configuration;
using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Tests.Attribution;

public sealed class AttributionConfigTests
{
    [Fact]
    public void Check_BadAttributionAndTenants_NamesEveryField()
    {
        var errors = ConfigLoader.Check("""
            tenants:
              - name: a
                match:
                  - {}
            attribution:
              refresh: 10ms
              maxProcessSeriesPerGpu: 0
              procfsRoot: ""
              podResourcesTimeout: 0s
            """);

        Assert.Equal(
            ["attribution.maxProcessSeriesPerGpu", "attribution.podResourcesTimeout", "attribution.procfsRoot", "attribution.refresh", "tenants[0].match[0]"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DemoConfiguration_IsValidAndKeepsTheDefaults()
    {
        var options = YamlBinder.Load<GpuQosOptions>(ConfigLoader.DemoYaml(), "demo");

        Assert.Empty(ConfigLoader.Check(ConfigLoader.DemoYaml()));
        Assert.True(options.Attribution.Enabled);
        Assert.Contains(options.Tenants, t => t.Name == "research");
    }
}

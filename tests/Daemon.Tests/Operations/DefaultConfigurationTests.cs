using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Operations;

public sealed class DefaultConfigurationTests
{
    [Fact]
    public void DeployDefault_IsValidAndListensOnThePort()
    {
        var options = ConfigLoader.LoadFile(RepoPaths.Combine("deploy", "gpuqos.yaml"));

        Assert.Equal(SettingsDefaults.Listen, options.Settings.Listen);
        Assert.Null(options.Web.TokenFile);
        Assert.Empty(options.Web.BasicAuthUsers);
        Assert.Equal(WebOptionsDefaults.MaxRequestBodySize, options.Web.Limits.MaxRequestBodySize);
    }
}

using GpuQos.Daemon.Tests.Operations;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Fleet;

/// <summary><c>gpuqos report usage</c>'s arguments: every bad one named in one go, exit 2, before any query.</summary>
public sealed class ReportUsageCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task ReportUsage_BadArguments_ExitsTwoNamingEachOption()
    {
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(
            ["report", "usage", "--prometheus", "prometheus:9090", "--since", "a month", "--by", "pod", "--format", "xml", "--split", "10s", "--until", "yesterday"]);

        Assert.Equal(2, code);
        foreach (var expected in new[] { "--since 'a month'", "--by 'pod' is not one of tenant, namespace, gpu-model", "--format 'xml'", "--split '10s'", "--until 'yesterday'", "--prometheus 'prometheus:9090'" })
        {
            Assert.Contains(expected, stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReportUsage_PriceFileWithANegativePrice_ExitsTwoNamingTheModel()
    {
        var prices = _dir.Write("prices.yaml", "currency: EUR\nprices:\n  \"NVIDIA H100 80GB HBM3\": -1\n");

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["report", "usage", "--prometheus", "http://127.0.0.1:1", "--price", prices]);

        Assert.Equal(2, code);
        Assert.Contains("prices.NVIDIA H100 80GB HBM3", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportUsage_NothingListening_ExitsTwoNamingTheUrl()
    {
        var url = $"http://127.0.0.1:{DaemonProcess.FreePort()}";

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["report", "usage", "--prometheus", url, "--since", "2d"]);

        Assert.Equal(2, code);
        Assert.Contains(url, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportUsage_Help_TeachesTheCountersAndGivesExamples()
    {
        var (code, stdout, _) = await DaemonProcess.RunToEndAsync(["report", "usage", "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("gpuqos_tenant_sm_seconds_total", stdout, StringComparison.Ordinal);
        Assert.Contains("gpuqos report usage --prometheus http://prometheus:9090 --since 30d", stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}

using System.Text.Json;
using GpuQos.Daemon.Cli;
using GpuQos.Daemon.Tests.TestSupport;
using Spectre.Console.Testing;

namespace GpuQos.Daemon.Tests.Operations;

public sealed class StatusCommandTests
{
    [Fact]
    public async Task Status_DemoDaemon_PrintsGpusPartitionsAndTenantsTables()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);

        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["status", "--url", daemon.BaseUri.ToString()]);

        Assert.True(code == 0, stderr);
        foreach (var expected in new[] { "GPUs", "Partitions", "Tenants", "NVIDIA H100 80GB HBM3", "NVIDIA L40S", "3g.40gb", "vgpu-1", "2g.20gb", "mig", "vgpu", "time-sliced", "backend sim" })
        {
            Assert.Contains(expected, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StatusJson_DemoDaemon_PrintsTheStateDocument()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);

        var (code, stdout, _) = await DaemonProcess.RunToEndAsync(["status", "--json", "--url", daemon.BaseUri.ToString()]);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(5, doc.RootElement.GetProperty("gpus").GetArrayLength());
        Assert.Equal("sim", doc.RootElement.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Status_DaemonRequiringTheToken_WorksOnlyWithTokenFile()
    {
        using var dir = new TempDirectory();
        var token = dir.Write("token", "0123456789abcdef0123456789abcdef");
        var config = dir.Write("gpuqos.yaml", $"web:\n  tokenFile: {token}\n  readAuth: token\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);

        var (refused, _, refusedError) = await DaemonProcess.RunToEndAsync(["status", "--json", "--url", daemon.BaseUri.ToString()]);
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["status", "--json", "--url", daemon.BaseUri.ToString(), "--token-file", token]);

        Assert.Equal(2, refused);
        Assert.Contains("401", refusedError, StringComparison.Ordinal);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("sim", doc.RootElement.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Status_NoDaemon_ExitsTwoWithAClearError()
    {
        var url = $"http://127.0.0.1:{DaemonProcess.FreePort()}";

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["status", "--url", url]);

        Assert.Equal(2, code);
        Assert.Contains("cannot reach the daemon at " + url, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SlaAndActions_RendersEveryFieldOfTheFlatObjects()
    {
        using var state = JsonDocument.Parse("""
            {"backend":"sim","sequence":7,"gpus":[],"tenants":[],
             "sla":[{"policy":"search-latency","tenant":"search","state":"breached"},{"policy":"ads-floor","tenant":"ads","state":"ok","since":"2026-01-01T00:00:00Z"}]}
            """);
        using var actions = JsonDocument.Parse("""[{"id":1,"type":"throttle","target":"pid 4104","state":"applied"}]""");
        var console = new TestConsole { EmitAnsiSequences = false }.Width(200);

        StateTables.Write(console, new Uri("http://127.0.0.1:9450"), state.RootElement, actions.RootElement);

        foreach (var expected in new[] { "SLA states", "search-latency", "breached", "ads-floor", "since", "Recent actions", "throttle", "pid 4104", "applied" })
        {
            Assert.Contains(expected, console.Output, StringComparison.Ordinal);
        }
    }
}

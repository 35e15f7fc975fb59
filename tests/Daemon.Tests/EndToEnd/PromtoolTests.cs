using System.Diagnostics;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.EndToEnd;

/// <summary>promtool (Debian's prometheus package) lints what the daemon actually serves.</summary>
public sealed class PromtoolTests
{
    [Fact]
    public async Task CheckMetrics_LiveScrapeOfTheDemoHost_HasNoComplaints()
    {
        var promtool = ExternalTool.Require("promtool");
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        var exposition = await daemon.ScrapeAsync();

        var psi = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, "promtool check metrics complained:\n" + output);
        Assert.Contains("gpuqos_gpu_info", exposition, StringComparison.Ordinal);
    }
}

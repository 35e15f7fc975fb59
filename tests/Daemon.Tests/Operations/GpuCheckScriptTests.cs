using System.Diagnostics;
using System.Text.Json;
using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// <c>scripts/gpu-check.sh</c>, prepared for a GPU host this project does not have: shellcheck-clean, and a dry
/// run over the NVML stand-in that collects every piece of evidence and makes no control call.
/// </summary>
public sealed class GpuCheckScriptTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    private static readonly string Script = RepoPaths.Combine("scripts", "gpu-check.sh");

    [SkippableFact]
    public async Task Script_PassesShellcheck()
    {
        Skip.If(!File.Exists("/usr/bin/shellcheck"), "shellcheck is not installed (scripts/setup.sh installs it)");

        var (code, output) = await RunAsync("shellcheck", [Script], [], TimeSpan.FromSeconds(60));

        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Script_OverTheStandIn_CollectsEverythingAndChangesNothing()
    {
        using var dir = new TempDir();
        var evidence = Path.Combine(dir.Path, "evidence");
        var controlLog = Path.Combine(dir.Path, "controls.log");
        var environment = NvmlStubBuild.Environment(Path.GetFullPath(NvmlStubBuild.DemoFixture));
        environment["LD_LIBRARY_PATH"] = Path.GetFullPath(NvmlStubBuild.LibraryDirectory);
        environment["GPUQOS_NVML_STUB_LOG"] = controlLog;
        _ = stub;

        var (code, output) = await RunAsync(
            Script, ["--gpuqos", DaemonProcess.DllPath, "--out", evidence, "--duration", "6", "--port", DaemonProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)], environment, TimeSpan.FromMinutes(3));

        Assert.True(code == 0, output);
        var summary = await File.ReadAllTextAsync(Path.Combine(evidence, "summary.txt"));
        Assert.Contains("device: NVIDIA H100 80GB HBM3", summary, StringComparison.Ordinal);
        foreach (var step in new[] { "gpuqos doctor --json | 0", "daemon ready | 0", "/metrics | 0", "/api/v1/state | 0", "daemon stop (SIGTERM) | 0" })
        {
            Assert.Contains(step, summary, StringComparison.Ordinal);
        }

        Assert.Contains("gpuqos audit | - | skipped: libcuda.so.1", summary, StringComparison.Ordinal);
        using var doctor = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(evidence, "doctor.json")));
        Assert.Equal("580.82.07", doctor.RootElement.GetProperty("driverVersion").GetString());
        Assert.Contains("gpuqos_capability{gpu=\"0\",feature=\"nvmlDeviceGetMemoryInfo_v2\"} 1", await File.ReadAllTextAsync(Path.Combine(evidence, "metrics.txt")), StringComparison.Ordinal);
        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(evidence, "state.json")));
        Assert.Equal(5, state.RootElement.GetProperty("gpus").GetArrayLength());
        Assert.Contains("mode: dry-run", await File.ReadAllTextAsync(Path.Combine(evidence, "daemon-config.yaml")), StringComparison.Ordinal);

        // The stand-in logs every control call, successful or not: none was made.
        Assert.False(File.Exists(controlLog) && new FileInfo(controlLog).Length > 0, File.Exists(controlLog) ? await File.ReadAllTextAsync(controlLog) : "");
    }

    [Fact]
    public async Task Script_BadArgument_Exits2WithUsage()
    {
        var (code, output) = await RunAsync(Script, ["--duration", "soon"], [], TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains("--duration must be whole seconds", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Diagnostics;
using System.Net;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// The Native AOT <c>gpuqos</c> and the self-contained single-file <c>gpuqos-probe</c> for linux-x64, and the install
/// script that places them.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PackagingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Publish_GivesTwoSelfContainedExecutables_GpuqosAndGpuqosProbe()
    {
        var binary = await PublishedBinary.PathAsync();
        var probe = await PublishedBinary.ProbePathAsync();

        // Beside them only symbols and docs: gpuqos.dbg (the native symbols stripped from the executable), .pdb, .xml.
        var others = Directory.GetFiles(Path.GetDirectoryName(binary)!).Select(Path.GetFileName)
            .Where(f => f is not "gpuqos" and not "gpuqos-probe" and not "gpuqos.dbg" && !f!.EndsWith(".pdb", StringComparison.Ordinal) && !f.EndsWith(".xml", StringComparison.Ordinal));
        Assert.Empty(others);
        Assert.True((File.GetUnixFileMode(binary) & UnixFileMode.UserExecute) != 0);
        Assert.True((File.GetUnixFileMode(probe) & UnixFileMode.UserExecute) != 0);

        // Both run with no .NET on PATH: each carries its own runtime.
        var noDotnet = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["DOTNET_ROOT"] = "/nonexistent" };
        var (code, stdout, stderr) = await RunAsync(binary, ["--version"], noDotnet);
        Assert.True(code == 0, stderr);
        var (probeCode, probeVersion, probeStderr) = await RunAsync(probe, ["--version"], noDotnet);
        Assert.True(probeCode == 0, probeStderr);

        // Built from git like the test build (the commit may differ when one was made between build and test).
        var (_, expected, _) = await DaemonProcess.RunToEndAsync(["--version"]);
        Assert.Equal(expected.Trim().Split('+')[0], stdout.Trim().Split('+')[0]);
        Assert.Matches("^[^+]+\\+[0-9a-f]{40}$", stdout.Trim());
        Assert.Equal(stdout.Trim(), probeVersion.Trim());
    }

    [Fact]
    public async Task Published_OnlyTheProbeBundlesIlgpu()
    {
        // A single-file bundle names the assemblies it carries: gpuqos must carry no ILGPU, gpuqos-probe must.
        var ilgpu = "ILGPU.dll"u8.ToArray();

        var inGpuqos = (await File.ReadAllBytesAsync(await PublishedBinary.PathAsync())).AsSpan().IndexOf(ilgpu);
        var inProbe = (await File.ReadAllBytesAsync(await PublishedBinary.ProbePathAsync())).AsSpan().IndexOf(ilgpu);

        Assert.Equal(-1, inGpuqos);
        Assert.True(inProbe >= 0, "gpuqos-probe carries no ILGPU.dll");
    }

    [Fact]
    public async Task PublishedProbe_Preflight_RunsAKernelOnTheCpuAccelerator()
    {
        var probe = await PublishedBinary.ProbePathAsync();

        var (code, stdout, stderr) = await RunAsync(probe, ["--preflight", "--accelerator", "cpu"], timeout: TimeSpan.FromMinutes(2));

        Assert.True(code == 0, stdout + stderr);
        var readiness = GpuQos.IsolationProbes.Worker.WorkerProtocol.TryReadReadiness(stdout.Trim());
        Assert.NotNull(readiness);
        Assert.True(readiness.Ready, readiness.Detail);
        Assert.Contains("a test kernel compiled and ran", readiness.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Published_RunBackendSim_ServesMetrics()
    {
        var binary = await PublishedBinary.PathAsync();
        var port = DaemonProcess.FreePort();
        var psi = Start(binary, ["run", "--backend", "sim", "--listen", $"127.0.0.1:{port}"]);
        using var daemon = Process.Start(psi)!;
        var output = CollectOutput(daemon);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (!await ReadyAsync(http))
            {
                Assert.False(daemon.HasExited, "the published binary exited: " + output);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the published binary never became ready: " + output);
                await Task.Delay(200);
            }

            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("gpuqos_build_info{", metrics, StringComparison.Ordinal);
            Assert.Contains("gpuqos_gpu_", metrics, StringComparison.Ordinal);
            DaemonProcess.Signal(daemon.Id, "TERM");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await daemon.WaitForExitAsync(cts.Token);
            Assert.Equal(0, daemon.ExitCode);
        }
        finally
        {
            if (!daemon.HasExited)
            {
                daemon.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Published_AuditOnCpuAccelerator_RunsTheIlgpuProbes()
    {
        // The Native AOT gpuqos cannot run ILGPU, which compiles kernels at run time: it starts the JIT executable
        // gpuqos-probe published beside it.
        var binary = await PublishedBinary.PathAsync();
        Assert.True(File.Exists(await PublishedBinary.ProbePathAsync()));

        // One probe, few repetitions: enough to prove ILGPU compiles and runs kernels from the bundle.
        var reports = Path.Combine(_dir.Path, "audit");
        var (code, stdout, stderr) = await RunAsync(binary, ["audit", "--backend", "sim", "--accelerator", "cpu", "--probe", "compute", "--repetitions", "5", "--out", reports], timeout: TimeSpan.FromMinutes(5));

        // 0: every probe passed, 1: isolation violated (likely on a small shared CPU); both mean the kernels ran. 2 is an error.
        Assert.True(code is 0 or 1, $"exit {code}\n{stdout}\n{stderr}");
        Assert.True(File.Exists(Path.Combine(reports, "report.json")), stdout + stderr);

        // The workers were the published gpuqos-probe beside gpuqos: none of the results is an error.
        Assert.DoesNotContain("\"verdict\": \"error\"", await File.ReadAllTextAsync(Path.Combine(reports, "report.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallScript_StagedIntoDestdir_PlacesBinaryUnitConfigAndStateDirectory()
    {
        var binary = await PublishedBinary.PathAsync();
        var env = new Dictionary<string, string> { ["DESTDIR"] = _dir.Path, ["GPUQOS_BINARY"] = binary };

        var (code, stdout, stderr) = await RunAsync(RepoPaths.Combine("deploy", "install.sh"), [], env);

        Assert.True(code == 0, stdout + stderr);
        AssertMode("usr/local/bin/gpuqos", "0755");
        AssertMode("usr/local/bin/gpuqos-probe", "0755");
        var (probeCode, probeVersion, _) = await RunAsync(Path.Combine(_dir.Path, "usr/local/bin/gpuqos-probe"), ["--version"]);
        Assert.Equal(0, probeCode);
        Assert.Contains("gpuqos-probe " + probeVersion.Trim(), stdout, StringComparison.Ordinal);
        AssertMode("etc/systemd/system/gpuqos.service", "0644");
        AssertMode("etc/gpuqos/gpuqos.yaml", "0644");
        AssertMode("var/lib/gpuqos", "0750");
        Assert.Equal(File.ReadAllText(RepoPaths.Combine("deploy", "gpuqos.yaml")), File.ReadAllText(Path.Combine(_dir.Path, "etc/gpuqos/gpuqos.yaml")));

        // An upgrade keeps the operator's configuration and puts the new default beside it.
        File.AppendAllText(Path.Combine(_dir.Path, "etc/gpuqos/gpuqos.yaml"), "# edited by the operator\n");
        (code, stdout, stderr) = await RunAsync(RepoPaths.Combine("deploy", "install.sh"), [], env);
        Assert.True(code == 0, stdout + stderr);
        Assert.EndsWith("# edited by the operator\n", File.ReadAllText(Path.Combine(_dir.Path, "etc/gpuqos/gpuqos.yaml")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "etc/gpuqos/gpuqos.yaml.default")));
    }

    public void Dispose() => _dir.Dispose();

    private void AssertMode(string relative, string octal) =>
        Assert.Equal(octal, Hosting.FileModes.Octal(File.GetUnixFileMode(Path.Combine(_dir.Path, relative))));

    private ProcessStartInfo Start(string file, IEnumerable<string> args, Dictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_dir.Path, ".bundle");
        foreach (var (k, v) in env ?? [])
        {
            psi.Environment[k] = v;
        }

        return psi;
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, Dictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(Start(file, args, env))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static System.Text.StringBuilder CollectOutput(Process process)
    {
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/readyz");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}

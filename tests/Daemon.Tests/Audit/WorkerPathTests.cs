using System.Net;
using System.Text.Json;
using GpuQos.Daemon.Tests.TestSupport;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>
/// <c>audit.workerPath</c>: the daemon and the CLI start gpuqos-probe from the configured file, and a file that is
/// not there is an error naming the setting, before any audit starts.
/// </summary>
[Collection(CpuTimingCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WorkerPathTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuqos-worker-path-");

    [Fact]
    public async Task Audit_WorkerPathMissing_ExitsTwoNamingTheSetting()
    {
        var missing = Path.Combine(_dir.FullName, "opt", "gpuqos-probe");
        var config = await ConfigAsync($"audit:\n  workerPath: {missing}\n");

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(
            ["audit", "--config", config, "--backend", "sim", "--accelerator", "cpu", "--probe", "capacity", "--out", Path.Combine(_dir.FullName, "out")]);

        Assert.Equal(2, code);
        Assert.Contains($"audit.workerPath (line 2): '{missing}' does not exist", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "out", "report.json")));
    }

    [Fact]
    public async Task Doctor_WorkerPathNotExecutable_ReportsTheSetting()
    {
        var worker = Path.Combine(_dir.FullName, "gpuqos-probe");
        await File.WriteAllTextAsync(worker, "#!/bin/sh\n");
        File.SetUnixFileMode(worker, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = await ConfigAsync($"audit:\n  workerPath: {worker}\n");

        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["doctor", "--config", config, "--backend", "sim"]);

        Assert.NotEqual(0, code);
        Assert.Contains($"audit.workerPath (line 2): '{worker}' is not executable", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_ConfiguredWorkerPath_StartsEveryWorkerFromIt()
    {
        // A wrapper at the configured path records each start, then runs the real worker. Workers run as nobody
        // (the tests run as root), so the wrapper, its log and their directory are open to every user; the
        // configuration stays in a directory only root may write, as the daemon insists.
        var open = Directory.CreateDirectory(Path.Combine(_dir.FullName, "worker")).FullName;
        var log = Path.Combine(open, "starts.log");
        var wrapper = Path.Combine(open, "probe-wrapper");
        await File.WriteAllTextAsync(log, "");
        await File.WriteAllTextAsync(wrapper, $"""
            #!/bin/sh
            echo "$*" >> '{log}'
            exec '{ProbeWorkers.Launch.FileName}' '{ProbeWorkers.DllPath}' "$@"
            """ + "\n");
        File.SetUnixFileMode(_dir.FullName, (UnixFileMode)0x1ED);
        File.SetUnixFileMode(open, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(log, (UnixFileMode)0x1B6);
        File.SetUnixFileMode(wrapper, (UnixFileMode)0x1ED);
        var config = await ConfigAsync($"""
            audit:
              enabled: true
              interval: 10s
              accelerator: cpu
              probes: [capacity]
              cpuPartitions:
                - {"{"} name: first, cores: [0], memoryLimit: 64MiB {"}"}
              workerPath: {wrapper}
            """);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);

        string? report = null;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (report is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var response = await daemon.Http.GetAsync(new Uri("/api/v1/audits/latest", UriKind.Relative));
            report = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }

        output.WriteLine(daemon.Output);
        Assert.NotNull(report);
        var result = Assert.Single(JsonDocument.Parse(report).RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("capacity", result.GetProperty("probe").GetString());
        Assert.True(result.GetProperty("verdict").GetString() != "error", result.GetProperty("summary").GetString());
        var starts = await File.ReadAllLinesAsync(log);
        output.WriteLine(string.Join('\n', starts));
        Assert.Contains(starts, s => s.Contains("--accelerator cpu", StringComparison.Ordinal) && s.Contains("--preflight", StringComparison.Ordinal));
        Assert.Contains(starts, s => s.Contains("--cores 0", StringComparison.Ordinal) && !s.Contains("--preflight", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<string> ConfigAsync(string yaml)
    {
        var path = Path.Combine(_dir.FullName, "gpuqos.yaml");
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }
}

using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>Runs <c>gpuqos audit --backend sim --accelerator cpu</c> once for the tests that read its reports.</summary>
public sealed class AuditRunFixture : IAsyncLifetime
{
    public string OutDir { get; } = Path.Combine(Path.GetTempPath(), "gpuqos-audit-test-" + Guid.NewGuid().ToString("N"));

    public int ExitCode { get; private set; }

    public string Output { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(
            ["audit", "--backend", "sim", "--accelerator", "cpu", "--out", OutDir, "--repetitions", "6"], timeout: TimeSpan.FromMinutes(5));
        ExitCode = code;
        Output = stdout + stderr;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(OutDir))
        {
            Directory.Delete(OutDir, recursive: true);
        }

        return Task.CompletedTask;
    }
}

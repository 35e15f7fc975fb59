using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Hosting;
using GpuQos.Model.Backends;

namespace GpuQos.Daemon.Doctor;

/// <summary>
/// Runs <c>gpuqos doctor</c>'s checks once as the daemon starts, logs the summary and keeps the report for
/// <c>gpuqos_capability</c>. Off the start path: a GPU read that never returns (a hung GPU) must not keep the
/// daemon from starting or stopping. The probe preflight runs only when scheduled audits are on (it starts a
/// worker process). A failing checkup is logged and costs only itself.
/// </summary>
internal sealed partial class DoctorService(RunRequest request, IGpuBackend backend, BackendErrorCounter errors, ILogger<DoctorService> logger) : BackgroundService
{
    /// <summary>The report from the start, or null before it or when the checkup failed.</summary>
    public DoctorReport? Latest { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var checkup = Task.Run(() => CheckAsync(stoppingToken), CancellationToken.None);

        // A stop does not wait for a checkup stuck in a driver call; the backend's disposal ends that call.
        await Task.WhenAny(checkup, Task.Delay(Timeout.Infinite, stoppingToken));
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var options = request.Options;
        try
        {
            var report = await HostCheckup.RunAsync(
                new CheckupRequest(options, request.ProcfsRoot ?? options.Attribution.ProcfsRoot, Probe: options.Audit.Enabled, errors), backend, null, cancellationToken);
            Latest = report;
            var failed = report.Checks.Count(c => c.Status == DoctorStatus.Failed);
            var warnings = report.Checks.Count(c => c.Status == DoctorStatus.Warning);
            LogSummary(report.Backend, report.Simulated ? "simulated host" : $"driver {report.DriverVersion}, NVML {report.NvmlVersion}, CUDA {report.CudaDriverVersion}",
                report.Checks.Count, warnings, failed, report.Healthy ? "everything the configuration asks for can work" : $"{report.Problems.Count} thing(s) it asks for cannot work");
            foreach (var p in report.Problems)
            {
                LogProblem(p.Where, p.Feature, p.Result, p.Detail);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Doctor: {Backend} backend, {Versions}; {Checks} checks, {Warnings} warning(s), {Failed} failed: {Verdict} (gpuqos doctor for the table)")]
    private partial void LogSummary(string backend, string versions, int checks, int warnings, int failed, string verdict);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Doctor: {Where} {Feature} cannot work ({Result}): {Detail}")]
    private partial void LogProblem(string where, string feature, string result, string detail);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Doctor: the start-up checkup failed; the daemon runs on")]
    private partial void LogFailed(Exception ex);
}

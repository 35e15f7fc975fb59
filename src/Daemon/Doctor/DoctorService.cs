using GpuQos.Collectors.Backends;
using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Doctor;

/// <summary>
/// Runs <c>gpuqos doctor</c>'s checks once as the daemon starts, before the first collection cycle, logs the
/// summary and keeps the report for <c>gpuqos_capability</c>. The probe preflight runs only when scheduled
/// audits are on (it starts a worker process). A failing checkup is logged and costs only itself.
/// </summary>
internal sealed partial class DoctorService(RunRequest request, IGpuBackend backend, ILogger<DoctorService> logger) : IHostedService
{
    /// <summary>The report from the start, or null before it or when the checkup failed.</summary>
    public DoctorReport? Latest { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = request.Options;
        try
        {
            var report = await HostCheckup.RunAsync(
                new CheckupRequest(options, request.ProcfsRoot ?? options.Attribution.ProcfsRoot, Probe: options.Audit.Enabled), backend, null, cancellationToken);
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

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Doctor: {Backend} backend, {Versions}; {Checks} checks, {Warnings} warning(s), {Failed} failed: {Verdict} (gpuqos doctor for the table)")]
    private partial void LogSummary(string backend, string versions, int checks, int warnings, int failed, string verdict);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Doctor: {Where} {Feature} cannot work ({Result}): {Detail}")]
    private partial void LogProblem(string where, string feature, string result, string detail);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Doctor: the start-up checkup failed; the daemon runs on")]
    private partial void LogFailed(Exception ex);
}

using System.CommandLine;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Reports;
using GpuQos.IsolationProbes.Worker;
using GpuQos.Model.Backends;
using GpuQos.Model.Configuration;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary><c>gpuqos audit</c>: runs the isolation audit once and writes report.json, junit.xml and report.html.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var backend = CommonOptions.Backend();
        var scenario = CommonOptions.Scenario();
        var accelerator = new Option<string?>("--accelerator")
        {
            Description = "Where the probe kernels run: 'cuda' (GPU partitions), 'cpu' (ILGPU's CPU accelerator; partitions are sets of cores), or 'auto' (CUDA when the driver loads, else the CPU, and the report says so). Default: audit.accelerator, else auto.",
            HelpName = "cpu|cuda|auto",
        }.AcceptOnlyFromAmong("cpu", "cuda", "auto");
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Directory for report.json, junit.xml and report.html (created if missing).",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo("gpuqos-audit"),
        };
        var probes = new Option<string[]>("--probe", "-p")
        {
            Description = $"Probes to run (repeatable): {string.Join(", ", Enum.GetNames<ProbeKind>().Select(YamlBinder.Kebab))}. Default: audit.probes, else all.",
            HelpName = "PROBE",
            AllowMultipleArgumentsPerToken = true,
        };
        var repetitions = new Option<int?>("--repetitions", "-n") { Description = "Timed runs per condition (at least 5). Default: audit.repetitions, else 15." };
        var command = new Command("audit", """
            Run the isolation audit once: start probe workers in each pair of partitions, time a victim kernel
            alone and beside an aggressor, and look for leftover memory, corruption and covert channels.
            Writes report.json, junit.xml and report.html. Exit code: 0 every probe passed, 1 isolation was
            violated, 2 error.

            Try it without a GPU:   gpuqos audit --backend sim --accelerator cpu --out audit
            """)
        {
            config, backend, scenario, accelerator, output, probes, repetitions,
        };
        command.SetAction(async (parse, ct) => await RunAsync(
            new AuditRequest(parse.GetValue(config), CommonOptions.ParseBackend(parse.GetValue(backend)), parse.GetValue(scenario),
                ParseAccelerator(parse.GetValue(accelerator)), parse.GetValue(output)!, parse.GetValue(probes) ?? [], parse.GetValue(repetitions)),
            ct));
        return command;
    }

    public static AcceleratorChoice? ParseAccelerator(string? value) => value switch
    {
        "cpu" => AcceleratorChoice.Cpu,
        "cuda" => AcceleratorChoice.Cuda,
        "auto" => AcceleratorChoice.Auto,
        _ => null,
    };

    private static async Task<int> RunAsync(AuditRequest request, CancellationToken ct)
    {
        var stderr = Console.Error;
        GpuQosOptions options;
        try
        {
            (options, _) = ConfigLoader.Resolve(request.Config?.FullName, request.Backend == BackendKind.Sim && request.Scenario is null);
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"gpuqos: the configuration is invalid.{Environment.NewLine}{ex.Message}");
            return ExitCodes.Error;
        }

        var selected = new List<ProbeKind>();
        foreach (var name in request.Probes.SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var match = Enum.GetValues<ProbeKind>().Where(k => YamlBinder.Kebab(k.ToString()) == name).ToList();
            if (match.Count == 0)
            {
                await stderr.WriteLineAsync($"gpuqos: --probe: '{name}' is not one of {string.Join(", ", Enum.GetNames<ProbeKind>().Select(YamlBinder.Kebab))}");
                return ExitCodes.Error;
            }

            selected.Add(match[0]);
        }

        if (request.Repetitions is < 5 or > 1000)
        {
            await stderr.WriteLineAsync($"gpuqos: --repetitions: must be between 5 and 1000 (was {request.Repetitions})");
            return ExitCodes.Error;
        }

        var audit = options.Audit.With(request.Accelerator, selected.Count > 0 ? selected : null, request.Repetitions);
        IGpuBackend backend;
        try
        {
            backend = BackendFactory.Create(request.Backend ?? options.Settings.Backend, request.Scenario?.FullName ?? options.Settings.Scenario, TimeProvider.System, options.Attribution.ProcfsRoot);
        }
        catch (Exception ex) when (ex is BackendUnavailableException or ConfigException or IOException)
        {
            await stderr.WriteLineAsync("gpuqos: " + ex.Message);
            return ExitCodes.Error;
        }

        using (backend)
        {
            AuditPlan plan;
            try
            {
                plan = AuditPlanner.Plan(audit, backend, audit.Accelerator);
            }
            catch (AuditPlanException ex)
            {
                await stderr.WriteLineAsync("gpuqos: cannot run the audit: " + ex.Message);
                return ExitCodes.Error;
            }

            foreach (var note in plan.Notes)
            {
                await stderr.WriteLineAsync("gpuqos: note: " + note);
            }

            if (WorkerLaunch.Unusable(audit.WorkerPath) is { } unusable)
            {
                await stderr.WriteLineAsync("gpuqos: cannot run the audit: " + unusable);
                return ExitCodes.Error;
            }

            // Checked before the audit runs, so that an unusable --out costs seconds, not the whole audit.
            ReportDirectory output;
            try
            {
                output = ReportDirectory.Open(request.Out.FullName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"gpuqos: --out {request.Out.FullName}: {ex.Message}");
                return ExitCodes.Error;
            }

            AuditReport report;
            try
            {
                report = await RunWithProgressAsync(new AuditCoordinator(plan, WorkerLaunch.Resolve(audit.WorkerPath), TimeProvider.System), ct);
            }
            catch (AuditPlanException ex)
            {
                // The preflight: a device the probes cannot run on ends the audit before any worker is placed.
                await stderr.WriteLineAsync("gpuqos: cannot run the audit: " + ex.Message);
                return ExitCodes.Error;
            }

            output.Write(ReportJson.FileName, ReportJson.Serialize(report));
            output.Write(JUnitReport.FileName, JUnitReport.Render(report));
            var html = output.Write(HtmlReport.FileName, HtmlReport.Render(report));
            foreach (var r in report.Results.Where(r => !r.Passed))
            {
                await Console.Out.WriteLineAsync($"{r.Verdict.ToUpperInvariant()}  {r.Probe}  {r.Summary}");
            }

            await Console.Out.WriteLineAsync($"audit {report.Outcome}: {report.Results.Count(r => r.Passed)}/{report.Results.Count} passed in {report.DurationSeconds:0.#} s; reports in {request.Out.FullName} (open {Path.GetFileName(html)})");
            return report.Outcome switch
            {
                "passed" => ExitCodes.Ok,
                "violated" => ExitCodes.Failed,
                _ => ExitCodes.Error,
            };
        }
    }

    private static async Task<AuditReport> RunWithProgressAsync(AuditCoordinator coordinator, CancellationToken ct)
    {
        AuditReport? report = null;
        await AnsiConsole.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("isolation audit");
                var progress = new SynchronousProgress<AuditStep>(step =>
                {
                    task.MaxValue = Math.Max(1, step.Total);
                    task.Value = step.Completed;
                    task.Description = Markup.Escape(step.Description);
                });
                report = await coordinator.RunAsync(progress, ct);
                task.Value = task.MaxValue;
            });
        return report!;
    }

    private sealed record AuditRequest(FileInfo? Config, BackendKind? Backend, FileInfo? Scenario, AcceleratorChoice? Accelerator, DirectoryInfo Out, string[] Probes, int? Repetitions);

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

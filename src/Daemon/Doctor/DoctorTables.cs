using Spectre.Console;

namespace GpuQos.Daemon.Doctor;

/// <summary>Renders a <see cref="DoctorReport"/> as tables: the GPUs, every check, and what cannot work.</summary>
internal static class DoctorTables
{
    public static void Write(IAnsiConsole console, DoctorReport report)
    {
        var header = report.Simulated
            ? $"[bold]gpuqos doctor[/]: backend [bold]{report.Backend}[/] — [yellow]a simulated host[/]: GPU readings and controls are the simulator's, not a driver's"
            : $"[bold]gpuqos doctor[/]: backend [bold]{Markup.Escape(report.Backend)}[/], driver {Markup.Escape(report.DriverVersion)}, NVML {Markup.Escape(report.NvmlVersion)}, CUDA {Markup.Escape(report.CudaDriverVersion)}";
        console.MarkupLine(header);

        var gpus = new Table().Title("GPUs").AddColumns("GPU", "Name", "UUID", "Mode", "Compute capability");
        foreach (var g in report.Gpus)
        {
            gpus.AddRow(g.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(g.Name), Markup.Escape(g.Uuid), Markup.Escape(g.Mode), Markup.Escape(g.ComputeCapability));
        }

        console.Write(gpus);
        var checks = new Table().Title("Checks").AddColumns("Where", "Feature", "Result", "Needed", "Detail");
        foreach (var c in report.Checks)
        {
            checks.AddRow(c.Where, Markup.Escape(c.Feature), Result(c), c.Required ? "yes" : "no", Markup.Escape(c.Detail));
        }

        console.Write(checks);
        if (report.Healthy)
        {
            console.MarkupLine("[green]everything the configuration asks for can work[/]");
            return;
        }

        console.MarkupLine($"[red]{report.Problems.Count} thing(s) the configuration asks for cannot work:[/]");
        foreach (var p in report.Problems)
        {
            console.MarkupLine($"  [red]{p.Where} {Markup.Escape(p.Feature)}[/]: {Markup.Escape(p.Result)}: {Markup.Escape(p.Detail)}");
        }
    }

    private static string Result(DoctorCheck check) => check.Status switch
    {
        DoctorStatus.Ok => "[green]" + Markup.Escape(check.Result) + "[/]",
        DoctorStatus.Warning => "[yellow]" + Markup.Escape(check.Result) + "[/]",
        _ => "[red]" + Markup.Escape(check.Result) + "[/]",
    };
}

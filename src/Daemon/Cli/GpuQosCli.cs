using System.CommandLine;

namespace GpuQos.Daemon.Cli;

/// <summary>The <c>gpuqos</c> command line.</summary>
public static class GpuQosCli
{
    /// <summary>Builds the root command with every verb.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            GpuQos: per-host monitoring, SLA enforcement and isolation auditing for NVIDIA GPUs shared between tenants
            (time-slicing, MPS, MIG and vGPU).

            Start here, no GPU needed:  gpuqos run --backend sim   then   curl -s localhost:9450/metrics
            """)
        {
            RunCommand.Create(),
            ValidateCommand.Create(),
            StatusCommand.Create(),
            AdviseCommand.Create(),
            ReportCommand.Create(),
            AuditCommand.Create(),
            DoctorCommand.Create(),
        };
        return root;
    }

    /// <summary>Parses and runs.</summary>
    public static Task<int> InvokeAsync(string[] args) => Build().Parse(args).InvokeAsync();
}

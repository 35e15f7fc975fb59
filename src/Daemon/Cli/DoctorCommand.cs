using GpuQos.Daemon.Http.Api;
using System.CommandLine;
using System.Text.Json;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Doctor;
using GpuQos.Daemon.Hosting;
using GpuQos.Model.Backends;
using GpuQos.Model.Configuration;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary><c>gpuqos doctor</c>: what works on this host for what the configuration asks, changing nothing.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var backend = CommonOptions.Backend();
        var scenario = CommonOptions.Scenario();
        var json = new Option<bool>("--json") { Description = "Print the report as JSON for scripts." };
        var procfsRoot = new Option<DirectoryInfo?>("--procfs-root")
        {
            Description = "Where the host's procfs is mounted, as for gpuqos run. Default: attribution.procfsRoot, else /proc.",
            HelpName = "DIR",
        };
        var noProbe = new Option<bool>("--no-probe") { Description = "Skip the probe preflight (it starts one short-lived probe worker per device)." };
        var command = new Command("doctor", """
            Check this host for what the configuration asks of it, changing nothing: per GPU the driver, NVML and
            CUDA versions, compute capability, sharing mode, every reading the daemon takes (called once) and every
            control the policies could use (privilege and current value); per host the PID namespace, cgroups and
            freezer, the kubelet socket, the journal directory and whether the isolation probes can run.
            Exit code: 0 everything the configuration asks for can work, 1 something cannot (each is named),
            2 error.

            Try it without a GPU:   gpuqos doctor --backend sim
            """)
        {
            config, backend, scenario, json, procfsRoot, noProbe,
        };
        command.SetAction(async (parse, ct) => await RunAsync(
            parse.GetValue(config), CommonOptions.ParseBackend(parse.GetValue(backend)), parse.GetValue(scenario), parse.GetValue(json), parse.GetValue(procfsRoot), !parse.GetValue(noProbe), ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo? configFile, BackendKind? backendOverride, FileInfo? scenarioFile, bool json, DirectoryInfo? procfsRoot, bool probe, CancellationToken ct)
    {
        var stderr = Console.Error;
        GpuQosOptions options;
        try
        {
            (options, _) = ConfigLoader.Resolve(configFile?.FullName, backendOverride == BackendKind.Sim && scenarioFile is null);
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"gpuqos: the configuration is invalid.{Environment.NewLine}{ex.Message}");
            return ExitCodes.Error;
        }

        if (procfsRoot is { Exists: false })
        {
            await stderr.WriteLineAsync($"gpuqos: --procfs-root: '{procfsRoot.FullName}' is not a directory");
            return ExitCodes.Error;
        }

        var root = procfsRoot?.FullName ?? options.Attribution.ProcfsRoot;
        IGpuBackend backend;
        try
        {
            backend = BackendFactory.Create(backendOverride ?? options.Settings.Backend, scenarioFile?.FullName ?? options.Settings.Scenario, TimeProvider.System, root);
        }
        catch (Exception ex) when (ex is BackendUnavailableException or ConfigException or IOException)
        {
            await stderr.WriteLineAsync("gpuqos: " + ex.Message);
            return ExitCodes.Error;
        }

        DoctorReport report;
        using (backend)
        {
            report = await HostCheckup.RunAsync(new CheckupRequest(options, root, probe), backend, null, ct);
        }

        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, ApiJsonContext.Api.DoctorReport));
        }
        else
        {
            var console = AnsiConsole.Console;
            if (Console.IsOutputRedirected)
            {
                console.Profile.Width = 200;
            }

            DoctorTables.Write(console, report);
        }

        return report.Healthy ? ExitCodes.Ok : ExitCodes.Failed;
    }
}

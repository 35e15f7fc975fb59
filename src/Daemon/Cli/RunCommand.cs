using System.CommandLine;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using GpuQos.Model.Backends;
using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Cli;

/// <summary><c>gpuqos run</c>: the daemon.</summary>
internal static partial class RunCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var backend = CommonOptions.Backend();
        var scenario = CommonOptions.Scenario();
        var listen = new Option<string?>("--listen", "-l")
        {
            Description = $"Address and port for /metrics and the API. Default: settings.listen, else {SettingsDefaults.Listen}.",
            HelpName = "ADDRESS:PORT",
        };
        var procfsRoot = new Option<DirectoryInfo?>("--procfs-root")
        {
            Description = "Where the host's procfs is mounted, for reading processes' names, cgroups and users (as node_exporter's --path.procfs). Default: attribution.procfsRoot, else /proc.",
            HelpName = "DIR",
        };
        var command = new Command("run", """
            Run the daemon: collect GPU, partition, process and tenant metrics every interval, serve them on
            /metrics for Prometheus, and serve /healthz, /readyz and /api/v1/state.

            Try it without a GPU:   gpuqos run --backend sim
            On a GPU host:          gpuqos run --config /etc/gpuqos/gpuqos.yaml
            """)
        {
            config, backend, scenario, listen, procfsRoot,
        };
        command.SetAction(async (parse, ct) =>
            await RunAsync(parse.GetValue(config), CommonOptions.ParseBackend(parse.GetValue(backend)), parse.GetValue(scenario), parse.GetValue(listen), parse.GetValue(procfsRoot), ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo? configFile, BackendKind? backendOverride, FileInfo? scenarioFile, string? listenOverride, DirectoryInfo? procfsRoot, CancellationToken ct)
    {
        var stderr = Console.Error;
        GpuQosOptions options;
        string source;
        try
        {
            var demoHost = backendOverride == BackendKind.Sim && scenarioFile is null;
            (options, source) = ConfigLoader.Resolve(configFile?.FullName, demoHost);
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"gpuqos: refusing to start: the configuration is invalid.{Environment.NewLine}{ex.Message}");
            return ExitCodes.Error;
        }

        var backendKind = backendOverride ?? options.Settings.Backend;
        var scenario = scenarioFile?.FullName ?? options.Settings.Scenario;
        var listen = listenOverride ?? options.Settings.Listen;
        if (!SettingsDefaults.TryParseListen(listen, out _))
        {
            await stderr.WriteLineAsync($"gpuqos: --listen: '{listen}' is not ADDRESS:PORT (e.g. 0.0.0.0:9450 or 127.0.0.1:9450)");
            return ExitCodes.Error;
        }

        if (procfsRoot is { Exists: false })
        {
            await stderr.WriteLineAsync($"gpuqos: --procfs-root: '{procfsRoot.FullName}' is not a directory");
            return ExitCodes.Error;
        }

        // A configuration anyone could write names the journal replayed next: refused before anything is replayed.
        if (TrustedPath.FirstProblem(TrustedPath.OfConfiguration(source)) is { } unsafeConfig)
        {
            await stderr.WriteLineAsync("gpuqos: refusing to start: " + unsafeConfig);
            return ExitCodes.Error;
        }

        // Before the backend and the host, which take seconds: a process a crashed run left stopped runs again now.
        await ResumeCrashedRunAsync(options.Enforcement, backendKind == BackendKind.Sim);
        using var fileSizeLimit = SurviveFileSizeLimit();

        IGpuBackend backend;
        try
        {
            backend = BackendFactory.Create(backendKind, scenario, TimeProvider.System, procfsRoot?.FullName ?? options.Attribution.ProcfsRoot);
        }
        catch (BackendUnavailableException ex)
        {
            await stderr.WriteLineAsync("gpuqos: " + ex.Message);
            return ExitCodes.Error;
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"gpuqos: refusing to start: the scenario is invalid.{Environment.NewLine}{ex.Message}");
            return ExitCodes.Error;
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"gpuqos: cannot read the scenario: {ex.Message}");
            return ExitCodes.Error;
        }

        using (backend)
        {
            WebApplication app;
            try
            {
                app = DaemonHost.Build(new RunRequest(options, source, backendKind, scenario, listen, procfsRoot?.FullName), backend, TimeProvider.System);
            }
            catch (StartupRefusedException ex)
            {
                await stderr.WriteLineAsync("gpuqos: refusing to start: " + ex.Message);
                return ExitCodes.Error;
            }

            await using (app)
            {
                try
                {
                    await app.StartAsync(ct);
                }
                catch (IOException ex)
                {
                    await stderr.WriteLineAsync($"gpuqos: cannot listen on {listen}: {ex.Message} (use --listen to pick another address or port)");
                    return ExitCodes.Error;
                }

                await Console.Out.WriteLineAsync($"gpuqos {VersionInfo.Version}: {backend.Name} backend, {backend.Gpus.Count} GPU(s), configuration from {source}; serving http://{listen}/metrics");
                await app.WaitForShutdownAsync(ct);
            }
        }

        return ExitCodes.Ok;
    }
}

using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// The demo daemon (<c>gpuqos run --backend sim</c>) and a real Prometheus scraping it with the project's rules,
/// shared by the tests of one class. Started on first use, so a class whose tests are all skipped starts nothing.
/// </summary>
public sealed class DemoStack : IAsyncLifetime
{
    private readonly Lazy<Task<PrometheusServer>> _started;
    private DaemonProcess? _daemon;
    private PrometheusServer? _prometheus;
    private DirectoryInfo? _config;

    public DemoStack() => _started = new(StartAsync);

    internal DaemonProcess Daemon => _daemon ?? throw new InvalidOperationException("not started");

    internal Task<PrometheusServer> PrometheusAsync() => _started.Value;

    private async Task<PrometheusServer> StartAsync()
    {
        // The demo configuration plus a quick scheduled CPU audit, so that the audit panels and rules see real
        // series. Two cores of a shared VM are no isolation boundary, so the CPU thresholds here only report:
        // this stack stands for a healthy host, on which no alert may fire.
        _config = Directory.CreateTempSubdirectory("gpuqos-demo-stack-");
        var config = Path.Combine(_config.FullName, "gpuqos.yaml");
        // ml-platform runs on two GPUs (the MIG H100 and the A10): a policy that holds on both gives the SLA
        // panels a policy over several GPUs, the shape that once read 150% compliance.
        var demo = await File.ReadAllTextAsync(RepoPaths.Combine("scenarios", "demo-config.yaml"));
        const string Policies = "\npolicies:\n";
        if (!demo.Contains(Policies, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("scenarios/demo-config.yaml has no top-level policies: list");
        }

        demo = demo.Replace(Policies, Policies + """
              - name: ml-platform-share-cap
                tenant: ml-platform
                objectives: [{type: max-sm-share, share: 1.0}]

            """, StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, demo + """

            audit:
              enabled: true
              interval: 10s
              accelerator: cpu
              warmup: 1
              repetitions: 5
              probes: [compute, covert]
              covertChannelMaxBitsPerSecond: 1000000
              thresholds:
                cpuCores: 1000
            """);
        // The demo host with an application XID (13) on its A10, so the XID panels draw a real series by code
        // while no alert fires (13 is a tenant's own fault).
        var scenario = Path.Combine(_config.FullName, "scenario.yaml");
        await File.WriteAllTextAsync(scenario, Backends.Simulation.ScenarioLoader.DemoYaml().TrimEnd() + "\n    xids:\n      - {at: 0s, xid: 13}\n");
        // Its scheduled audit launches ILGPU probe workers.
        _daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config, "--scenario", scenario]);
        _prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{_daemon.Port}", RuleFiles.RulePaths);
        await _prometheus.WaitForScrapesAsync(3, TimeSpan.FromSeconds(30));
        await WaitForAsync(_prometheus, "gpuqos_audit_probe_passed", "the demo daemon's scheduled audit never reported");
        // The demo's latency story: search's p99 goes over target and research is throttled, which the workload
        // objective panels draw. The Native AOT daemon starts and audits faster than that story unfolds (8-11 s).
        await WaitForAsync(
            _prometheus,
            "gpuqos_enforcement_throttle_cap_ratio and on (instance, gpu, policy) (count by (instance, gpu, policy) (gpuqos_sla_objective_target{objective=\"latency\"}))",
            "the demo daemon never throttled a neighbour for search's latency objective");
        return _prometheus;
    }

    private async Task WaitForAsync(PrometheusServer prometheus, string query, string failure)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(180))
        {
            if ((await prometheus.QueryAsync(query)).Count > 0)
            {
                return;
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException(failure + ":\n" + Daemon.Output);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        _config?.Delete(recursive: true);
    }
}

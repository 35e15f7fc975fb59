using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Exposition;

/// <summary>
/// The fleet-scale host (8 MIG H100s x 7 instances, 8 time-sliced A100s x 64 processes, 100 tenants with two
/// policies each) really exposes at least 10,000 series, on the simulator and on NVML over the stub fixture,
/// and they are the host's own state: every process, tenant and policy of the configuration is in them.
/// </summary>
public sealed class ScaleHostTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    private const int Processes = (8 * 7) + (8 * 64);
    private const int Tenants = 100;
    private const int Policies = 2 * Tenants;

    [Fact]
    public async Task Run_SimulatedScaleHost_ExposesAtLeast10000SeriesOfItsProcessesTenantsAndPolicies()
    {
        using var dir = new TempDir();
        await using var daemon = await DaemonProcess.StartAsync(
            ["--backend", "sim", "--scenario", RepoPaths.Combine("scenarios", "scale.yaml"), "--config", Config(dir)],
            readyTimeout: TimeSpan.FromSeconds(60));

        AssertScaleSeries(await ScrapeOnceEvaluatedAsync(daemon));
    }

    [Fact]
    public async Task Run_NvmlOverScaleFixture_ExposesAtLeast10000SeriesOfItsProcessesTenantsAndPolicies()
    {
        using var dir = new TempDir();
        await using var daemon = await DaemonProcess.StartAsync(
            ["--backend", "nvml", "--config", Config(dir), "--procfs-root", stub.EmptyProcfs()],
            NvmlStubBuild.Environment(RepoPaths.Combine("tests", "NvmlStub", "fixtures", "scale.fixture")),
            TimeSpan.FromSeconds(60));

        AssertScaleSeries(await ScrapeOnceEvaluatedAsync(daemon));
    }

    /// <summary>scenarios/scale-config.yaml with the enforcement journal in the test's own directory.</summary>
    private static string Config(TempDir dir)
    {
        var text = File.ReadAllText(RepoPaths.Combine("scenarios", "scale-config.yaml"));
        const string Mode = "  mode: dry-run\n";
        Assert.Contains(Mode, text, StringComparison.Ordinal);
        var journal = Path.Combine(dir.Path, "actions.jsonl");
        return dir.Write("scale-config.yaml", text.Replace(Mode, $"{Mode}  journal: {journal}\n", StringComparison.Ordinal));
    }

    /// <summary>The first scrape after the enforcer has evaluated every policy once (its series follow the first cycle).</summary>
    private static async Task<IReadOnlyList<Sample>> ScrapeOnceEvaluatedAsync(DaemonProcess daemon)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            if (samples.Any(s => s.Name == "gpuqos_sla_state") || stopwatch.Elapsed > TimeSpan.FromSeconds(30))
            {
                return samples;
            }

            await Task.Delay(500);
        }
    }

    private static void AssertScaleSeries(IReadOnlyList<Sample> samples)
    {
        Assert.True(samples.Count >= 10_000, $"{samples.Count} series");
        Assert.Equal(16, samples.Count(s => s.Name == "gpuqos_gpu_info"));
        Assert.Equal(8 * 7, samples.Count(s => s.Name == "gpuqos_partition_info" && s.Labels["partition_kind"] == "mig"));

        // Every process has series of its own (64 per A100 under the configured cap), attributed to its tenant.
        var processes = samples.Where(s => s.Name == "gpuqos_process_memory_used_bytes").ToList();
        Assert.Equal(Processes, processes.Select(s => s.Labels["pid"]).Distinct().Count());
        Assert.All(processes, s => Assert.StartsWith(s.Labels["tenant"] + "-", s.Labels["process"], StringComparison.Ordinal));
        Assert.All(samples.Where(s => s.Name == "gpuqos_process_overflow_processes"), s => Assert.Equal(0, s.Value));

        Assert.Equal(Tenants, samples.Where(s => s.Name == "gpuqos_tenant_processes").Select(s => s.Labels["tenant"]).Distinct().Count());
        Assert.Equal(Processes, (int)samples.Where(s => s.Name == "gpuqos_tenant_processes").Sum(s => s.Value));

        // Each policy is evaluated on every GPU its tenant runs on, and each (GPU, tenant, policy) is in exactly one state.
        var tenantGpus = samples.Count(s => s.Name == "gpuqos_tenant_processes");
        var states = samples.Where(s => s.Name == "gpuqos_sla_state").ToList();
        Assert.Equal(Policies, states.Select(s => s.Labels["policy"]).Distinct().Count());
        Assert.Equal(2 * tenantGpus, states.Count(s => s.Value == 1));
        Assert.All(samples.Where(s => s.Name == "gpuqos_sla_policy_failed"), s => Assert.Equal(0, s.Value));
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GpuQos.Backends.Simulation;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.Benchmarks;

/// <summary>
/// One full isolation audit with the default settings on ILGPU's CPU accelerator: every probe, every
/// ordered pair of core partitions, real worker processes. Minutes per run, so few iterations.
/// </summary>
[Config(typeof(AuditBenchmarkConfig))]
public class AuditBenchmarks
{
    private AuditPlan _plan = null!;
    private WorkerLaunch _launch = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), TimeProvider.System);
        _plan = AuditPlanner.Plan(new AuditOptions { Accelerator = AcceleratorChoice.Cpu }, backend, AcceleratorChoice.Cpu);

        // The benchmark runs in a generated host process; workers are the real gpuqos-probe, which the build
        // copies beside gpuqos.dll.
        _launch = WorkerLaunch.Beside(Path.GetDirectoryName(typeof(Daemon.Cli.GpuQosCli).Assembly.Location)!);
    }

    [Benchmark]
    public async Task<int> FullCpuAudit()
    {
        var report = await new AuditCoordinator(_plan, _launch, TimeProvider.System).RunAsync(null, CancellationToken.None);
        return report.Results.Count;
    }
}

/// <summary>
/// Three single runs in process: the workers are separate processes anyway, and generating a host project
/// adds minutes of build to a benchmark that measures tens of seconds.
/// </summary>
public sealed class AuditBenchmarkConfig : ManualConfig
{
    public AuditBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(3)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }
}

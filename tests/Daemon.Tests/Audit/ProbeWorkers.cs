using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>Plans and partitions for tests that start real probe workers (the built gpuqos-probe.dll, copied beside gpuqos.dll).</summary>
internal static class ProbeWorkers
{
    /// <summary>The worker assembly the build puts beside gpuqos.dll.</summary>
    public static string DllPath => Path.Combine(Path.GetDirectoryName(DaemonProcess.DllPath)!, WorkerLaunch.ExecutableName + ".dll");

    public static WorkerLaunch Launch { get; } = WorkerLaunch.Dll(DllPath);

    public static AuditPartition Cpu(string name, int core, long memory = 256L << 20) =>
        new(name, "cpu", name, "cpu-cores", AcceleratorChoice.Cpu, [core], null, memory);

    /// <summary>The last core this process may use: on a two-core machine, core 1, so the pair {0},{1} is separate.</summary>
    public static int OtherCore => Math.Max(0, Environment.ProcessorCount - 1);

    public static AuditPlan Plan(IReadOnlyList<(AuditPartition, AuditPartition)> pairs, IReadOnlyList<ProbeKind> probes, int repetitions = 16, ProbeSizes? sizes = null) =>
        new("sim", "cpu", [.. pairs.SelectMany(p => new[] { p.Item1, p.Item2 }).Distinct()], pairs,
            // Nice -20 (an operator's opt-in, audit.workerNice): the test machine is shared with other builds,
            // whose load would otherwise drown the slowdowns these tests compare.
            new AuditOptions { Probes = [.. probes], Repetitions = repetitions, Warmup = 2, WorkerTimeout = TimeSpan.FromSeconds(60), WorkerNice = -20 },
            sizes ?? ProbeSizes.Cpu, []);

    public static Task<AuditReport> RunAsync(AuditPlan plan) =>
        new AuditCoordinator(plan, Launch, TimeProvider.System).RunAsync(null, CancellationToken.None);
}

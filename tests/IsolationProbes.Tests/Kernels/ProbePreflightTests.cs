using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Tests.Kernels;

/// <summary>
/// Issue #18 (Why 5): an audit on a GPU this ILGPU cannot compile for fails before placing workers, with a
/// message naming the GPU and the reason, and a worker that crashes while checking is a failed check.
/// </summary>
public sealed class ProbePreflightTests
{
    [Fact]
    public void Judge_CapabilityUnknownToIlgpu_NotReadyNamingTheArchitectureAndIlgpu()
    {
        var readiness = ProbePreflight.Judge("NVIDIA B300", (13, 0), architectureKnown: false, instructionSetKnown: false, "13.2");

        Assert.False(readiness.Ready);
        Assert.Equal("13.0", readiness.ComputeCapability);
        Assert.Contains("sm_130", readiness.Detail, StringComparison.Ordinal);
        Assert.Contains($"ILGPU {ProbePreflight.IlgpuVersion}", readiness.Detail, StringComparison.Ordinal);
        Assert.Equal("NVIDIA B300 (compute capability 13.0)", readiness.DeviceLabel);
    }

    [Fact]
    public void Judge_DriverTooOldForThePtx_NotReadyNamingTheDriver()
    {
        var readiness = ProbePreflight.Judge("NVIDIA H100 80GB HBM3", (9, 0), architectureKnown: true, instructionSetKnown: false, "11.4");

        Assert.False(readiness.Ready);
        Assert.Contains("CUDA driver 11.4", readiness.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_SupportedHopper_Ready()
    {
        var readiness = ProbePreflight.Judge("NVIDIA H100 80GB HBM3", (9, 0), architectureKnown: true, instructionSetKnown: true, "12.4");

        Assert.True(readiness.Ready);
        Assert.Contains("sm_90", readiness.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CpuAccelerator_CompilesAndRunsTheTestKernel()
    {
        var readiness = ProbePreflight.Run(AcceleratorChoice.Cpu);

        Assert.True(readiness.Ready, readiness.Detail);
        Assert.Equal("cpu", readiness.Accelerator);
        Assert.Contains("test kernel compiled and ran", readiness.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coordinator_UnsupportedGpu_FailsBeforeAnyWorkerWithTheGpuAndTheReason()
    {
        var gpu = new AuditPartition("gpu0/gi1-ci0", "0", "", "mig", AcceleratorChoice.Cuda, [], "MIG-1", 10L << 30);
        var other = gpu with { Name = "gpu0/gi2-ci0", CudaDevice = "MIG-2" };
        var plan = new AuditPlan("nvml", "cuda", [gpu, other], [(gpu, other)], new AuditOptions { Probes = [ProbeKind.Compute] }, ProbeSizes.Cuda, []);
        var preflight = new FakePreflight(ProbePreflight.Judge("NVIDIA H100 80GB HBM3", (9, 0), architectureKnown: false, instructionSetKnown: false, "12.4"));

        // A launch that cannot start anything: had the coordinator gone on, its workers would have failed as
        // error results instead of this exception.
        var coordinator = new AuditCoordinator(plan, new WorkerLaunch("/nonexistent/gpuqos", []), TimeProvider.System, preflight);
        var ex = await Assert.ThrowsAsync<AuditPlanException>(() => coordinator.RunAsync(null, CancellationToken.None));

        Assert.Contains("GPU 0, NVIDIA H100 80GB HBM3 (compute capability 9.0)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot compile for sm_90", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, preflight.Calls); // one check per GPU, not per MIG instance
    }

    [Fact]
    public async Task WorkerPreflight_WorkerCrashes_IsAFailedCheckWithItsExitCodeAndLastWords()
    {
        // Stands in for ILGPU 1.5.1 on Hopper: the worker dies of a signal before it can print a verdict.
        var launch = new WorkerLaunch("/bin/sh", ["-c", "echo 'ptxas fatal: unknown target' >&2; kill -SEGV $$"]);
        var partition = new AuditPartition("gpu0/whole", "0", "", "time-sliced", AcceleratorChoice.Cuda, [], "GPU-1", 0);

        var readiness = await new WorkerPreflight(launch, TimeSpan.FromSeconds(30)).CheckAsync(partition, CancellationToken.None);

        Assert.False(readiness.Ready);
        Assert.Contains("exited (code 139)", readiness.Detail, StringComparison.Ordinal);
        Assert.Contains("ptxas fatal: unknown target", readiness.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkerPreflight_WorkerHangs_IsKilledAndAFailedCheck()
    {
        var launch = new WorkerLaunch("/bin/sh", ["-c", "exec sleep 60"]);
        var partition = new AuditPartition("cpu0", "cpu", "", "cpu-cores", AcceleratorChoice.Cpu, [0], null, 0);

        var readiness = await new WorkerPreflight(launch, TimeSpan.FromSeconds(1)).CheckAsync(partition, CancellationToken.None);

        Assert.False(readiness.Ready);
        Assert.Contains("did not finish within 1 s", readiness.Detail, StringComparison.Ordinal);
    }

    private sealed class FakePreflight(ProbeReadiness readiness) : IAcceleratorPreflight
    {
        public int Calls { get; private set; }

        public Task<ProbeReadiness> CheckAsync(AuditPartition partition, CancellationToken ct)
        {
            Calls++;
            return Task.FromResult(readiness);
        }
    }
}

using GpuQos.Backends.Nvml;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Backends;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

/// <summary>
/// Every error code the backend treats differently, injected through the stand-in's fixture and collected
/// through the real pipeline: the cycle completes, only the affected GPU and domain lose their values, the
/// error is counted by function and code, and the other GPUs keep reporting.
/// </summary>
[Collection(NvmlStubCollection.Name)]
public sealed class NvmlFaultTests(NvmlStubHost stub)
{
    [Fact]
    public void GpuIsLost_MarksOnlyThatGpuLostAndStopsCallingIt()
    {
        using var backend = stub.Open(stub.DemoWith("fault fn=nvmlDeviceGetPowerUsage gpu=1 code=GPU_IS_LOST from=2"));
        var (pipeline, errors) = Pipeline(backend);

        var healthy = pipeline.Collect();
        Assert.False(healthy.Gpus[1].Lost);
        Assert.NotNull(healthy.Gpus[1].Device);

        var lost = pipeline.Collect();
        Assert.True(lost.Gpus[1].Lost);
        Assert.Null(lost.Gpus[1].Device);
        Assert.Empty(lost.Gpus[1].Processes);
        Assert.All(lost.Gpus.Where(g => g.Identity.Index != 1), g =>
        {
            Assert.False(g.Lost);
            Assert.NotNull(g.Device);
            Assert.NotNull(g.Health);
        });

        _ = pipeline.Collect();
        Assert.Equal(1, Count(errors, "nvmlDeviceGetPowerUsage", "GPU_IS_LOST"));
    }

    [Fact]
    public void NotSupported_ValueAbsentNotCountedAndNotAskedAgain()
    {
        // A second rule turns any repeat of the call into UNKNOWN, which would be counted.
        using var backend = stub.Open(stub.DemoWith(
            "fault fn=nvmlDeviceGetTemperatureV gpu=2 code=UNKNOWN from=2",
            "fault fn=nvmlDeviceGetTemperatureV gpu=2 code=NOT_SUPPORTED from=1"));
        var (pipeline, errors) = Pipeline(backend);

        for (var i = 0; i < 3; i++)
        {
            var snapshot = pipeline.Collect();
            Assert.NotNull(snapshot.Gpus[2].Device);
            Assert.Null(snapshot.Gpus[2].Device!.TemperatureCelsius);
            Assert.NotNull(snapshot.Gpus[2].Device!.PowerWatts);
            Assert.NotNull(snapshot.Gpus[1].Device!.TemperatureCelsius);
        }

        Assert.Empty(errors.Counts);
    }

    [Fact]
    public void NoPermission_CountedOnceThenValueAbsent()
    {
        using var backend = stub.Open(stub.DemoWith("fault fn=nvmlDeviceGetTotalEccErrors gpu=0 code=NO_PERMISSION"));
        var (pipeline, errors) = Pipeline(backend);

        var first = pipeline.Collect();
        Assert.Null(first.Gpus[0].Health);
        Assert.False(first.Collectors.Single(c => c.Name == "health").Success);
        Assert.NotNull(first.Gpus[1].Health);

        var second = pipeline.Collect();
        Assert.NotNull(second.Gpus[0].Health);
        Assert.Null(second.Gpus[0].Health!.EccCorrectedTotal);
        Assert.NotNull(second.Gpus[0].Health!.RemappedRowsCorrectable);
        Assert.Equal(1, Count(errors, "nvmlDeviceGetTotalEccErrors", "NO_PERMISSION"));
    }

    [Theory]
    [InlineData("TIMEOUT")]
    [InlineData("UNKNOWN")]
    public void TransientError_DomainMissingEachCycleCountedNotLost(string code)
    {
        using var backend = stub.Open(stub.DemoWith($"fault fn=nvmlDeviceGetPowerUsage gpu=3 code={code}"));
        var (pipeline, errors) = Pipeline(backend);

        for (var i = 0; i < 2; i++)
        {
            var snapshot = pipeline.Collect();
            Assert.Null(snapshot.Gpus[3].Device);
            Assert.False(snapshot.Gpus[3].Lost);
            Assert.NotEmpty(snapshot.Gpus[3].Partitions);
            Assert.NotNull(snapshot.Gpus[4].Device);
        }

        Assert.Equal(2, Count(errors, "nvmlDeviceGetPowerUsage", code));
    }

    [Fact]
    public void InsufficientSize_ListGrowsBetweenCalls_RetriedAndComplete()
    {
        // Three processes appear from the second call on: after the size query and beyond the slack allocated.
        using var backend = stub.Open(stub.DemoWith(
            "process gpu=4 pid=6102 name=worker memory=100 sm=1 from=2",
            "process gpu=4 pid=6103 name=worker memory=100 sm=1 from=2",
            "process gpu=4 pid=6104 name=worker memory=100 sm=1 from=2"));
        var (pipeline, errors) = Pipeline(backend);

        var snapshot = pipeline.Collect();
        Assert.Equal([6101, 6102, 6103, 6104], snapshot.Gpus[4].Processes.Select(p => p.Reading.Pid).Order());
        Assert.Empty(errors.Counts);
    }

    [Fact]
    public void InsufficientSize_Persistent_CountedAndProcessesMissing()
    {
        using var backend = stub.Open(stub.DemoWith("fault fn=nvmlDeviceGetComputeRunningProcesses_v3 gpu=4 code=INSUFFICIENT_SIZE"));
        var (pipeline, errors) = Pipeline(backend);

        var snapshot = pipeline.Collect();
        Assert.Empty(snapshot.Gpus[4].Processes);
        Assert.NotNull(snapshot.Gpus[4].Device);
        Assert.NotEmpty(snapshot.Gpus[1].Processes);
        Assert.Equal(1, Count(errors, "nvmlDeviceGetComputeRunningProcesses_v3", "INSUFFICIENT_SIZE"));
    }

    [Fact]
    public void ModeChange_ForgetsWhatWasNotSupported()
    {
        // Device utilization is NOT_SUPPORTED while MIG is on, and remembered. From its 2nd call the stand-in
        // reports MIG mode itself as unsupported (MIG off); the backend must then ask for utilization again,
        // which the second rule turns into a visible UNKNOWN.
        using var backend = stub.Open(stub.DemoWith(
            "fault fn=nvmlDeviceGetMigMode gpu=0 code=NOT_SUPPORTED from=2",
            "fault fn=nvmlDeviceGetUtilizationRates gpu=0 code=UNKNOWN from=2"));
        var mig = backend.ReadDevice(0);
        Assert.Equal(global::GpuQos.Model.Devices.SharingMode.Mig, mig.Mode);
        Assert.Null(mig.SmUtilization);

        var ex = Assert.Throws<GpuBackendException>(() => backend.ReadDevice(0));
        Assert.Equal(("nvmlDeviceGetUtilizationRates", "UNKNOWN", (int?)0), (ex.Function, ex.Code, ex.Gpu));
    }

    private static (CollectionPipeline Pipeline, BackendErrorCounter Errors) Pipeline(NvmlBackend backend)
    {
        var errors = new BackendErrorCounter();
        return (new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), TimeProvider.System, errors), errors);
    }

    private static long Count(BackendErrorCounter errors, string function, string code) =>
        errors.Counts.Where(kv => kv.Key == (function, code)).Select(kv => kv.Value).SingleOrDefault();
}

using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Collectors.Tests.Collection;

public sealed class CollectionPipelineTests
{
    [Fact]
    public void Collect_ThrowingCollector_CostsOnlyItsOwnPart()
    {
        var time = new FakeTimeProvider();
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var pipeline = new CollectionPipeline(backend, [new DeviceCollector(), new Exploding(), new ProcessCollector()], new NoAttribution(), time, new BackendErrorCounter());

        var snapshot = pipeline.Collect();

        Assert.Equal([true, false, true], snapshot.Collectors.Select(c => c.Success));
        Assert.Contains("boom", snapshot.Collectors[1].Error, StringComparison.Ordinal);
        Assert.All(snapshot.Gpus, g => Assert.NotNull(g.Device));
        Assert.Contains(snapshot.Gpus, g => g.Processes.Count > 0);
    }

    [Fact]
    public void Collect_OneGpuFailing_DegradesOnlyThatGpu_AndCountsTheError()
    {
        var time = new FakeTimeProvider();
        using var sim = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var backend = new Faulty(sim) { FailingGpu = 1, Code = "UNKNOWN" };
        var errors = new BackendErrorCounter();
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), time, errors);

        var snapshot = pipeline.Collect();

        Assert.Null(snapshot.Gpus[1].Device);
        Assert.False(snapshot.Gpus[1].Lost);
        Assert.All(snapshot.Gpus.Where(g => g.Identity.Index != 1), g => Assert.NotNull(g.Device));
        Assert.All(snapshot.Collectors, c => Assert.False(c.Success));
        Assert.Equal(4, errors.Counts.Single(kv => kv.Key == ("nvmlDeviceGetFake", "UNKNOWN")).Value);
    }

    [Fact]
    public void Collect_GpuLost_IsMarkedLostAndNotReadAgain()
    {
        var time = new FakeTimeProvider();
        using var sim = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var backend = new Faulty(sim) { FailingGpu = 2, Code = "GPU_IS_LOST" };
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), time, new BackendErrorCounter());

        var first = pipeline.Collect();
        var callsAfterFirst = backend.Calls;
        time.Advance(TimeSpan.FromSeconds(1));
        var second = pipeline.Collect();

        Assert.True(first.Gpus[2].Lost);
        Assert.True(second.Gpus[2].Lost);
        Assert.Equal(callsAfterFirst, backend.Calls);
        Assert.All(second.Collectors, c => Assert.True(c.Success));
        Assert.Equal(4, second.Gpus.Count(g => g.Device is not null));
    }

    [Fact]
    public void Store_Window_ReturnsRecentSnapshotsOldestFirst_AndForgetsBeyondCapacity()
    {
        var time = new FakeTimeProvider();
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), time, new BackendErrorCounter());
        var store = new SnapshotStore(capacity: 5);
        for (var i = 0; i < 8; i++)
        {
            store.Publish(pipeline.Collect());
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([4L, 5, 6, 7, 8], store.Window(TimeSpan.FromMinutes(1)).Select(s => s.Sequence));
        Assert.Equal([6L, 7, 8], store.Window(TimeSpan.FromSeconds(2)).Select(s => s.Sequence));
        Assert.Equal(8, store.Latest!.Sequence);
    }

    private sealed class Exploding : ICollector
    {
        public string Name => "exploding";

        public void Collect(CollectionContext context) => throw new InvalidOperationException("boom");
    }

    /// <summary>Wraps a backend and fails every read of one GPU with a given code.</summary>
    private sealed class Faulty(IGpuBackend inner) : IGpuBackend
    {
        public int FailingGpu { get; init; }
        public string Code { get; init; } = "UNKNOWN";
        /// <summary>Reads attempted on the failing GPU.</summary>
        public int Calls { get; private set; }
        public string Name => inner.Name;
        public IGpuControl Control => inner.Control;
        public IReadOnlyList<GpuIdentity> Gpus => inner.Gpus;

        public DeviceReading ReadDevice(int gpu) => Read(gpu, inner.ReadDevice);

        public HealthReading ReadHealth(int gpu) => Read(gpu, inner.ReadHealth);

        public IReadOnlyList<PartitionReading> ReadPartitions(int gpu) => Read(gpu, inner.ReadPartitions);

        public IReadOnlyList<ProcessReading> ReadProcesses(int gpu) => Read(gpu, inner.ReadProcesses);

        public void Dispose()
        {
        }

        private T Read<T>(int gpu, Func<int, T> read)
        {
            if (gpu != FailingGpu)
            {
                return read(gpu);
            }

            Calls++;
            throw new GpuBackendException("nvmlDeviceGetFake", Code, gpu, "injected");
        }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using GpuQos.Backends.Nvml;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>
/// A collection cycle of the fleet-scale host through each backend, and through none.
/// <list type="bullet">
/// <item><c>NvmlCollectionCycle</c>: the real NVML backend (P/Invoke, versioned structs, the INSUFFICIENT_SIZE
/// handshake) over the NVML stand-in loaded with <c>tests/NvmlStub/fixtures/scale.fixture</c>, the same host as
/// <c>scenarios/scale.yaml</c>. The stand-in's own time is in it: a small C lookup per call, so the figure is an
/// upper bound for GpuQos's overhead on NVML.</item>
/// <item><c>NvmlReadsOnly</c>: the same backend's reads of every GPU, as one cycle, without the pipeline around them.</item>
/// <item><c>PipelineOnly</c>: the pipeline (collectors, attribution, tenant aggregation, the snapshot) over
/// readings recorded from one earlier cycle, so no backend time or allocation is in it at all.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class NvmlCollectionBenchmarks : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private NvmlBackend _nvml = null!;
    private CollectionPipeline _overNvml = null!;
    private CollectionPipeline _overRecording = null!;
    private DirectoryInfo _procRoot = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = ScaleHost.RepoRoot();
        BuildStub(root);
        Environment.SetEnvironmentVariable(NvmlLibrary.PathVariable, Path.Combine(root, "tests", "NvmlStub", "build", "libnvidia-ml.so.1"));

        // The stand-in reads its fixture with getenv, which sees libc's environment, not .NET's copy of it.
        if (setenv("GPUQOS_NVML_STUB_FIXTURE", Path.Combine(root, "tests", "NvmlStub", "fixtures", "scale.fixture"), 1) != 0)
        {
            throw new InvalidOperationException("setenv GPUQOS_NVML_STUB_FIXTURE failed");
        }

        // An empty procfs: process names come from the fixture (nvmlSystemGetProcessName), as in the NVML tests.
        _procRoot = Directory.CreateTempSubdirectory("gpuqos-bench-proc-");
        _nvml = NvmlBackend.Open(new NvmlBackendOptions { ProcRoot = _procRoot.FullName }, _time);
        _overNvml = new CollectionPipeline(_nvml, CollectionPipeline.DefaultCollectors, ScaleHost.Tenants(), _time, new BackendErrorCounter());
        var snapshot = _overNvml.Collect();
        var processes = snapshot.Gpus.Sum(g => g.Processes.Count);
        Console.WriteLine($"// NVML stand-in: {snapshot.Gpus.Count} GPUs, {processes} processes, {snapshot.Tenants.Count} tenant usages");

        _overRecording = new CollectionPipeline(new RecordedBackend(_nvml), CollectionPipeline.DefaultCollectors, ScaleHost.Tenants(), _time, new BackendErrorCounter());
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _nvml?.Dispose();
        _procRoot?.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public HostSnapshot NvmlCollectionCycle()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _overNvml.Collect();
    }

    [Benchmark]
    public int NvmlReadsOnly()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        _nvml.BeginCycle();
        var n = 0;
        foreach (var gpu in _nvml.Gpus)
        {
            n += _nvml.ReadDevice(gpu.Index).Mode == SharingMode.Mig ? 1 : 0;
            n += _nvml.ReadHealth(gpu.Index).XidErrorsTotal > 0 ? 1 : 0;
            n += _nvml.ReadPartitions(gpu.Index).Count;
            n += _nvml.ReadProcesses(gpu.Index).Count;
        }

        return n;
    }

    [Benchmark]
    public HostSnapshot PipelineOnly()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _overRecording.Collect();
    }

    private static void BuildStub(string root)
    {
        using var make = Process.Start(new ProcessStartInfo("make", ["-s", "-C", Path.Combine(root, "tests", "NvmlStub")]))
            ?? throw new InvalidOperationException("cannot run make");
        make.WaitForExit();
        if (make.ExitCode != 0)
        {
            throw new InvalidOperationException($"make -C tests/NvmlStub failed ({make.ExitCode})");
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    /// <summary>Every GPU's readings from one read of another backend, returned as they are on each call.</summary>
    private sealed class RecordedBackend(IGpuBackend source) : IGpuBackend
    {
        private readonly (DeviceReading Device, HealthReading Health, IReadOnlyList<PartitionReading> Partitions, IReadOnlyList<ProcessReading> Processes)[] _readings =
            [.. source.Gpus.Select(g => (source.ReadDevice(g.Index), source.ReadHealth(g.Index), source.ReadPartitions(g.Index), source.ReadProcesses(g.Index)))];

        public string Name => "recorded";

        public IGpuControl Control => source.Control;

        public IReadOnlyList<GpuIdentity> Gpus { get; } = source.Gpus;

        public DeviceReading ReadDevice(int gpu) => _readings[gpu].Device;

        public HealthReading ReadHealth(int gpu) => _readings[gpu].Health;

        public IReadOnlyList<PartitionReading> ReadPartitions(int gpu) => _readings[gpu].Partitions;

        public IReadOnlyList<ProcessReading> ReadProcesses(int gpu) => _readings[gpu].Processes;

        public void Dispose()
        {
        }
    }
}

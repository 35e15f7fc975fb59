using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

/// <summary>
/// Process discovery from NVML's three lists (compute, graphics, MPS), merged by PID, over the stand-in: MPS as
/// NVML documents it (clients in the MPS list only) and as some drivers behave (clients in the compute list too).
/// </summary>
[Collection(NvmlStubCollection.Name)]
public sealed class NvmlProcessListTests(NvmlStubHost stub)
{
    private const string MpsGpu = "gpu uuid=GPU-00000000-0000-0000-0000-000000000001 name=\"NVIDIA A100-SXM4-40GB\" memory=40960 reserved=512 sm_util=40";

    private static readonly string[] MpsHost =
    [
        MpsGpu,
        "process gpu=0 pid=3900 name=nvidia-cuda-mps-server memory=32 sm=40 mem=10",
        "process gpu=0 pid=3901 name=trainer-a memory=6144 sampled=0 context=mps",
        "process gpu=0 pid=3902 name=trainer-b memory=2048 sampled=0 context=mps",
    ];

    [Fact]
    public void ReadProcesses_MpsClientsOnlyInMpsList_SeenAsMpsClientsBesideTheServer()
    {
        // Reading only the compute list, the backend saw the server alone: the clients' memory and tenants were lost.
        using var backend = stub.Open(stub.FixtureOf(MpsHost));

        var processes = backend.ReadProcesses(0).OrderBy(p => p.Pid).ToList();

        Assert.Equal(SharingMode.Mps, backend.ReadDevice(0).Mode);
        Assert.Equal(
            ["3900 nvidia-cuda-mps-server Compute 33554432", "3901 trainer-a MpsClient 6442450944", "3902 trainer-b MpsClient 2147483648"],
            processes.Select(p => $"{p.Pid} {p.Name} {p.Contexts} {p.UsedMemoryBytes}"));

        // NVML charges the clients' work to the server: only the server's utilization is known.
        Assert.Equal(0.40, processes[0].SmUtilization);
        Assert.Null(processes[1].SmUtilization);
        Assert.Null(processes[2].SmUtilization);
    }

    [Fact]
    public void ReadProcesses_DriverAlsoListsClientsAsCompute_EachClientOnceWithBothContexts()
    {
        using var backend = stub.Open(stub.FixtureOf([MpsGpu + " mps_clients_in_compute=1", .. MpsHost[1..]]));

        var processes = backend.ReadProcesses(0).OrderBy(p => p.Pid).ToList();

        Assert.Equal([3900, 3901, 3902], processes.Select(p => p.Pid));
        Assert.Equal(ProcessContexts.Compute | ProcessContexts.MpsClient, processes[1].Contexts);
        Assert.Equal(ProcessContexts.Compute | ProcessContexts.MpsClient, processes[2].Contexts);

        // Each list gives a process's whole memory: the merge must not count a client twice.
        var device = backend.ReadDevice(0);
        Assert.Equal(device.MemoryUsedBytes - device.MemoryReservedBytes, processes.Sum(p => p.UsedMemoryBytes));
        Assert.Equal(6144L << 20, processes[1].UsedMemoryBytes);
    }

    [Fact]
    public void ReadProcesses_GraphicsContexts_ListedAndMergedWithCompute()
    {
        using var backend = stub.Open(stub.FixtureOf(
            "gpu uuid=GPU-00000000-0000-0000-0000-000000000002 name=\"NVIDIA L40S\" memory=49152",
            "process gpu=0 pid=7001 name=blender memory=4096 context=compute+graphics",
            "process gpu=0 pid=7002 name=Xorg memory=64 context=graphics",
            "process gpu=0 pid=7003 name=python3 memory=1024"));

        var processes = backend.ReadProcesses(0).OrderBy(p => p.Pid).ToList();

        Assert.Equal(
            ["7001 Compute, Graphics 4294967296", "7002 Graphics 67108864", "7003 Compute 1073741824"],
            processes.Select(p => $"{p.Pid} {p.Contexts} {p.UsedMemoryBytes}"));
    }

    [Theory]
    [InlineData("nvmlDeviceGetMPSComputeRunningProcesses_v3", "3900")]
    [InlineData("nvmlDeviceGetGraphicsRunningProcesses_v3", "3900,3901,3902")]
    public void Collect_ListNotSupported_NoSuchListTheOthersStandNothingCounted(string function, string pids)
    {
        // NOT_SUPPORTED (the MPS list before Volta, the graphics list on compute-only boards) is no list. A second
        // rule makes any repeat of the call UNKNOWN, which would be counted: the call is not made again.
        using var backend = stub.Open(stub.FixtureOf(
            [.. MpsHost, $"fault fn={function} gpu=0 code=UNKNOWN from=2", $"fault fn={function} gpu=0 code=NOT_SUPPORTED from=1"]));
        var errors = new BackendErrorCounter();
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), TimeProvider.System, errors);

        for (var cycle = 0; cycle < 3; cycle++)
        {
            var snapshot = pipeline.Collect();
            Assert.All(snapshot.Collectors, c => Assert.True(c.Success, $"{c.Name}: {c.Error}"));
            Assert.Equal(pids, string.Join(",", snapshot.Gpus[0].Processes.Select(p => p.Reading.Pid).Order()));
        }

        Assert.Empty(errors.Counts);
    }

    [Fact]
    public void Collect_MpsListFails_ProcessDomainLostForTheCycleAndCounted()
    {
        // Any other error is the domain's for that cycle, as for the compute list: a partial list would drop the
        // clients' series and bring them back a cycle later.
        using var backend = stub.Open(stub.FixtureOf([.. MpsHost, "fault fn=nvmlDeviceGetMPSComputeRunningProcesses_v3 gpu=0 code=UNKNOWN from=1"]));
        var errors = new BackendErrorCounter();
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), TimeProvider.System, errors);

        var snapshot = pipeline.Collect();

        Assert.Contains(snapshot.Collectors, c => !c.Success && c.Error!.Contains("nvmlDeviceGetMPSComputeRunningProcesses_v3", StringComparison.Ordinal));
        Assert.Contains(errors.Counts, kv => kv.Key == ("nvmlDeviceGetMPSComputeRunningProcesses_v3", "UNKNOWN"));
    }
}

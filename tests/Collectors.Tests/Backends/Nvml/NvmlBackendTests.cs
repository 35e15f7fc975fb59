using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using GpuQos.Backends.Nvml;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

/// <summary>The NVML backend over the stand-in: what goes down to NVML, and what the demo fixture must equal.</summary>
[Collection(NvmlStubCollection.Name)]
public sealed class NvmlBackendTests(NvmlStubHost stub)
{
    [Fact]
    public void Control_Calls_ReachNvmlWithTheirArguments()
    {
        var log = Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N") + ".log");
        using (var backend = stub.Open(stub.DemoFixture, log))
        {
            backend.SetLockedClocks(1, 900, 1200);
            backend.ResetLockedClocks(1);
            backend.SetPowerLimit(4, 120_000);
            backend.SetComputeMode(3, ComputeMode.ExclusiveProcess);
            Assert.Throws<GpuBackendException>(() => backend.SetVgpuScheduler(2, VgpuSchedulerPolicy.FixedShare, 1500));
        }

        Assert.Equal(
            [
                "nvmlDeviceSetGpuLockedClocks gpu=1 min=900 max=1200 -> 0",
                "nvmlDeviceResetGpuLockedClocks gpu=1 -> 0",
                "nvmlDeviceSetPowerManagementLimit gpu=4 limit=120000 -> 0",
                "nvmlDeviceSetComputeMode gpu=3 mode=3 -> 0",
                "nvmlDeviceSetVgpuSchedulerState gpu=2 policy=3 arr=1 timeslice_ns=1500000 -> 19",
            ],
            File.ReadAllLines(log));
    }

    [Fact]
    public void ReadDevice_BeforeAnyProcessList_CountsTheProcessesMemory()
    {
        // A GPU's memory in use does not wait for somebody to list its processes. The stand-in once counted a
        // process only after the first process-list call, so a daemon's first cycle (device read first) saw
        // 0 bytes in use on GPUs 0 and 4 and every later cycle the real figure.
        using var backend = stub.Open(stub.DemoFixture);

        // In use is the processes' memory plus the driver's 512 MiB reservation (as nvidia-smi counts it).
        Assert.Equal((20480L + 512) << 20, backend.ReadDevice(4).MemoryUsedBytes);
        Assert.Equal((31744L + 12288 + 3072 + 512) << 20, backend.ReadDevice(0).MemoryUsedBytes);
    }

    [Fact]
    public void DemoFixture_SameHostAsSimulatedDemo()
    {
        using var nvml = stub.Open(stub.DemoFixture);
        using var sim = new SimulatedBackend(ScenarioLoader.Demo(), new FakeTimeProvider());
        Assert.Equal(sim.Gpus, nvml.Gpus);
        for (var i = 0; i < sim.Gpus.Count; i++)
        {
            Assert.Equal(Shape(sim.ReadPartitions(i)), Shape(nvml.ReadPartitions(i)));
            Assert.Equal(Shape(sim.ReadProcesses(i)), Shape(nvml.ReadProcesses(i)));
            Assert.Equal(Nulls(sim.ReadDevice(i)), Nulls(nvml.ReadDevice(i)));
            Assert.Equal(Nulls(sim.ReadHealth(i)), Nulls(nvml.ReadHealth(i)));
        }
    }

    [Fact]
    public void ProcessUtilization_EachSampleCountedOnce()
    {
        // The stand-in's samples for pid 7001 read 10, 20, 30 … percent, one per 100 ms at most. Counting an
        // old sample again (not passing lastSeenTimeStamp, not filtering) would pull the average down.
        var fixture = Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N") + ".fixture");
        File.WriteAllLines(fixture, ["gpu uuid=GPU-samples name=\"NVIDIA A10\"", "process gpu=0 pid=7001 name=trainer memory=100 sm=10 sm_step=10"]);
        using var backend = stub.Open(fixture);
        using var pause = new ManualResetEventSlim();

        // Each read makes the stand-in take at most one new sample, and the pauses make sure it takes one.
        Assert.Equal(0.10, backend.ReadProcesses(0).Single().SmUtilization);
        pause.Wait(250);
        Assert.Equal(0.20, backend.ReadProcesses(0).Single().SmUtilization);
        pause.Wait(250);
        Assert.Equal(0.30, backend.ReadProcesses(0).Single().SmUtilization);
    }

    [Fact]
    public void ProcessUtilization_ProcessWithoutNewSamples_IdleOnceNewerPeriodsExist()
    {
        // NVML returns samples only for processes busy in a period: 7002 is busy once, then idle while 7001
        // keeps being sampled. Keeping 7002's last value would report a busy process that stopped long ago.
        var fixture = Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N") + ".fixture");
        File.WriteAllLines(fixture,
        [
            "gpu uuid=GPU-idle name=\"NVIDIA A10\"",
            "process gpu=0 pid=7001 name=server memory=100 sm=20",
            "process gpu=0 pid=7002 name=batch memory=100 sm=70 idle_after=1",
        ]);
        using var backend = stub.Open(fixture);
        using var pause = new ManualResetEventSlim();

        Assert.Equal([(7001, 0.2), (7002, 0.7)], backend.ReadProcesses(0).Select(p => (p.Pid, p.SmUtilization ?? -1)).Order());
        pause.Wait(250);
        Assert.Equal([(7001, 0.2), (7002, 0.0)], backend.ReadProcesses(0).Select(p => (p.Pid, p.SmUtilization ?? -1)).Order());
    }

    [Fact]
    public void MigTopology_InstanceReplaced_ReReadOnNextCycle()
    {
        // gi4 (1g.10gb at slice 3) is destroyed after the first topology read and a 1g.20gb instance takes
        // slices 2-3 (gi3 goes too); the second read must show the new geometry with its own profile.
        var fixture = File.ReadAllLines(stub.DemoFixture)
            .Select(l => l.StartsWith("gi gpu=0 id=3 ", StringComparison.Ordinal) || l.StartsWith("gi gpu=0 id=4 ", StringComparison.Ordinal) ? l + " until=2" : l)
            .Append("gi gpu=0 id=5 profile=15 start=2 size=2 uuid=MIG-00000000-0000-0000-0000-000000000005 sm_util=50 dram_util=10 from=2")
            .ToArray();
        var path = Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N") + ".fixture");
        File.WriteAllLines(path, fixture);
        using var backend = stub.Open(path);

        Assert.Equal(["gi1-ci0", "gi2-ci0", "gi3-ci0", "gi4-ci0"], backend.ReadPartitions(0).Select(p => p.Id));
        var after = backend.ReadPartitions(0);
        Assert.Equal(
            [("gi1-ci0", "3g.40gb", 4), ("gi2-ci0", "2g.20gb", 0), ("gi5-ci0", "1g.20gb", 2)],
            after.Select(p => (p.Id, p.Profile, p.PlacementStart ?? -1)));
        Assert.Equal("MIG-00000000-0000-0000-0000-000000000005", after[2].Uuid);
        Assert.Equal(26, after[2].SmCount);
        Assert.Equal(0.5, after[2].SmUtilization);
    }

    [Fact]
    public void Xid_EventFromDriver_CountedWithItsCode()
    {
        using var backend = stub.Open(stub.DemoWith("xid gpu=2 code=79 after=0", "xid gpu=2 code=48 after=0", "xid gpu=2 code=48 after=0"),
            options: new NvmlBackendOptions { ProcRoot = stub.ProcRoot, EventWaitTimeout = TimeSpan.FromMilliseconds(50) });
        var deadline = Stopwatch.StartNew();
        using var pause = new ManualResetEventSlim();
        while (backend.ReadHealth(2).XidErrorsTotal < 3 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            pause.Wait(20);
        }

        var health = backend.ReadHealth(2);
        Assert.Equal(3, health.XidErrorsTotal);
        Assert.Equal(48, health.LastXid);
        Assert.Equal([(48, 2L), (79, 1L)], health.XidErrorsByCode.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(0, backend.ReadHealth(1).XidErrorsTotal);
    }

    [Fact]
    public void Mps_ControlBinaryMissing_NotSupported()
    {
        using var backend = stub.Open(stub.DemoFixture, options: new NvmlBackendOptions { ProcRoot = stub.ProcRoot, ExecutableSearchPath = [stub.WorkDir] });
        var ex = Assert.Throws<GpuBackendException>(() => backend.SetMpsActiveThreadPercentage(3, null, 50));
        Assert.Equal(("nvidia-cuda-mps-control", "NOT_SUPPORTED"), (ex.Function, ex.Code));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void Mps_ActiveThreadPercentage_CommandsFromTypedValues()
    {
        var bin = Directory.CreateDirectory(Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N"))).FullName;
        var received = Path.Combine(bin, "received");
        var control = Path.Combine(bin, "nvidia-cuda-mps-control");
        File.WriteAllText(control, $"#!/bin/sh\ncat >> '{received}'\n");
        File.SetUnixFileMode(control, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var backend = stub.Open(stub.DemoFixture, options: new NvmlBackendOptions { ProcRoot = stub.ProcRoot, ExecutableSearchPath = [bin] });

        backend.SetMpsActiveThreadPercentage(3, null, 50);
        backend.SetMpsActiveThreadPercentage(3, 3901, 25);
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.SetMpsActiveThreadPercentage(3, null, 101));

        // The per-client call goes to the GPU's MPS server (pid 3900): MPS has no per-client setting.
        Assert.Equal(["set_default_active_thread_percentage 50", "set_active_thread_percentage 3900 25"], File.ReadAllLines(received));
    }

    [Fact]
    public void RealPid_SmUtilizationFollowsTheProcessCpuShare()
    {
        using var busy = Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"])) ?? throw new InvalidOperationException("sh");
        using var idle = Process.Start(new ProcessStartInfo("sleep", ["60"])) ?? throw new InvalidOperationException("sleep");
        try
        {
            var fixture = Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N") + ".fixture");
            File.WriteAllLines(fixture,
            [
                "gpu uuid=GPU-real name=\"NVIDIA A10\" memory=24576",
                $"process gpu=0 pid={busy.Id} memory=100 real=1",
                $"process gpu=0 pid={idle.Id} memory=100 real=1",
            ]);
            using var backend = stub.Open(fixture, options: new NvmlBackendOptions());

            // The share is measured between two reads of /proc/PID/stat; give the busy loop some CPU time.
            _ = backend.ReadProcesses(0);
            using var pause = new ManualResetEventSlim();
            var until = Stopwatch.StartNew();
            IReadOnlyList<ProcessReading> processes;
            do
            {
                pause.Wait(300);
                processes = backend.ReadProcesses(0);
            }
            while ((processes.Single(p => p.Pid == busy.Id).SmUtilization ?? 0) < 0.03 && until.Elapsed < TimeSpan.FromSeconds(10));

            // The machine is shared, so the busy loop's share of a CPU varies; it must clearly show, and the
            // sleeping process must not.
            Assert.InRange(processes.Single(p => p.Pid == busy.Id).SmUtilization ?? -1, 0.03, 1);
            Assert.InRange(processes.Single(p => p.Pid == idle.Id).SmUtilization ?? -1, 0, 0.01);
            Assert.Equal("sleep", processes.Single(p => p.Pid == idle.Id).Name);

            busy.Kill();
            busy.WaitForExit();
            Assert.DoesNotContain(backend.ReadProcesses(0), p => p.Pid == busy.Id);
        }
        finally
        {
            if (!busy.HasExited)
            {
                busy.Kill();
            }

            idle.Kill();
        }
    }

    [Fact]
    public void ReadProcesses_ReadsEachNameOncePerProcessWhileItStaysOnTheGpu()
    {
        using var first = Process.Start(new ProcessStartInfo("sleep", ["60"])) ?? throw new InvalidOperationException("sleep");
        using var second = Process.Start(new ProcessStartInfo("sleep", ["60"])) ?? throw new InvalidOperationException("sleep");
        try
        {
            var fixture = Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N") + ".fixture");
            File.WriteAllLines(fixture,
            [
                "gpu uuid=GPU-names name=\"NVIDIA A10\" memory=24576",
                $"process gpu=0 pid={first.Id} name=from-nvml memory=100 real=1",
                $"process gpu=0 pid={second.Id} name=from-nvml memory=100 real=1",
            ]);

            // A procfs of our own, so that a name can change under the backend.
            var procRoot = Directory.CreateDirectory(Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N"))).FullName;
            void Comm(Process p, string name) => File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(procRoot, p.Id.ToString(CultureInfo.InvariantCulture))).FullName, "comm"), name + "\n");
            Comm(first, "trainer");
            using var backend = stub.Open(fixture, options: new NvmlBackendOptions { ProcRoot = procRoot });

            string NameOf(Process p) => backend.ReadProcesses(0).Single(r => r.Pid == p.Id).Name;
            Assert.Equal("trainer", NameOf(first));
            Assert.Equal("from-nvml", NameOf(second)); // not in this procfs: NVML's name

            // Read once: a second cycle and the sharing-mode check take the name already read.
            Comm(first, "renamed");
            _ = backend.ReadDevice(0);
            Assert.Equal("trainer", NameOf(first));

            // Once the process has left the GPU its name is forgotten; the other process keeps its own.
            first.Kill();
            first.WaitForExit();
            Assert.DoesNotContain(backend.ReadProcesses(0), r => r.Pid == first.Id);
            Assert.Equal("from-nvml", NameOf(second));
        }
        finally
        {
            if (!first.HasExited)
            {
                first.Kill();
            }

            second.Kill();
        }
    }

    [Fact]
    public void Collect_ReadsEachGpusProcessListOncePerCycle()
    {
        // From the 5th process-list call on GPU 1 (time-sliced, four processes) the stand-in fails. A cycle whose
        // device, partition and process reads share one list makes two calls (the size query and the read); one
        // where each read asks again makes eight, and fails in its first cycle.
        using var backend = stub.Open(stub.DemoWith("fault fn=nvmlDeviceGetComputeRunningProcesses_v3 gpu=1 code=UNKNOWN from=5"), options: new NvmlBackendOptions { ProcRoot = stub.ProcRoot });
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), TimeProvider.System, new BackendErrorCounter());

        var first = pipeline.Collect();
        var second = pipeline.Collect();

        // The enforcer's MPS server lookup asks NVML (the fifth call, which fails), not the list the second cycle
        // kept: from that list it would have found no server and said so instead.
        var lookup = Assert.Throws<GpuBackendException>(() => backend.SetMpsActiveThreadPercentage(1, 4101, 50));
        Assert.Equal("nvmlDeviceGetComputeRunningProcesses_v3", lookup.Function);

        var third = pipeline.Collect();

        Assert.All(first.Collectors.Concat(second.Collectors), c => Assert.True(c.Success, $"{c.Name}: {c.Error}"));
        Assert.Equal(4, second.Gpus[1].Processes.Count);
        Assert.Contains(third.Collectors, c => !c.Success && c.Error!.Contains("nvmlDeviceGetComputeRunningProcesses_v3", StringComparison.Ordinal));

        // The failed list is not kept: a later read of the same cycle asks NVML again, and fails again.
        Assert.Throws<GpuBackendException>(() => backend.ReadProcesses(1));
    }

    private static IEnumerable<string> Shape(IEnumerable<PartitionReading> partitions) =>
        partitions.Select(p => $"{p.Id}|{p.Kind}|{p.Profile}|{p.Uuid}|{p.GpuInstanceId}|{p.ComputeInstanceId}|{p.PlacementStart}|{p.SmCount}|{p.VgpuInstanceId}|{p.VmId}|{p.MemoryTotalBytes}|{p.SchedulerPolicy}|{p.SchedulerTimesliceSeconds}"
            + $"|{p.MemoryUsedBytes is null}|{p.SmUtilization is null}|{p.MemoryBandwidthUtilization is null}|{p.EncoderUtilization is null}|{p.DecoderUtilization is null}");

    private static IEnumerable<string> Shape(IEnumerable<ProcessReading> processes) =>
        processes.OrderBy(p => p.Pid).Select(p => $"{p.Pid}|{p.Name}|{p.PartitionId}|{p.UsedMemoryBytes}|{p.Contexts}|{p.SmUtilization is null}|{p.MemoryBandwidthUtilization is null}");

    private static string Nulls(object reading) =>
        string.Join(",", reading.GetType().GetProperties().Where(p => p.GetValue(reading) is null).Select(p => p.Name));
}

using GpuQos.Backends.Nvml;
using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

/// <summary>The merge rule for NVML's three process lists, on figures the stand-in cannot produce (lists that disagree).</summary>
public sealed class ProcessListMergeTests
{
    private const uint None = NvmlProcessInfo.NoInstance;

    [Fact]
    public void Merge_PidInTwoListsWithDifferentFigures_OnceWithTheLargerMemoryNotTheSum()
    {
        // Each list reports the process's whole use; read moments apart, the figures can differ.
        var merged = ProcessListMerge.Merge([Info(7, 4096)], null, [Info(7, 4608)])!;

        var p = Assert.Single(merged);
        Assert.Equal((7u, 4608ul, ProcessContexts.Compute | ProcessContexts.MpsClient), (p.Pid, p.UsedGpuMemory, p.Contexts));
    }

    [Fact]
    public void Merge_MemoryNotAvailable_YieldsToAKnownFigureAndCountsZeroAlone()
    {
        var merged = ProcessListMerge.Merge([Info(7, ProcessListMerge.MemoryNotAvailable), Info(8, ProcessListMerge.MemoryNotAvailable)], [Info(7, 1024)], [])!;

        Assert.Equal([(7u, 1024ul), (8u, 0ul)], merged.Select(p => (p.Pid, p.UsedGpuMemory)));
    }

    [Fact]
    public void Merge_OrderFirstSeen_InstancesFromTheFirstList()
    {
        var merged = ProcessListMerge.Merge([Info(3, 1, gi: 2, ci: 0)], [Info(9, 1), Info(3, 1, gi: 5, ci: 1)], [Info(4, 1)])!;

        Assert.Equal([3u, 9u, 4u], merged.Select(p => p.Pid));
        Assert.Equal((2u, 0u), (merged[0].GpuInstanceId, merged[0].ComputeInstanceId));
        Assert.Equal(ProcessContexts.Compute | ProcessContexts.Graphics, merged[0].Contexts);
    }

    [Fact]
    public void Merge_AllListsUnsupported_Null_SomeUnsupported_TheOthersStand()
    {
        Assert.Null(ProcessListMerge.Merge(null, null, null));
        Assert.Equal([ProcessContexts.MpsClient], ProcessListMerge.Merge(null, null, [Info(5, 1)])!.Select(p => p.Contexts));
    }

    private static NvmlProcessInfo Info(uint pid, ulong memory, uint gi = None, uint ci = None) =>
        new() { Pid = pid, UsedGpuMemory = memory, GpuInstanceId = gi, ComputeInstanceId = ci };
}

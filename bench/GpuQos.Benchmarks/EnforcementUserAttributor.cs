using GpuQos.Enforcer.Actuators;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;

namespace GpuQos.Benchmarks;

/// <summary>The benchmark's processes carry their tenant as their user.</summary>
internal sealed class EnforcementUserAttributor : IProcessAttributor
{
    // The start time is the process's identity: the enforcer acts only on a process the snapshot identifies.
    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition) =>
        new("", "", "", process.User ?? "") { StartTime = ProcStat.Read(process.Pid)?.StartTime };

    public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
}

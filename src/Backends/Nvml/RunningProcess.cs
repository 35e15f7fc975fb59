using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>A process on a GPU as NVML's compute, graphics and MPS lists name it, merged by PID.</summary>
/// <param name="Pid">The PID, in the host's PID namespace.</param>
/// <param name="UsedGpuMemory">Bytes; the largest figure any list gave (<see cref="ProcessListMerge"/>).</param>
/// <param name="GpuInstanceId">The GPU instance, or <see cref="Interop.NvmlProcessInfo.NoInstance"/> outside MIG.</param>
/// <param name="ComputeInstanceId">The compute instance, or <see cref="Interop.NvmlProcessInfo.NoInstance"/>.</param>
/// <param name="Contexts">The lists that named it.</param>
internal readonly record struct RunningProcess(uint Pid, ulong UsedGpuMemory, uint GpuInstanceId, uint ComputeInstanceId, ProcessContexts Contexts);
